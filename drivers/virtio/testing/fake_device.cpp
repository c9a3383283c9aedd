// Configuration space, BAR registers and the status/feature/queue state
// machine of the fake device; the rings are in fake_device_rings.cpp.
#include "fake_device.h"

#include <cstring>

namespace tessera::virtio::testing {

namespace {

bool is_power_of_two(std::uint16_t value) {
    return value != 0 && (value & (value - 1)) == 0;
}

}  // namespace

FakeVirtioDevice::FakeVirtioDevice(FakePlatform& platform, Options options)
    : platform_(platform), options_(std::move(options)), device_config_(options_.device_config_size) {
    queues_.resize(options_.queue_sizes.size());
    rings_.resize(queues_.size());
    write_config_space();
    platform_.install_bar(
        bar_index,
        std::make_unique<FakeBar>(
            4 * region_length, platform_.violations(),
            [this](std::size_t offset, unsigned width) { return read_register(offset, width); },
            [this](std::size_t offset, unsigned width, std::uint64_t value) { write_register(offset, width, value); }));
    reset();
    resets_ = 0;
}

void FakeVirtioDevice::write_config_space() {
    FakePlatform& p = platform_;
    p.poke16(pci::vendor_id, pci_vendor_virtio);
    p.poke16(pci::device_id, static_cast<std::uint16_t>(pci_device_modern_base + options_.device_type));
    p.poke16(pci::status, pci::status_capabilities_list);
    p.poke8(0x08, 1);  // revision 1: a modern device
    p.poke16(0x2C, pci_vendor_virtio);
    p.poke16(0x2E, options_.device_type);
    p.poke8(pci::capabilities_pointer, msix_cap_at);

    // MSI-X capability first, as on QEMU, so parsing has to skip a non-virtio one.
    p.poke8(msix_cap_at, pci::capability_msix);
    p.poke8(msix_cap_at + 1, common_cap_at);
    p.poke16(msix_cap_at + 2, 7);  // table size - 1

    auto virtio_cap = [&](std::uint8_t at, std::uint8_t next, std::uint8_t length, std::uint8_t type,
                          std::uint32_t offset) {
        p.poke8(at, pci::capability_vendor_specific);
        p.poke8(at + cap::field_next, next);
        p.poke8(at + cap::field_length, length);
        p.poke8(at + cap::field_cfg_type, type);
        p.poke8(at + cap::field_bar, bar_index);
        p.poke32(at + cap::field_offset, offset);
        p.poke32(at + cap::field_region_length, region_length);
    };
    virtio_cap(common_cap_at, notify_cap_at, cap::size, cap::common_cfg, common_offset);
    virtio_cap(notify_cap_at, isr_cap_at, cap::notify_size, cap::notify_cfg, notify_offset);
    p.poke32(notify_cap_at + cap::field_notify_off_multiplier, options_.notify_off_multiplier);
    virtio_cap(isr_cap_at, device_cap_at, cap::size, cap::isr_cfg, isr_offset);
    virtio_cap(device_cap_at, 0, cap::size, cap::device_cfg, device_offset);
}

void FakeVirtioDevice::violation(const std::string& what) {
    platform_.violations().push_back("device: " + what);
}

void FakeVirtioDevice::reset() {
    status_ = 0;
    device_feature_select_ = driver_feature_select_ = 0;
    driver_features_ = 0;
    config_vector_ = no_vector;
    queue_select_ = 0;
    isr_ = 0;
    for (std::size_t i = 0; i < queues_.size(); ++i) {
        queues_[i] = Queue{};
        queues_[i].max_size = options_.queue_sizes[i];
        queues_[i].size = options_.queue_sizes[i];
        rings_[i] = Rings{};
    }
    ++resets_;
}

std::uint64_t FakeVirtioDevice::read_register(std::size_t offset, unsigned width) {
    std::size_t region = offset / region_length;
    std::size_t at = offset % region_length;
    switch (region) {
        case 0:
            return read_common(at, width);
        case 1: {
            // Reading ISR returns and clears it, and lowers INTx.
            std::uint8_t value = isr_;
            isr_ = 0;
            return value;
        }
        case 2: {
            if (options_.unstable_config_generation) ++config_generation_;
            std::uint64_t value = 0;
            if (at + width <= device_config_.size()) std::memcpy(&value, &device_config_[at], width);
            return value;
        }
        default:
            return 0;
    }
}

void FakeVirtioDevice::write_register(std::size_t offset, unsigned width, std::uint64_t value) {
    std::size_t region = offset / region_length;
    std::size_t at = offset % region_length;
    switch (region) {
        case 0:
            write_common(at, width, value);
            break;
        case 2:
            if (at + width <= device_config_.size()) std::memcpy(&device_config_[at], &value, width);
            if (on_config_write) on_config_write(*this, static_cast<std::uint32_t>(at));
            break;
        case 3:
            notify(at, value);
            break;
        default:
            violation("write to the read-only ISR region");
            break;
    }
}

FakeVirtioDevice::Queue* FakeVirtioDevice::selected() {
    return queue_select_ < queues_.size() ? &queues_[queue_select_] : nullptr;
}

std::uint64_t FakeVirtioDevice::read_common(std::size_t field, unsigned width) {
    Queue* queue = selected();
    switch (field) {
        case common::device_feature_select:
            return device_feature_select_;
        case common::device_feature:
            return device_feature_select_ == 0   ? static_cast<std::uint32_t>(options_.features)
                   : device_feature_select_ == 1 ? static_cast<std::uint32_t>(options_.features >> 32)
                                                 : 0;
        case common::driver_feature_select:
            return driver_feature_select_;
        case common::driver_feature:
            return driver_feature_select_ < 2
                       ? static_cast<std::uint32_t>(driver_features_ >> (32 * driver_feature_select_))
                       : 0;
        case common::config_msix_vector:
            return config_vector_;
        case common::num_queues:
            return queues_.size();
        case common::device_status:
            if (reset_reads_left_ != 0) {
                if (reset_reads_left_ > 0) --reset_reads_left_;
                return status_before_reset_;
            }
            return status_;
        case common::config_generation:
            return config_generation_;
        case common::queue_select:
            return queue_select_;
        case common::queue_size:
            return queue ? queue->size : 0;
        case common::queue_msix_vector:
            return queue ? queue->msix_vector : no_vector;
        case common::queue_enable:
            return queue ? queue->enabled : 0;
        case common::queue_notify_off:
            return queue_select_;
        case common::queue_desc:
            return queue ? queue->desc : 0;
        case common::queue_desc + 4:
            return queue ? queue->desc >> 32 : 0;
        case common::queue_driver:
            return queue ? queue->driver : 0;
        case common::queue_driver + 4:
            return queue ? queue->driver >> 32 : 0;
        case common::queue_device:
            return queue ? queue->device : 0;
        case common::queue_device + 4:
            return queue ? queue->device >> 32 : 0;
        default:
            (void)width;
            return 0;
    }
}

void FakeVirtioDevice::write_common(std::size_t field, unsigned width, std::uint64_t value) {
    Queue* queue = selected();
    // 64-bit queue addresses arrive as two 32-bit halves or one 64-bit write.
    auto set_half = [&](std::uint64_t Queue::*field, bool high) {
        if (!queue) return violation("queue address written with no valid queue selected");
        if (queue->enabled) return violation("queue address changed after enable");
        std::uint64_t& target = queue->*field;
        if (width == 8) {
            target = value;
        } else if (high) {
            target = (target & 0xFFFFFFFFu) | (value << 32);
        } else {
            target = (target & ~std::uint64_t{0xFFFFFFFFu}) | (value & 0xFFFFFFFFu);
        }
    };
    switch (field) {
        case common::device_feature_select:
            device_feature_select_ = static_cast<std::uint32_t>(value);
            break;
        case common::driver_feature_select:
            driver_feature_select_ = static_cast<std::uint32_t>(value);
            break;
        case common::driver_feature:
            if (status_ & status::features_ok) violation("driver features written after FEATURES_OK");
            if (driver_feature_select_ < 2) {
                unsigned shift = 32 * driver_feature_select_;
                driver_features_ = (driver_features_ & ~(std::uint64_t{0xFFFFFFFFu} << shift)) | (value << shift);
            }
            break;
        case common::config_msix_vector: {
            auto vector = static_cast<std::uint16_t>(value);
            bool mappable =
                vector == no_vector || (!options_.refuse_config_vector && vector < platform_.msix_vector_count());
            config_vector_ = mappable ? vector : no_vector;
            break;
        }
        case common::device_status:
            write_status(static_cast<std::uint8_t>(value));
            break;
        case common::queue_select:
            queue_select_ = static_cast<std::uint16_t>(value);
            break;
        case common::queue_size:
            if (!queue) return violation("queue_size written with no valid queue selected");
            if (queue->enabled) return violation("queue_size changed after enable");
            if (value > queue->max_size) violation("queue_size above the device maximum");
            queue->size = static_cast<std::uint16_t>(value);
            break;
        case common::queue_msix_vector: {
            if (!queue) return violation("queue_msix_vector written with no valid queue selected");
            auto vector = static_cast<std::uint16_t>(value);
            bool mappable =
                vector == no_vector || (!options_.refuse_queue_vectors && vector < platform_.msix_vector_count());
            queue->msix_vector = mappable ? vector : no_vector;
            break;
        }
        case common::queue_enable:
            if (!queue) return violation("queue_enable written with no valid queue selected");
            if (value != 1) return violation("queue_enable written with a value other than 1");
            enable_queue(*queue);
            break;
        case common::queue_desc:
            set_half(&Queue::desc, false);
            break;
        case common::queue_desc + 4:
            set_half(&Queue::desc, true);
            break;
        case common::queue_driver:
            set_half(&Queue::driver, false);
            break;
        case common::queue_driver + 4:
            set_half(&Queue::driver, true);
            break;
        case common::queue_device:
            set_half(&Queue::device, false);
            break;
        case common::queue_device + 4:
            set_half(&Queue::device, true);
            break;
        default:
            violation("write to read-only or unknown common register " + std::to_string(field));
            break;
    }
}

void FakeVirtioDevice::write_status(std::uint8_t value) {
    status_writes_.push_back(value);
    if (reset_reads_left_ != 0 && value != 0) {
        violation("device_status written before the reset completed");
        reset_reads_left_ = 0;
    }
    if (value == 0) {
        // Only a device that was doing something takes time to reset, and
        // writing 0 again does not hurry a reset already under way.
        if (reset_reads_left_ == 0) {
            status_before_reset_ = status_;
            reset_reads_left_ = status_ != 0 ? options_.reset_delay_reads : 0;
        }
        reset();
        return;
    }
    std::uint8_t added = value & ~status_;
    if ((status_ & ~value) != 0) violation("driver cleared status bits without a reset");
    if (added & status::features_ok) {
        bool offered = (driver_features_ & ~options_.features) == 0;
        bool complete = (driver_features_ & options_.required_features) == options_.required_features;
        if (!(status_ & status::driver)) violation("FEATURES_OK before DRIVER");
        if (!options_.accept_features || !offered || !complete) value &= ~status::features_ok;
    }
    if ((added & status::driver_ok) && !(value & status::features_ok)) violation("DRIVER_OK without FEATURES_OK");
    status_ = value;
}

void FakeVirtioDevice::enable_queue(Queue& queue) {
    std::uint16_t index = static_cast<std::uint16_t>(&queue - queues_.data());
    if (!(status_ & status::features_ok)) violation("queue enabled before FEATURES_OK");
    if (!is_power_of_two(queue.size)) violation("queue size is not a power of two");
    if (queue.desc % desc_align || queue.driver % avail_align || queue.device % used_align) {
        violation("misaligned ring address");
    }
    Rings r;
    r.desc = reinterpret_cast<VirtqDesc*>(platform_.translate(queue.desc, desc_table_bytes(queue.size)));
    r.avail = reinterpret_cast<std::uint16_t*>(platform_.translate(queue.driver, avail_ring_bytes(queue.size)));
    r.used = reinterpret_cast<std::uint16_t*>(platform_.translate(queue.device, used_ring_bytes(queue.size)));
    if (!r.desc || !r.avail || !r.used) return;
    queue.enabled = true;
    rings_[index] = r;
}

FakeVirtioDevice::Rings* FakeVirtioDevice::rings(std::uint16_t queue) {
    if (queue >= queues_.size() || !queues_[queue].enabled) return nullptr;
    return &rings_[queue];
}

void FakeVirtioDevice::notify(std::size_t offset, std::uint64_t value) {
    auto index = static_cast<std::uint16_t>(value);
    if (options_.notify_off_multiplier != 0 && offset != std::size_t{index} * options_.notify_off_multiplier) {
        violation("queue " + std::to_string(index) + " notified at the wrong address");
    }
    if (!(status_ & status::driver_ok)) violation("notify before DRIVER_OK");
    if (!rings(index)) return violation("notify of a queue that is not enabled");
    ++queues_[index].notifications;
    if (on_notify) on_notify(*this, index);
}

void FakeVirtioDevice::change_config(std::uint32_t offset, std::span<const std::uint8_t> bytes) {
    std::memcpy(device_config_.data() + offset, bytes.data(), bytes.size());
    ++config_generation_;
    if (platform_.msix_enabled()) {
        if (config_vector_ != no_vector) platform_.raise(config_vector_);
        return;
    }
    isr_ |= isr::config;
    platform_.raise(no_vector);
}

void FakeVirtioDevice::signal_needs_reset() {
    status_ |= status::device_needs_reset;
}

}  // namespace tessera::virtio::testing
