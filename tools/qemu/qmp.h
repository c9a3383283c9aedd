// A QMP client: QEMU's JSON monitor protocol over a connected socket.
// Commands are synchronous; events that arrive meanwhile are kept in order.
#pragma once

#include <chrono>
#include <deque>
#include <string>

#include <nlohmann/json.hpp>

namespace tessera::qemu {

class Qmp {
public:
    // Takes ownership of a connected socket, reads the greeting and enters
    // command mode. Throws std::runtime_error on a broken or silent peer.
    explicit Qmp(int fd, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~Qmp();
    Qmp(const Qmp&) = delete;
    Qmp& operator=(const Qmp&) = delete;

    // Runs one command and returns its "return" value. Throws
    // std::runtime_error with QEMU's error description on failure.
    nlohmann::json execute(const std::string& command, const nlohmann::json& arguments = nullptr);

    // Events received so far (oldest first); taking them clears the list.
    std::deque<nlohmann::json> take_events();

    // Input helpers over input-send-event. Keys are QEMU qcodes ("a", "ret",
    // "ctrl"...); absolute coordinates are 0..0x7FFF across the screen.
    void send_key(const std::string& qcode, bool down);
    void tap_keys(const std::vector<std::string>& chord);  // press all, release in reverse
    void move_pointer_absolute(int x, int y);
    void send_button(const std::string& button, bool down);

private:
    nlohmann::json read_message();

    int fd_;
    std::chrono::milliseconds timeout_;
    std::string buffer_;
    std::deque<nlohmann::json> events_;
};

}  // namespace tessera::qemu
