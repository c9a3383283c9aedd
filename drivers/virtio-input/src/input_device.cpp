#include "input_device.h"

#include <linux/input-event-codes.h>

#include <cstring>

#include "virtio/spec.h"

namespace tessera::virtio_input {
namespace {

using virtio::Error;

constexpr std::uint8_t cfg_id_name = 0x01, cfg_id_devids = 0x03, cfg_prop_bits = 0x10, cfg_ev_bits = 0x11,
                       cfg_abs_info = 0x12;
constexpr std::uint32_t config_select = 0, config_subsel = 1, config_size = 2, config_data = 8;
constexpr std::uint16_t event_queue = 0, queue_entries = 64;
constexpr std::size_t max_frame = 128;  // a device that never sends SYN loses its oldest events

struct VirtioEvent {
    std::uint16_t type;
    std::uint16_t code;
    std::uint32_t value;
};
static_assert(sizeof(VirtioEvent) == 8);

template <std::size_t N>
void set_bits(std::bitset<N>& bits, const std::vector<std::uint8_t>& bytes) {
    for (std::size_t i = 0; i < bytes.size() * 8 && i < N; ++i) {
        if (bytes[i / 8] & (1u << (i % 8))) bits.set(i);
    }
}

}  // namespace

InputDevice::~InputDevice() {
    if (transport_) (void)transport_->reset();
}

virtio::ErrorOr<std::unique_ptr<InputDevice>> InputDevice::open(virtio::Platform& platform) {
    auto transport = virtio::PciTransport::open(platform);
    if (transport.is_error()) return transport.error();
    if (transport.value()->device_type() != virtio::device_type::input) return Error::not_virtio;
    std::unique_ptr<InputDevice> device(new InputDevice(platform, transport.release_value()));
    Error error = device->initialise();
    if (error != Error::none) return error;
    return device;
}

virtio::ErrorOr<std::vector<std::uint8_t>> InputDevice::select(std::uint8_t select, std::uint8_t subsel) {
    if (Error e = transport_->write_config8(config_select, select); e != Error::none) return e;
    if (Error e = transport_->write_config8(config_subsel, subsel); e != Error::none) return e;
    auto size = transport_->read_config8(config_size);
    if (size.is_error()) return size.error();
    if (size.value() == 0) return std::vector<std::uint8_t>{};
    return transport_->read_config_bytes(config_data, std::min<std::uint32_t>(size.value(), 128));
}

Error InputDevice::read_info() {
    auto name = select(cfg_id_name, 0);
    if (name.is_error()) return name.error();
    info_.name.assign(name.value().begin(), name.value().end());
    if (info_.name.size() > input::max_name_length) info_.name.resize(input::max_name_length);
    auto ids = select(cfg_id_devids, 0);
    if (!ids.is_error() && ids.value().size() >= 8) {
        auto word = [&](int i) { return static_cast<std::uint16_t>(ids.value()[i * 2] | ids.value()[i * 2 + 1] << 8); };
        info_.bus_type = word(0);
        info_.vendor = word(1);
        info_.product = word(2);
        info_.version = word(3);
    }
    if (auto properties = select(cfg_prop_bits, 0); !properties.is_error()) set_bits(info_.properties, properties.value());
    for (std::uint16_t type = 1; type < EV_CNT; ++type) {
        auto bits = select(cfg_ev_bits, static_cast<std::uint8_t>(type));
        if (bits.is_error() || bits.value().empty()) continue;
        info_.event_types.set(type);
        if (type == EV_KEY) set_bits(info_.keys, bits.value());
        if (type == EV_REL) set_bits(info_.relative_axes, bits.value());
        if (type == EV_ABS) {
            std::bitset<ABS_CNT> axes;
            set_bits(axes, bits.value());
            for (std::uint16_t code = 0; code < ABS_CNT; ++code) {
                if (!axes.test(code)) continue;
                auto abs = select(cfg_abs_info, static_cast<std::uint8_t>(code));
                if (abs.is_error() || abs.value().size() < 20) continue;
                std::int32_t fields[5];
                std::memcpy(fields, abs.value().data(), sizeof fields);
                info_.absolute_axes.push_back({code, fields[0], fields[1], fields[2], fields[3], fields[4]});
            }
        }
    }
    info_.event_types.set(EV_SYN);
    return Error::none;
}

Error InputDevice::post(std::uint32_t slot) {
    virtio::BufferRef writable{buffers_.device_address() + slot * sizeof(VirtioEvent), sizeof(VirtioEvent)};
    return events_->submit({}, {&writable, 1}, slot);
}

Error InputDevice::initialise() {
    auto features = transport_->negotiate(0);
    if (features.is_error()) return features.error();
    auto queue = transport_->setup_queue(event_queue, queue_entries);
    if (queue.is_error()) return queue.error();
    events_ = queue.value();
    slots_ = events_->size();
    auto buffers = virtio::DmaRegion::allocate(platform_, slots_ * sizeof(VirtioEvent));
    if (buffers.is_error()) return buffers.error();
    buffers_ = buffers.release_value();
    if (Error e = read_info(); e != Error::none) return e;
    transport_->driver_ok();
    for (std::uint32_t slot = 0; slot < slots_; ++slot) {
        if (Error e = post(slot); e != Error::none) return e;
    }
    events_->notify_if_needed();
    return Error::none;
}

int InputDevice::interrupt_fd() const {
    std::uint16_t vector = transport_->queue_vector(event_queue);
    if (vector == virtio::no_vector) return -1;
    auto fd = platform_.interrupt_fd(vector);
    return fd.is_error() ? -1 : fd.value();
}

virtio::ErrorOr<std::vector<std::vector<input::InputEvent>>> InputDevice::take_frames() {
    std::uint16_t vector = transport_->queue_vector(event_queue);
    if (vector != virtio::no_vector) (void)transport_->acknowledge_interrupt(vector);
    std::vector<std::vector<input::InputEvent>> frames;
    for (;;) {
        auto completion = events_->pop_used();
        if (completion.is_error()) return completion.error();
        if (!completion.value()) break;
        std::uint64_t slot = completion.value()->token;
        if (slot >= slots_) return Error::device_protocol_error;
        VirtioEvent event;
        std::memcpy(&event, buffers_.data() + slot * sizeof(VirtioEvent), sizeof event);
        if (completion.value()->written >= sizeof event) {
            if (event.type == EV_SYN && event.code == SYN_REPORT) {
                if (!partial_.empty()) frames.push_back(std::move(partial_));
                partial_.clear();
            } else if (event.type != EV_SYN) {
                if (partial_.size() == max_frame) partial_.erase(partial_.begin());
                partial_.push_back({event.type, event.code, static_cast<std::int32_t>(event.value)});
            }
        }
        if (Error e = post(static_cast<std::uint32_t>(slot)); e != Error::none) return e;
    }
    events_->notify_if_needed();
    return frames;
}

}  // namespace tessera::virtio_input
