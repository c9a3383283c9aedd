// The input protocol's byte layout (docs/protocols/input.md).
#include "input/protocol.h"

#include <algorithm>

namespace tessera::input {
namespace {

using wire::MessageReader;
using wire::MessageWriter;

std::uint16_t op(Opcode opcode) {
    return static_cast<std::uint16_t>(opcode);
}

Error malformed(const char* what) {
    return wire::make_error(ErrorCode::malformed, what);
}

constexpr std::size_t key_bytes = KEY_CNT / 8;
constexpr std::size_t axis_size = 22;
constexpr std::size_t event_size = 8;

void write_device(MessageWriter& writer, const DeviceInfo& device) {
    std::uint8_t keys[key_bytes] = {};
    for (std::size_t code = 0; code < KEY_CNT; ++code)
        if (device.keys.test(code)) keys[code / 8] |= std::uint8_t(1u << (code % 8));
    std::uint64_t absolute = 0;
    for (const AbsoluteAxis& axis : device.absolute_axes)
        if (axis.code < ABS_CNT) absolute |= std::uint64_t{1} << axis.code;
    writer.u32(device.id)
        .u16(device.bus_type)
        .u16(device.vendor)
        .u16(device.product)
        .u16(device.version)
        .u32(static_cast<std::uint32_t>(device.properties.to_ulong()))
        .u32(static_cast<std::uint32_t>(device.event_types.to_ulong()))
        .bytes(keys)
        .u16(static_cast<std::uint16_t>(device.relative_axes.to_ulong()))
        .u64(absolute)
        .string(device.name, max_name_length)
        .u16(static_cast<std::uint16_t>(device.absolute_axes.size()));
    for (const AbsoluteAxis& axis : device.absolute_axes)
        writer.u16(axis.code).i32(axis.minimum).i32(axis.maximum).i32(axis.fuzz).i32(axis.flat).i32(axis.resolution);
}

Result<DeviceInfo> read_device(MessageReader& reader) {
    DeviceInfo device;
    device.id = reader.u32();
    device.bus_type = reader.u16();
    device.vendor = reader.u16();
    device.product = reader.u16();
    device.version = reader.u16();
    device.properties = std::bitset<INPUT_PROP_CNT>(reader.u32());
    device.event_types = std::bitset<EV_CNT>(reader.u32());
    auto keys = reader.bytes(key_bytes);
    for (std::size_t code = 0; code < keys.size() * 8; ++code)
        if (keys[code / 8] & (1u << (code % 8))) device.keys.set(code);
    device.relative_axes = std::bitset<REL_CNT>(reader.u16());
    std::uint64_t absolute = reader.u64();
    device.name = reader.string(max_name_length);
    std::size_t count = reader.u16();
    if (reader.failed()) return malformed("device description cut short");
    if (count != static_cast<std::size_t>(__builtin_popcountll(absolute)) || reader.remaining() != count * axis_size)
        return malformed("axis list does not match the ABS bitmap or the message size");
    device.absolute_axes.resize(count);
    int previous = -1;
    for (AbsoluteAxis& axis : device.absolute_axes) {
        axis.code = reader.u16();
        axis.minimum = reader.i32();
        axis.maximum = reader.i32();
        axis.fuzz = reader.i32();
        axis.flat = reader.i32();
        axis.resolution = reader.i32();
        if (axis.code >= ABS_CNT || !(absolute & (std::uint64_t{1} << axis.code)) || int(axis.code) <= previous)
            return malformed("axis codes do not match the ABS bitmap in increasing order");
        previous = axis.code;
    }
    if (device.id == 0) return malformed("device id 0");
    return device;
}

bool is_syn_report(const InputEvent& event) {
    return event.type == EV_SYN && event.code == SYN_REPORT;
}

struct EventEncoder {
    wire::Message operator()(const Welcome& m) {
        return MessageWriter(op(Opcode::welcome)).u32(m.version).u32(m.max_message_size).u32(m.max_events).finish();
    }
    wire::Message operator()(const DeviceAdded& m) {
        MessageWriter writer(op(Opcode::device_added));
        write_device(writer, m.device);
        return writer.finish();
    }
    wire::Message operator()(const DeviceRemoved& m) {
        return MessageWriter(op(Opcode::device_removed)).u32(m.device_id).finish();
    }
    wire::Message operator()(const DevicesDone& m) {
        return MessageWriter(op(Opcode::devices_done)).u32(m.count).finish();
    }
    wire::Message operator()(const Frame& m) {
        MessageWriter writer(op(Opcode::frame));
        writer.u32(m.device_id).u64(m.time_ns).u32(static_cast<std::uint32_t>(m.events.size()));
        for (const InputEvent& e : m.events) writer.u16(e.type).u16(e.code).i32(e.value);
        return writer.finish();
    }
    wire::Message operator()(const ErrorEvent& m) {
        return MessageWriter(op(Opcode::error))
            .u32(m.serial)
            .u16(m.request_opcode)
            .u32(static_cast<std::uint32_t>(m.code))
            .string(m.message, max_error_text)
            .finish();
    }
};

template <typename T>
Result<T> checked(const MessageReader& reader, const wire::Message& message, T value) {
    if (!reader.at_end()) return malformed("payload size does not match the opcode");
    if (!message.fds.empty()) return malformed("no input message carries fds");
    return Result<T>(std::move(value));
}

}  // namespace

const AbsoluteAxis* DeviceInfo::absolute(std::uint16_t code) const {
    auto found = std::find_if(absolute_axes.begin(), absolute_axes.end(),
                              [code](const AbsoluteAxis& axis) { return axis.code == code; });
    return found == absolute_axes.end() ? nullptr : &*found;
}

wire::Message encode(const Request& request) {
    const Hello& hello = std::get<Hello>(request);
    return MessageWriter(op(Opcode::hello)).u32(hello.magic).u32(hello.version).finish();
}

wire::Message encode(const Event& event) {
    return std::visit(EventEncoder{}, event);
}

Result<Request> decode_request(const wire::Message& message) {
    MessageReader reader(message.bytes);
    if (reader.failed()) return malformed("message shorter than its header");
    if (static_cast<Opcode>(message.opcode()) != Opcode::hello) return malformed("unknown request opcode");
    Hello hello;
    hello.magic = reader.u32();
    hello.version = reader.u32();
    return checked<Request>(reader, message, hello);
}

Result<Event> decode_event(const wire::Message& message) {
    MessageReader reader(message.bytes);
    if (reader.failed()) return malformed("message shorter than its header");
    switch (static_cast<Opcode>(message.opcode())) {
        case Opcode::welcome: {
            Welcome m;
            m.version = reader.u32();
            m.max_message_size = reader.u32();
            m.max_events = reader.u32();
            return checked<Event>(reader, message, m);
        }
        case Opcode::device_added: {
            auto device = read_device(reader);
            if (!device) return device.error();
            return checked<Event>(reader, message, DeviceAdded{std::move(*device)});
        }
        case Opcode::device_removed: {
            DeviceRemoved m;
            m.device_id = reader.u32();
            return checked<Event>(reader, message, m);
        }
        case Opcode::devices_done: {
            DevicesDone m;
            m.count = reader.u32();
            return checked<Event>(reader, message, m);
        }
        case Opcode::frame: {
            Frame m;
            m.device_id = reader.u32();
            m.time_ns = reader.u64();
            std::uint32_t count = reader.u32();
            if (reader.failed() || reader.remaining() != std::size_t{count} * event_size)
                return malformed("event count does not match the message size");
            if (count == 0 || count > max_events_per_frame) return malformed("event count out of range");
            m.events.resize(count);
            for (InputEvent& e : m.events) {
                e.type = reader.u16();
                e.code = reader.u16();
                e.value = reader.i32();
            }
            if (!is_syn_report(m.events.back()) || std::any_of(m.events.begin(), m.events.end() - 1, is_syn_report))
                return malformed("a frame must end with its only SYN_REPORT");
            return checked<Event>(reader, message, std::move(m));
        }
        case Opcode::error: {
            ErrorEvent m;
            m.serial = reader.u32();
            m.request_opcode = reader.u16();
            m.code = static_cast<ErrorCode>(reader.u32());
            m.message = reader.string(max_error_text);
            return checked<Event>(reader, message, std::move(m));
        }
        default:
            return malformed("unknown event opcode");
    }
}

}  // namespace tessera::input
