// Helpers for the protocol tests: a scratch directory for sockets and a raw
// peer that sends any bytes and fds, well formed or not.
#pragma once

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "wire/message.h"
#include "wire/socket.h"

namespace tessera::wire::testing {

// A fresh directory under /tmp, removed with its contents at the end.
class ScratchDirectory {
public:
    ScratchDirectory() {
        char pattern[] = "/tmp/tessera-protocol-XXXXXX";
        path_ = ::mkdtemp(pattern);
    }
    ~ScratchDirectory() { std::filesystem::remove_all(path_); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// Sends bytes exactly as given, with fds attached; returns false on failure.
inline bool send_raw(int socket, const std::vector<std::uint8_t>& bytes, const std::vector<int>& fds = {}) {
    iovec io{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
    msghdr header{};
    header.msg_iov = &io;
    header.msg_iovlen = 1;
    std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
    if (!fds.empty()) {
        header.msg_control = control.data();
        header.msg_controllen = control.size();
        cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
    }
    return ::sendmsg(socket, &header, MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

// A message's bytes with a header claiming the given size and fd count.
inline std::vector<std::uint8_t> raw_message(std::uint16_t opcode, const std::vector<std::uint8_t>& payload,
                                             std::uint32_t claimed_size = 0, std::uint16_t claimed_fds = 0) {
    std::vector<std::uint8_t> bytes(header_size);
    std::uint32_t size = claimed_size != 0 ? claimed_size : static_cast<std::uint32_t>(header_size + payload.size());
    std::memcpy(bytes.data(), &opcode, 2);
    std::memcpy(bytes.data() + 2, &claimed_fds, 2);
    std::memcpy(bytes.data() + 4, &size, 4);
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return bytes;
}

// Little-endian payload builder for raw messages.
struct Payload {
    std::vector<std::uint8_t> bytes;
    Payload& u16(std::uint16_t v) { return put(&v, 2); }
    Payload& u32(std::uint32_t v) { return put(&v, 4); }
    Payload& i32(std::int32_t v) { return put(&v, 4); }
    Payload& put(const void* data, std::size_t size) {
        auto* p = static_cast<const std::uint8_t*>(data);
        bytes.insert(bytes.end(), p, p + size);
        return *this;
    }
};

struct PeerOutcome {
    std::vector<Message> messages;  // everything received before the end
    bool closed = false;            // the service closed the connection
};

// Reads until the service closes the connection or timeout_ms pass.
inline PeerOutcome read_until_closed(int socket, int timeout_ms = 3000) {
    PeerOutcome outcome;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return outcome;
        if (!wait_readable(socket, static_cast<int>(left.count()))) return outcome;
        auto message = receive_message(socket);
        if (message) {
            outcome.messages.push_back(std::move(*message));
        } else if (message.error().code == ErrorCode::disconnected) {
            outcome.closed = true;
            return outcome;
        } else if (message.error().code != ErrorCode::would_block) {
            return outcome;
        }
    }
}

// Polls condition every millisecond until it holds or timeout_ms pass.
template <typename Condition>
bool eventually(Condition condition, int timeout_ms = 3000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        ::usleep(1000);
    }
    return true;
}

}  // namespace tessera::wire::testing
