// The client side of the display protocol, for uiserver and tests.
//
//   auto client = tessera::display::Client::connect(path);   // HELLO, WELCOME, MODES
//   if (!client) ... client.error().message
//   client->on_present_complete = [](const PresentComplete& done) { ... };
//   auto buffer = client->allocate_buffer(1024, 768);        // mapped, zero copy
//   draw into buffer->pixels (rows buffer->stride bytes apart)
//   client->present(buffer->id, damage);                     // answered later
//   poll(client->fd()) ... client->dispatch();               // delivers events
//
// Not thread-safe: one thread uses a Client. Errors are values: a broken or
// vanished service makes calls return an Error (code disconnected, malformed,
// ...), never throw. Requests are sent with blocking sends.
//
// Round trips (connect, allocate_buffer, stats, write_png) wait for their
// answer and keep the events that arrive meanwhile; those are delivered by
// the next dispatch(), which delivers kept events first. After a round trip
// the socket may not be readable although events wait: check pending() or
// simply call dispatch() once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "display/protocol.h"

namespace tessera::display {

// A scanout buffer mapped into this process. The Client owns the mapping;
// pixels is valid until free_buffer(id) or the Client is destroyed.
struct Buffer {
    std::uint32_t id = 0;
    std::uint32_t* pixels = nullptr;  // row y starts at (uint8_t*)pixels + y * stride
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t stride = 0;  // bytes
    PixelFormat format = PixelFormat::xrgb8888;
    std::size_t size = 0;  // bytes mapped
};

class Client {
public:
    // Connects and completes HELLO/WELCOME/MODES within timeout_ms.
    static Result<Client> connect(const std::string& path, int timeout_ms = 5000);

    Client(Client&& other) noexcept;
    Client& operator=(Client&& other) noexcept;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();  // unmaps every buffer and closes the connection

    // The socket, for the caller's poll/epoll: readable means dispatch().
    int fd() const { return socket_.get(); }
    const Welcome& welcome() const { return welcome_; }

    // The modes as last announced, and the current one.
    const std::vector<Mode>& modes() const { return modes_.modes; }
    std::uint32_t current_mode_index() const { return modes_.current; }
    Mode current_mode() const { return modes_.modes.at(modes_.current); }

    // Round trip: asks for a buffer and maps it.
    Result<Buffer> allocate_buffer(std::uint32_t width, std::uint32_t height);
    // Unmaps and frees. The service answers only on error (see on_error).
    Result<void> free_buffer(std::uint32_t buffer_id);
    // Presents damage (empty: the whole buffer). Returns the request's serial;
    // on_present_complete later receives it. Do not draw into the buffer
    // until then.
    Result<std::uint32_t> present(std::uint32_t buffer_id, std::span<const Rect> damage);
    // width * height premultiplied ARGB8888 pixels, up to 64 x 64.
    Result<void> set_cursor(std::uint16_t width, std::uint16_t height, std::int16_t hotspot_x, std::int16_t hotspot_y,
                            std::span<const std::uint32_t> pixels);
    Result<void> hide_cursor();
    // The screen position of the cursor's hotspot. No answer.
    Result<void> move_cursor(std::int32_t x, std::int32_t y);
    // Asks for mode index; on_modes_changed follows (or on_error).
    Result<std::uint32_t> set_mode(std::uint32_t index);

    // Round trip: the service's counters.
    Result<Stats> stats();
    // Round trip: the service writes the screen as PNG into fd (it gets a
    // duplicate; the caller keeps fd). flags: write_png_with_cursor. fd
    // should be a file: this call does not read a pipe while it waits, and
    // the service gives up on a pipe that stays full.
    Result<void> write_png(int fd, std::uint32_t flags = 0);
    // Convenience: write_png into a new file at path.
    Result<void> write_png(const std::string& path, std::uint32_t flags = 0);

    // Delivers kept events, then reads and delivers what the socket holds,
    // without blocking. disconnected when the service closed; malformed when
    // it sent garbage. Either way the Client is then unusable.
    Result<void> dispatch();
    // Waits up to timeout_ms for an event, then dispatch(). timed_out if none.
    Result<void> dispatch_blocking(int timeout_ms);
    // Events kept by a round trip and not yet delivered.
    bool pending() const { return !kept_.empty(); }

    // Event callbacks; any may be empty.
    std::function<void(const PresentComplete&)> on_present_complete;
    // The mode list or the current mode changed; modes() is already updated.
    std::function<void(const Modes&)> on_modes_changed;
    // A request without a round trip failed (present, free_buffer,
    // set_cursor, set_mode).
    std::function<void(const ErrorEvent&)> on_error;

private:
    Client() = default;
    Result<void> send(Request request);
    std::uint32_t next_serial() { return ++serial_; }
    // Reads until an event for which accept() is true arrives; keeps others.
    Result<Event> wait_for(const std::function<bool(const Event&)>& accept, int timeout_ms);
    Result<Event> read_event();
    void deliver(Event event);
    void unmap_all();

    wire::UniqueFd socket_;
    Welcome welcome_;
    Modes modes_;
    std::uint32_t serial_ = 0;
    std::deque<Event> kept_;
    std::vector<Buffer> buffers_;
    int round_trip_timeout_ms_ = 5000;
};

}  // namespace tessera::display
