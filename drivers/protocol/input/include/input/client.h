// The client side of the input protocol, for uiserver and tests.
//
//   auto client = tessera::input::Client::connect(path);   // waits for DEVICES_DONE
//   for (auto& [id, device] : client->devices()) ...
//   client->on_frame = [](const Frame& frame) { ... };     // ends with SYN_REPORT
//   poll(client->fd()) ... client->dispatch();
//
// Not thread-safe. Errors are values; a vanished or broken service makes
// dispatch() return disconnected or malformed, and the Client is then
// unusable (reconnect: a restarted driver announces its devices again).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "input/protocol.h"

namespace tessera::input {

class Client {
public:
    // Connects, says HELLO and waits for the initial device list.
    static Result<Client> connect(const std::string& path, int timeout_ms = 5000);

    Client(Client&&) noexcept = default;
    Client& operator=(Client&&) noexcept = default;
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    int fd() const { return socket_.get(); }
    const Welcome& welcome() const { return welcome_; }
    // Devices present now, by id.
    const std::map<std::uint32_t, DeviceInfo>& devices() const { return devices_; }
    const DeviceInfo* device(std::uint32_t id) const;

    // Reads and delivers what the socket holds, without blocking.
    Result<void> dispatch();
    // Waits up to timeout_ms for something to read, then dispatch().
    // timed_out if nothing came.
    Result<void> dispatch_blocking(int timeout_ms);

    // Callbacks; any may be empty. devices() is updated before added and
    // after removed is called.
    std::function<void(const DeviceInfo&)> on_device_added;
    std::function<void(const DeviceInfo&)> on_device_removed;
    std::function<void(const Frame&)> on_frame;

private:
    Client() = default;
    Result<void> handle(Event event);

    wire::UniqueFd socket_;
    Welcome welcome_;
    std::map<std::uint32_t, DeviceInfo> devices_;
};

}  // namespace tessera::input
