// The input protocol's messages and their codec: the one place in code that
// knows its byte layout (docs/protocols/input.md). Event types and codes use
// the numbering of <linux/input-event-codes.h>.
#pragma once

#include <linux/input-event-codes.h>

#include <bitset>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "wire/message.h"
#include "wire/result.h"

namespace tessera::input {

using wire::Error;
using wire::ErrorCode;
using wire::Result;

inline constexpr std::uint32_t hello_magic = 0x504E4954;  // "TINP"
inline constexpr std::uint32_t protocol_version = 1;
inline constexpr std::uint32_t max_events_per_frame = 1024;
inline constexpr std::size_t max_name_length = 255;
inline constexpr std::size_t max_error_text = 1024;

enum class Opcode : std::uint16_t {
    hello = 0x01,
    welcome = 0x81,
    device_added = 0x82,
    device_removed = 0x83,
    devices_done = 0x84,
    frame = 0x85,
    error = 0x86,
};

// One absolute axis and its range, as evdev's input_absinfo.
struct AbsoluteAxis {
    std::uint16_t code = 0;  // ABS_*
    std::int32_t minimum = 0;
    std::int32_t maximum = 0;
    std::int32_t fuzz = 0;
    std::int32_t flat = 0;
    std::int32_t resolution = 0;
    bool operator==(const AbsoluteAxis&) const = default;
};

struct DeviceInfo {
    std::uint32_t id = 0;  // assigned by the service; never 0
    std::string name;      // at most max_name_length bytes
    std::uint16_t bus_type = 0;
    std::uint16_t vendor = 0;
    std::uint16_t product = 0;
    std::uint16_t version = 0;
    std::bitset<INPUT_PROP_CNT> properties;
    std::bitset<EV_CNT> event_types;
    std::bitset<KEY_CNT> keys;  // keys and buttons
    std::bitset<REL_CNT> relative_axes;
    // Sorted by code, one per axis; the ABS bitmap on the wire is derived
    // from it.
    std::vector<AbsoluteAxis> absolute_axes;

    bool has_key(std::uint16_t code) const { return code < KEY_CNT && keys.test(code); }
    bool has_relative(std::uint16_t code) const { return code < REL_CNT && relative_axes.test(code); }
    // The axis' range, or nullptr when the device has no such axis.
    const AbsoluteAxis* absolute(std::uint16_t code) const;
    bool operator==(const DeviceInfo&) const = default;
};

// One evdev event.
struct InputEvent {
    std::uint16_t type = 0;  // EV_*
    std::uint16_t code = 0;
    std::int32_t value = 0;
    bool operator==(const InputEvent&) const = default;
};

// Requests (the client only ever says hello).
struct Hello {
    std::uint32_t magic = hello_magic;
    std::uint32_t version = protocol_version;
};
using Request = std::variant<Hello>;

// Events.
struct Welcome {
    std::uint32_t version = protocol_version;
    std::uint32_t max_message_size = wire::max_message_size;
    std::uint32_t max_events = max_events_per_frame;
};
struct DeviceAdded {
    DeviceInfo device;
};
struct DeviceRemoved {
    std::uint32_t device_id = 0;
};
struct DevicesDone {
    std::uint32_t count = 0;
};
// The events of one device up to and including its SYN_REPORT.
struct Frame {
    std::uint32_t device_id = 0;
    std::uint64_t time_ns = 0;  // CLOCK_MONOTONIC
    std::vector<InputEvent> events;
};
struct ErrorEvent {
    std::uint32_t serial = 0;
    std::uint16_t request_opcode = 0;
    ErrorCode code = ErrorCode::malformed;
    std::string message;
};
using Event = std::variant<Welcome, DeviceAdded, DeviceRemoved, DevicesDone, Frame, ErrorEvent>;

wire::Message encode(const Request& request);
wire::Message encode(const Event& event);

// malformed when the layout does not match docs/protocols/input.md,
// including a frame that does not end with exactly one SYN_REPORT and a
// device whose axis list does not match its ABS bitmap.
Result<Request> decode_request(const wire::Message& message);
Result<Event> decode_event(const wire::Message& message);

}  // namespace tessera::input
