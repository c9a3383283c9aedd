#include "wire/socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tessera::wire {
namespace {

Result<sockaddr_un> socket_address(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(address.sun_path))
        return make_error(ErrorCode::invalid_argument, "socket path empty or too long: " + path);
    std::memcpy(address.sun_path, path.data(), path.size());
    return address;
}

// Room for max_fds_per_message fds; more are cut off (MSG_CTRUNC) and the
// kernel closes what did not fit.
constexpr std::size_t control_size = CMSG_SPACE(sizeof(int) * max_fds_per_message);

}  // namespace

Result<UniqueFd> connect_seqpacket(const std::string& path) {
    auto address = socket_address(path);
    if (!address) return address.error();
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!fd) return system_error("socket");
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof(sockaddr_un)) != 0)
        return system_error("connect " + path);
    return fd;
}

Result<UniqueFd> listen_seqpacket(const std::string& path) {
    auto address = socket_address(path);
    if (!address) return address.error();
    UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) return system_error("socket");
    ::unlink(path.c_str());
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof(sockaddr_un)) != 0)
        return system_error("bind " + path);
    if (::listen(fd.get(), 16) != 0) return system_error("listen " + path);
    return fd;
}

Result<UniqueFd> accept_seqpacket(int listener) {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error(ErrorCode::would_block, "no connection");
        return system_error("accept");
    }
    return UniqueFd(fd);
}

Result<void> send_message(int socket, const Message& message) {
    if (message.bytes.size() < header_size || message.bytes.size() > max_message_size ||
        message.fds.size() > max_fds_per_message)
        return make_error(ErrorCode::invalid_argument, "message too large or too many fds");
    iovec io{const_cast<std::uint8_t*>(message.bytes.data()), message.bytes.size()};
    msghdr header{};
    header.msg_iov = &io;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[control_size] = {};
    if (!message.fds.empty()) {
        header.msg_control = control;
        header.msg_controllen = CMSG_SPACE(sizeof(int) * message.fds.size());
        cmsghdr* cmsg = CMSG_FIRSTHDR(&header);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * message.fds.size());
        for (std::size_t i = 0; i < message.fds.size(); ++i) {
            int fd = message.fds[i].get();
            std::memcpy(CMSG_DATA(cmsg) + i * sizeof(int), &fd, sizeof(int));
        }
    }
    for (;;) {
        ssize_t sent = ::sendmsg(socket, &header, MSG_NOSIGNAL);
        if (sent >= 0) {
            // SEQPACKET sends a record whole or not at all.
            if (static_cast<std::size_t>(sent) != message.bytes.size())
                return make_error(ErrorCode::system, "short send");
            return {};
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error(ErrorCode::would_block, "socket full");
        if (errno == EPIPE || errno == ECONNRESET) return make_error(ErrorCode::disconnected, "peer closed");
        return system_error("sendmsg");
    }
}

Result<Message> receive_message(int socket) {
    Message message;
    message.bytes.resize(max_message_size);
    iovec io{message.bytes.data(), message.bytes.size()};
    msghdr header{};
    header.msg_iov = &io;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[control_size];
    header.msg_control = control;
    header.msg_controllen = sizeof(control);
    ssize_t received;
    do {
        received = ::recvmsg(socket, &header, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error(ErrorCode::would_block, "nothing to read");
        if (errno == ECONNRESET) return make_error(ErrorCode::disconnected, "peer reset the connection");
        return system_error("recvmsg");
    }
    // Take ownership of every fd first, so each is closed on any error path.
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&header); cmsg != nullptr; cmsg = CMSG_NXTHDR(&header, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            message.fds.emplace_back(fd);
        }
    }
    // A zero-length read is end of file (a zero-length record would be
    // malformed anyway, so the two need no telling apart).
    if (received == 0) return make_error(ErrorCode::disconnected, "peer closed");
    if (header.msg_flags & MSG_TRUNC) return make_error(ErrorCode::malformed, "message over the maximum size");
    if (header.msg_flags & MSG_CTRUNC) return make_error(ErrorCode::malformed, "too many fds");
    message.bytes.resize(static_cast<std::size_t>(received));
    if (message.bytes.size() < header_size) return make_error(ErrorCode::malformed, "message shorter than its header");
    Header h = message.header();
    if (h.size != message.bytes.size())
        return make_error(ErrorCode::malformed, "header size " + std::to_string(h.size) + " but " +
                                                    std::to_string(message.bytes.size()) + " bytes received");
    if (h.fd_count != message.fds.size())
        return make_error(ErrorCode::malformed, "header announces " + std::to_string(h.fd_count) + " fds but " +
                                                    std::to_string(message.fds.size()) + " came");
    message.bytes.shrink_to_fit();
    return message;
}

Result<void> wait_readable(int socket, int timeout_ms) {
    pollfd entry{socket, POLLIN, 0};
    for (;;) {
        int ready = ::poll(&entry, 1, timeout_ms);
        if (ready > 0) return {};
        if (ready == 0) return make_error(ErrorCode::timed_out, "no answer in time");
        if (errno != EINTR) return system_error("poll");
    }
}

}  // namespace tessera::wire
