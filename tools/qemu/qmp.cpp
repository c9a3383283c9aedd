#include "qmp.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tessera::qemu {

Qmp::Qmp(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {
    nlohmann::json greeting = read_message();
    if (!greeting.contains("QMP")) {
        ::close(fd_);
        throw std::runtime_error("QMP: expected a greeting, got " + greeting.dump());
    }
    execute("qmp_capabilities");
}

Qmp::~Qmp() { ::close(fd_); }

nlohmann::json Qmp::read_message() {
    auto deadline = std::chrono::steady_clock::now() + timeout_;
    for (;;) {
        size_t newline = buffer_.find('\n');
        if (newline != std::string::npos) {
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            if (line.find_first_not_of(" \r\t") == std::string::npos) continue;
            return nlohmann::json::parse(line);
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) throw std::runtime_error("QMP: no answer from QEMU in time");
        pollfd p{fd_, POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        char chunk[4096];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("QMP: QEMU closed the monitor connection");
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

nlohmann::json Qmp::execute(const std::string& command, const nlohmann::json& arguments) {
    nlohmann::json request = {{"execute", command}};
    if (!arguments.is_null()) request["arguments"] = arguments;
    std::string text = request.dump() + "\n";
    for (size_t sent = 0; sent < text.size();) {
        ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error("QMP: cannot send " + command + ": " + std::strerror(errno));
        sent += static_cast<size_t>(n);
    }
    for (;;) {
        nlohmann::json reply = read_message();
        if (reply.contains("event")) {
            events_.push_back(std::move(reply));
            continue;
        }
        if (reply.contains("error")) {
            throw std::runtime_error("QMP " + command + ": " + reply["error"].value("desc", reply.dump()));
        }
        if (reply.contains("return")) return reply["return"];
    }
}

std::deque<nlohmann::json> Qmp::take_events() { return std::exchange(events_, {}); }

void Qmp::send_key(const std::string& qcode, bool down) {
    nlohmann::json event = {{"type", "key"},
                            {"data", {{"down", down}, {"key", {{"type", "qcode"}, {"data", qcode}}}}}};
    execute("input-send-event", {{"events", nlohmann::json::array({event})}});
}

void Qmp::tap_keys(const std::vector<std::string>& chord) {
    for (const auto& key : chord) send_key(key, true);
    for (auto key = chord.rbegin(); key != chord.rend(); ++key) send_key(*key, false);
}

void Qmp::move_pointer_absolute(int x, int y) {
    nlohmann::json events = nlohmann::json::array({
        {{"type", "abs"}, {"data", {{"axis", "x"}, {"value", x}}}},
        {{"type", "abs"}, {"data", {{"axis", "y"}, {"value", y}}}},
    });
    execute("input-send-event", {{"events", events}});
}

void Qmp::send_button(const std::string& button, bool down) {
    nlohmann::json event = {{"type", "btn"}, {"data", {{"down", down}, {"button", button}}}};
    execute("input-send-event", {{"events", nlohmann::json::array({event})}});
}

}  // namespace tessera::qemu
