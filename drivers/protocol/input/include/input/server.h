// The service side of the input protocol: connections, HELLO, the device
// list, and frames fanned out to every client. A driver (virtio-input on
// Tessera, the test input source on the host) adds devices and sends frames;
// the Server does the rest.
//
// Thread-safety: run() (or dispatch()) serves clients on one thread; every
// other public method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "input/protocol.h"
#include "wire/server_core.h"

namespace tessera::input {

class Server final : private wire::ConnectionHandler {
public:
    static Result<std::unique_ptr<Server>> listen(const std::string& path);
    ~Server() override;

    const std::string& path() const { return core_->path(); }
    int fd() const { return core_->fd(); }
    Result<void> dispatch(int timeout_ms) { return core_->dispatch(timeout_ms); }
    Result<void> run() { return core_->run(); }
    void stop() { core_->stop(); }

    // Adds a device (info.id is ignored) and announces it. Returns its id.
    // invalid_argument for a name over max_name_length, unsorted or
    // duplicate axes, or an axis with maximum < minimum.
    Result<std::uint32_t> add_device(DeviceInfo info);
    Result<void> remove_device(std::uint32_t id);
    // Sends one frame from device id to every client. A SYN_REPORT is
    // appended unless events end with one; events must hold no other
    // SYN_REPORT and at most max_events_per_frame - 1 others. time_ns 0
    // means now.
    Result<void> send_frame(std::uint32_t device_id, std::span<const InputEvent> events, std::uint64_t time_ns = 0);

    std::vector<DeviceInfo> devices() const;
    std::size_t client_count() const;

private:
    Server() = default;
    void on_connect(wire::ClientId client) override;
    void on_message(wire::ClientId client, wire::Message message) override;
    void on_malformed(wire::ClientId client, const Error& error) override;
    void on_disconnect(wire::ClientId client) override;
    void reject(wire::ClientId client, std::uint16_t opcode, ErrorCode code, std::string text);
    void broadcast(const Event& event);

    std::unique_ptr<wire::ServerCore> core_;
    std::map<std::uint32_t, DeviceInfo> devices_;
    std::map<wire::ClientId, bool> greeted_;  // client -> has said HELLO
    std::uint32_t next_device_id_ = 1;
};

}  // namespace tessera::input
