// The display protocol's messages and their codec: the one place in code
// that knows its byte layout (docs/protocols/display.md). decode_* check the
// layout only (sizes, counts, fds); whether values are acceptable (a buffer
// size within limits, a known buffer id) is the server's business.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "wire/message.h"
#include "wire/result.h"

namespace tessera::display {

using wire::Error;
using wire::ErrorCode;
using wire::Result;

inline constexpr std::uint32_t hello_magic = 0x50534454;  // "TDSP"
inline constexpr std::uint32_t protocol_version = 1;

// Limits announced in WELCOME.
inline constexpr std::uint32_t max_dimension = 8192;
inline constexpr std::uint32_t max_buffers_per_client = 16;
// Not in WELCOME: the memory all of one client's buffers may take.
inline constexpr std::uint64_t max_buffer_bytes_per_client = std::uint64_t{512} << 20;
inline constexpr std::uint32_t max_damage_rects = 1024;
inline constexpr std::uint32_t max_modes = 64;
inline constexpr std::uint32_t max_cursor_size = 64;
inline constexpr std::size_t max_error_text = 1024;

enum class Opcode : std::uint16_t {
    // Requests.
    hello = 0x01,
    allocate_buffer = 0x02,
    free_buffer = 0x03,
    present = 0x04,
    set_cursor = 0x05,
    move_cursor = 0x06,
    set_mode = 0x07,
    get_stats = 0x08,
    write_png = 0x09,
    // Events.
    welcome = 0x81,
    modes = 0x82,
    buffer_allocated = 0x83,
    present_complete = 0x84,
    error = 0x85,
    stats = 0x86,
    done = 0x87,
};

enum class PixelFormat : std::uint32_t {
    xrgb8888 = 1,  // one little-endian u32 per pixel: 0xXXRRGGBB
};

struct Mode {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t refresh_mhz = 0;  // 60000 = 60 Hz; 0 unknown
    bool operator==(const Mode&) const = default;
};

// A rectangle in buffer (= screen) coordinates.
struct Rect {
    std::int32_t x = 0;
    std::int32_t y = 0;
    std::int32_t width = 0;
    std::int32_t height = 0;
    bool operator==(const Rect&) const = default;
};

// Requests.
struct Hello {
    std::uint32_t magic = hello_magic;
    std::uint32_t version = protocol_version;
};
struct AllocateBuffer {
    std::uint32_t serial = 0;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t format = static_cast<std::uint32_t>(PixelFormat::xrgb8888);
};
struct FreeBuffer {
    std::uint32_t serial = 0;
    std::uint32_t buffer_id = 0;
};
struct Present {
    std::uint32_t serial = 0;
    std::uint32_t buffer_id = 0;
    std::vector<Rect> damage;  // empty: the whole buffer
};
struct SetCursor {
    std::uint32_t serial = 0;
    std::uint16_t width = 0;  // 0 x 0 hides the cursor
    std::uint16_t height = 0;
    std::int16_t hotspot_x = 0;
    std::int16_t hotspot_y = 0;
    std::vector<std::uint32_t> pixels;  // width * height ARGB8888 premultiplied
};
struct MoveCursor {
    std::int32_t x = 0;
    std::int32_t y = 0;
};
struct SetMode {
    std::uint32_t serial = 0;
    std::uint32_t index = 0;
};
struct GetStats {
    std::uint32_t serial = 0;
};
inline constexpr std::uint32_t write_png_with_cursor = 1;
struct WritePng {
    std::uint32_t serial = 0;
    std::uint32_t flags = 0;
    wire::UniqueFd fd;  // writable; the PNG goes here
};
using Request =
    std::variant<Hello, AllocateBuffer, FreeBuffer, Present, SetCursor, MoveCursor, SetMode, GetStats, WritePng>;

// Events.
struct Welcome {
    std::uint32_t version = protocol_version;
    std::uint32_t max_message_size = wire::max_message_size;
    std::uint32_t max_dimension = display::max_dimension;
    std::uint32_t max_buffers = max_buffers_per_client;
    std::uint32_t max_rects = max_damage_rects;
};
struct Modes {
    std::uint32_t current = 0;
    std::vector<Mode> modes;  // 1..max_modes, current < size
};
struct BufferAllocated {
    std::uint32_t serial = 0;
    std::uint32_t buffer_id = 0;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t stride = 0;
    std::uint32_t format = 0;
    std::uint64_t size = 0;
    wire::UniqueFd fd;
};
struct PresentComplete {
    std::uint32_t serial = 0;
    std::uint32_t buffer_id = 0;
    std::uint64_t time_ns = 0;  // CLOCK_MONOTONIC
};
struct ErrorEvent {
    std::uint32_t serial = 0;
    std::uint16_t request_opcode = 0;
    ErrorCode code = ErrorCode::malformed;
    std::string message;
};
struct Stats {
    std::uint32_t serial = 0;
    std::uint64_t presents = 0;
    std::uint64_t rectangles = 0;
    std::uint64_t pixels = 0;
    std::uint64_t cursor_images = 0;
    std::uint64_t cursor_moves = 0;
};
struct Done {
    std::uint32_t serial = 0;
    std::uint16_t request_opcode = 0;
};
using Event = std::variant<Welcome, Modes, BufferAllocated, PresentComplete, ErrorEvent, Stats, Done>;

// Encoding takes the message by value: fds move into the wire message.
wire::Message encode(Request request);
wire::Message encode(Event event);

// malformed when the layout does not match docs/protocols/display.md.
Result<Request> decode_request(wire::Message message);
Result<Event> decode_event(wire::Message message);

}  // namespace tessera::display
