#include "transport.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "spec.h"

namespace tessera::virtio {

namespace {

// Features this library cannot drive. Declining them is always allowed: a
// device must work without them (or refuse FEATURES_OK, which we report).
constexpr std::uint64_t library_unsupported =
    feature::indirect_desc | feature::ring_packed | feature::in_order | feature::notification_data;

// How long a reset may take before we give up: QEMU completes it within the
// write; real devices are given 100 ms.
constexpr int reset_fast_polls = 100;
constexpr int reset_slow_polls = 100;
constexpr auto reset_poll_interval = std::chrono::milliseconds(1);

// A device changing its configuration continuously is broken; stop retrying.
constexpr int config_generation_retries = 16;

std::uint16_t round_down_to_power_of_two(std::uint16_t value) {
    std::uint16_t result = 1;
    while (result <= value / 2) result = static_cast<std::uint16_t>(result * 2);
    return value == 0 ? 0 : result;
}

}  // namespace

ErrorOr<std::unique_ptr<PciTransport>> PciTransport::open(Platform& platform) {
    if (platform.config_read16(pci::vendor_id) != pci_vendor_virtio) return Error::not_virtio;
    std::uint16_t device_id = platform.config_read16(pci::device_id);
    std::uint16_t type;
    if (device_id >= pci_device_modern_base && device_id <= pci_device_modern_base + 0x3F) {
        type = static_cast<std::uint16_t>(device_id - pci_device_modern_base);
    } else if (device_id >= 0x1000 && device_id < pci_device_modern_base) {
        // Transitional devices carry the type in the subsystem device id.
        type = platform.config_read16(0x2E);
    } else {
        return Error::not_virtio;
    }

    auto capabilities = walk_capabilities(platform);
    if (capabilities.is_error()) return capabilities.error();
    auto layout = parse_virtio_capabilities(platform, capabilities.value());
    if (layout.is_error()) return layout.error();

    std::uint16_t command = platform.config_read16(pci::command);
    platform.config_write16(pci::command, command | pci::command_memory_space | pci::command_bus_master);
    return std::unique_ptr<PciTransport>(new PciTransport(platform, layout.release_value(), type));
}

PciTransport::PciTransport(Platform& platform, VirtioPciLayout layout, std::uint16_t device_type)
    : platform_(platform), layout_(layout), device_type_(device_type) {}

std::uint8_t PciTransport::status() {
    return common().read8(common_at(common::device_status));
}
void PciTransport::write_status(std::uint8_t value) {
    common().write8(common_at(common::device_status), value);
}
void PciTransport::add_status(std::uint8_t bits) {
    write_status(static_cast<std::uint8_t>(status() | bits));
}
void PciTransport::fail() {
    add_status(status::failed);
}

Error PciTransport::fail_with(Error error) {
    fail();
    return error;
}

void PciTransport::write_common64(std::size_t field, std::uint64_t value) {
    // Two 32-bit halves: 4.1.3.1 allows it and some devices only decode that.
    common().write32(common_at(field), static_cast<std::uint32_t>(value));
    common().write32(common_at(field + 4), static_cast<std::uint32_t>(value >> 32));
}

Error PciTransport::reset() {
    write_status(0);
    bool done = false;
    for (int i = 0; i < reset_fast_polls + reset_slow_polls && !done; ++i) {
        if (status() == 0) {
            done = true;
        } else if (i >= reset_fast_polls) {
            std::this_thread::sleep_for(reset_poll_interval);
        }
    }
    if (!done) return Error::reset_timeout;
    // Only now is the device guaranteed to have stopped using the rings.
    queues_.clear();
    queue_vectors_.clear();
    negotiated_ = 0;
    config_vector_ = no_vector;
    return Error::none;
}

std::uint64_t PciTransport::device_features() {
    common().write32(common_at(common::device_feature_select), 0);
    std::uint64_t low = common().read32(common_at(common::device_feature));
    common().write32(common_at(common::device_feature_select), 1);
    std::uint64_t high = common().read32(common_at(common::device_feature));
    return low | (high << 32);
}

ErrorOr<std::uint64_t> PciTransport::negotiate(std::uint64_t wanted) {
    if (Error error = reset(); is_error(error)) return error;
    add_status(status::acknowledge);
    add_status(status::driver);

    std::uint64_t offered = device_features();
    // Without VERSION_1 the device speaks the legacy interface, which this
    // transport does not implement.
    if (!(offered & feature::version_1)) return fail_with(Error::missing_version_1);
    std::uint64_t accepted = offered & (wanted | feature::version_1) & ~library_unsupported;

    common().write32(common_at(common::driver_feature_select), 0);
    common().write32(common_at(common::driver_feature), static_cast<std::uint32_t>(accepted));
    common().write32(common_at(common::driver_feature_select), 1);
    common().write32(common_at(common::driver_feature), static_cast<std::uint32_t>(accepted >> 32));
    add_status(status::features_ok);
    // The device clears FEATURES_OK when it cannot work with our subset.
    if (!(status() & status::features_ok)) return fail_with(Error::features_rejected);
    negotiated_ = accepted;

    if (Error error = configure_config_vector(); is_error(error)) return fail_with(error);
    return accepted;
}

Error PciTransport::configure_config_vector() {
    config_vector_ = no_vector;
    if (platform_.msix_vector_count() == 0) {
        common().write16(common_at(common::config_msix_vector), no_vector);
        return Error::none;
    }
    common().write16(common_at(common::config_msix_vector), 0);
    if (common().read16(common_at(common::config_msix_vector)) == 0) {
        config_vector_ = 0;
        return Error::none;
    }
    // The device could not map the vector: run everything on INTx instead.
    common().write16(common_at(common::config_msix_vector), no_vector);
    return platform_.disable_msix();
}

std::uint16_t PciTransport::num_queues() {
    return common().read16(common_at(common::num_queues));
}

ErrorOr<SplitVirtqueue*> PciTransport::setup_queue(std::uint16_t index, std::uint16_t max_size) {
    // Queues are set up between FEATURES_OK and DRIVER_OK (3.1.1); a live
    // device would need the queue-reset feature, which we do not use.
    std::uint8_t current = status();
    if (!(current & status::features_ok) || (current & status::driver_ok)) return Error::invalid_argument;
    if (index >= num_queues()) return Error::queue_unavailable;
    common().write16(common_at(common::queue_select), index);
    std::uint16_t device_max = common().read16(common_at(common::queue_size));
    if (device_max == 0) return Error::queue_unavailable;
    if (common().read16(common_at(common::queue_enable)) != 0) return Error::queue_already_enabled;
    std::uint16_t size = round_down_to_power_of_two(std::min(device_max, std::min(max_size, max_queue_size)));
    if (size == 0) return Error::invalid_argument;

    // The notify register must lie inside the notify structure; the device
    // chooses both factors, so check in 64 bits.
    std::uint64_t notify_offset =
        std::uint64_t{common().read16(common_at(common::queue_notify_off))} * layout_.notify_off_multiplier;
    if (notify_offset + 2 > layout_.notify.length || (layout_.notify.offset + notify_offset) % 2 != 0) {
        return fail_with(Error::malformed_capabilities);
    }
    MmioRegion* notify_bar = layout_.notify.bar;
    std::size_t notify_at = layout_.notify.offset + notify_offset;

    auto queue = SplitVirtqueue::create(platform_, size, negotiated_ & feature::event_idx,
                                        [notify_bar, notify_at, index] { notify_bar->write16(notify_at, index); });
    if (queue.is_error()) return queue.error();

    std::uint16_t vector = no_vector;
    if (using_msix()) {
        std::uint16_t count = platform_.msix_vector_count();
        vector = count >= 2 ? static_cast<std::uint16_t>(1 + index % (count - 1)) : 0;
    }
    common().write16(common_at(common::queue_size), size);
    write_common64(common::queue_desc, queue.value()->descriptor_table_address());
    write_common64(common::queue_driver, queue.value()->driver_area_address());
    write_common64(common::queue_device, queue.value()->device_area_address());
    common().write16(common_at(common::queue_msix_vector), vector);
    if (common().read16(common_at(common::queue_msix_vector)) != vector) return Error::msix_vector_refused;
    common().write16(common_at(common::queue_enable), 1);

    if (queues_.size() <= index) {
        queues_.resize(index + 1);
        queue_vectors_.resize(index + 1, no_vector);
    }
    queues_[index] = queue.release_value();
    queue_vectors_[index] = vector;
    return queues_[index].get();
}

SplitVirtqueue* PciTransport::queue(std::uint16_t index) const {
    return index < queues_.size() ? queues_[index].get() : nullptr;
}

std::uint16_t PciTransport::queue_vector(std::uint16_t index) const {
    return index < queue_vectors_.size() ? queue_vectors_[index] : no_vector;
}

void PciTransport::driver_ok() {
    add_status(status::driver_ok);
}

bool PciTransport::config_range_ok(std::uint32_t offset, std::uint32_t size, std::uint32_t alignment) const {
    return layout_.device && offset % alignment == 0 && std::uint64_t{offset} + size <= layout_.device->length;
}

template <typename Read>
auto PciTransport::read_config_stable(Read read) -> ErrorOr<decltype(read())> {
    for (int attempt = 0; attempt < config_generation_retries; ++attempt) {
        std::uint8_t before = common().read8(common_at(common::config_generation));
        auto value = read();
        if (common().read8(common_at(common::config_generation)) == before) return value;
    }
    return Error::timed_out;
}

ErrorOr<std::uint8_t> PciTransport::read_config8(std::uint32_t offset) {
    if (!config_range_ok(offset, 1, 1)) return Error::invalid_argument;
    MmioRegion& bar = *layout_.device->bar;
    std::size_t at = layout_.device->offset + offset;
    return read_config_stable([&] { return bar.read8(at); });
}

ErrorOr<std::uint16_t> PciTransport::read_config16(std::uint32_t offset) {
    if (!config_range_ok(offset, 2, 2)) return Error::invalid_argument;
    MmioRegion& bar = *layout_.device->bar;
    std::size_t at = layout_.device->offset + offset;
    return read_config_stable([&] { return bar.read16(at); });
}

ErrorOr<std::uint32_t> PciTransport::read_config32(std::uint32_t offset) {
    if (!config_range_ok(offset, 4, 4)) return Error::invalid_argument;
    MmioRegion& bar = *layout_.device->bar;
    std::size_t at = layout_.device->offset + offset;
    return read_config_stable([&] { return bar.read32(at); });
}

ErrorOr<std::uint64_t> PciTransport::read_config64(std::uint32_t offset) {
    if (!config_range_ok(offset, 8, 4)) return Error::invalid_argument;
    MmioRegion& bar = *layout_.device->bar;
    std::size_t at = layout_.device->offset + offset;
    // The generation check is what makes the two halves belong together.
    return read_config_stable(
        [&] { return std::uint64_t{bar.read32(at)} | (std::uint64_t{bar.read32(at + 4)} << 32); });
}

ErrorOr<std::vector<std::uint8_t>> PciTransport::read_config_bytes(std::uint32_t offset, std::uint32_t size) {
    if (!config_range_ok(offset, size, 1)) return Error::invalid_argument;
    MmioRegion& bar = *layout_.device->bar;
    std::size_t at = layout_.device->offset + offset;
    return read_config_stable([&] {
        std::vector<std::uint8_t> bytes(size);
        for (std::uint32_t i = 0; i < size; ++i) bytes[i] = bar.read8(at + i);
        return bytes;
    });
}

Error PciTransport::write_config8(std::uint32_t offset, std::uint8_t value) {
    if (!config_range_ok(offset, 1, 1)) return Error::invalid_argument;
    layout_.device->bar->write8(layout_.device->offset + offset, value);
    return Error::none;
}

Error PciTransport::write_config32(std::uint32_t offset, std::uint32_t value) {
    if (!config_range_ok(offset, 4, 4)) return Error::invalid_argument;
    layout_.device->bar->write32(layout_.device->offset + offset, value);
    return Error::none;
}

ErrorOr<InterruptCause> PciTransport::acknowledge_interrupt(std::uint16_t vector) {
    InterruptCause cause;
    if (vector == no_vector) {
        // Reading ISR clears it and deasserts the level-triggered line.
        std::uint8_t isr_bits = layout_.isr.bar->read8(layout_.isr.offset);
        cause.queue = isr_bits & isr::queue;
        cause.config = isr_bits & isr::config;
    } else {
        cause.config = vector == config_vector_;
        for (std::uint16_t queue_vector : queue_vectors_) cause.queue |= queue_vector == vector;
    }
    if (Error error = platform_.acknowledge_interrupt(vector); is_error(error)) return error;
    return cause;
}

}  // namespace tessera::virtio
