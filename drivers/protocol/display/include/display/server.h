// The service side of the display protocol: connections, HELLO, buffer
// bookkeeping per client, damage clipping, statistics and completion events.
// A driver (headless-display on the host, virtio-gpu on Tessera) supplies a
// Device that owns the memory and the screen; the Server does the rest.
//
// Thread-safety: run() (or dispatch()) serves clients on one thread; the
// methods marked "any thread" may be called from others. Device methods are
// called with the server's lock held, from the serving thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "display/protocol.h"
#include "wire/server_core.h"

namespace tessera::display {

// One scanout buffer's memory as the device sees it.
class BufferMemory {
public:
    virtual ~BufferMemory() = default;
    // The fd handed to the client (the server sends a duplicate).
    virtual int fd() const = 0;
    // The device's own view of the pixels.
    virtual const std::uint8_t* data() const = 0;
    virtual std::uint64_t size() const = 0;
    virtual std::uint32_t stride() const = 0;
};

struct CursorImage {
    std::uint16_t width = 0;  // 0: hidden
    std::uint16_t height = 0;
    std::int16_t hotspot_x = 0;
    std::int16_t hotspot_y = 0;
    std::vector<std::uint32_t> pixels;  // premultiplied ARGB8888
};

// What a display driver provides.
class Device {
public:
    virtual ~Device() = default;
    // Memory for a width x height XRGB8888 buffer (sizes already checked).
    virtual Result<std::unique_ptr<BufferMemory>> allocate(std::uint32_t width, std::uint32_t height) = 0;
    // Puts rects of buffer on the screen: each is non-empty and inside both
    // the buffer and the current mode. Returns once the pixels are there;
    // the server then sends PRESENT_COMPLETE.
    virtual Result<void> present(const BufferMemory& buffer, std::uint32_t width, std::uint32_t height,
                                 std::span<const Rect> rects) = 0;
    virtual void set_cursor(const CursorImage& image) = 0;
    virtual void move_cursor(std::int32_t x, std::int32_t y) = 0;
    // Switches to mode (index into the server's list); the server announces
    // it after success. Default: unsupported.
    virtual Result<void> set_mode(std::uint32_t index, const Mode& mode);
    // Writes the screen as PNG into fd. Default: unsupported.
    virtual Result<void> write_png(int fd, bool with_cursor);
};

class Server final : private wire::ConnectionHandler {
public:
    // Listens at path; modes must be 1..max_modes long and current inside.
    // device must outlive the server.
    static Result<std::unique_ptr<Server>> listen(const std::string& path, Device& device, std::vector<Mode> modes,
                                                  std::uint32_t current);
    ~Server() override;

    const std::string& path() const { return core_->path(); }
    int fd() const { return core_->fd(); }
    Result<void> dispatch(int timeout_ms) { return core_->dispatch(timeout_ms); }
    Result<void> run() { return core_->run(); }
    void stop() { core_->stop(); }  // any thread

    // Any thread: the driver's modes changed (a resized window, a hotplug).
    // Announced to every client; the device is not called.
    Result<void> set_modes(std::vector<Mode> modes, std::uint32_t current);
    Modes modes() const;               // any thread
    Stats stats() const;               // any thread; serial 0
    std::size_t client_count() const;  // any thread

private:
    struct ClientState;
    struct OwnedBuffer;

    Server(Device& device, std::vector<Mode> modes, std::uint32_t current);
    void on_connect(wire::ClientId client) override;
    void on_message(wire::ClientId client, wire::Message message) override;
    void on_malformed(wire::ClientId client, const Error& error) override;
    void on_disconnect(wire::ClientId client) override;
    void handle(wire::ClientId id, ClientState& client, Request request);
    void send_error(wire::ClientId client, std::uint32_t serial, Opcode opcode, ErrorCode code, std::string text);
    void broadcast_modes();

    Device& device_;
    std::unique_ptr<wire::ServerCore> core_;
    Modes modes_;
    Stats stats_;
    std::map<wire::ClientId, std::unique_ptr<ClientState>> clients_;
    std::uint32_t next_buffer_id_ = 1;
};

}  // namespace tessera::display
