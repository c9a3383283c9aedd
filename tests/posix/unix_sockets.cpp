// AF_UNIX sockets: socket, socketpair, bind (abstract and path names),
// listen, accept4, connect, send/recv with MSG_* flags, sendmsg/recvmsg
// with SCM_RIGHTS and SCM_CREDENTIALS, shutdown, socket options, and the
// errors Linux gives for each.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "posix_test.h"

namespace {

void* volatile unmapped_address = reinterpret_cast<void*>(8);
template <typename T>
T* bad_address() {
    return static_cast<T*>(unmapped_address);
}

// An abstract name unique to this process and tag.
sockaddr_un abstract_address(const char* tag, socklen_t* length) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string name = std::string("tessera-posix-") + tag + "-" + std::to_string(getpid());
    std::memcpy(address.sun_path + 1, name.data(), name.size());
    *length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    return address;
}

sockaddr* as_sockaddr(sockaddr_un& address) {
    return reinterpret_cast<sockaddr*>(&address);
}

// A listening stream (or seqpacket) socket at an abstract name.
int listening(const char* tag, sockaddr_un* address, socklen_t* length, int type = SOCK_STREAM, int backlog = 8) {
    *address = abstract_address(tag, length);
    int fd = socket(AF_UNIX, type, 0);
    if (fd < 0 || bind(fd, as_sockaddr(*address), *length) != 0 || listen(fd, backlog) != 0) return -1;
    return fd;
}

// A one-byte message with room for control data (up to eight descriptors);
// control_length is what msg_controllen offers.
struct OneByteMessage {
    explicit OneByteMessage(size_t control_length, char content = 'x') : byte(content) {
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = control_length;
    }
    OneByteMessage(const OneByteMessage&) = delete;

    char byte;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 8)] = {};
    iovec vector = {&byte, 1};
    msghdr message{};
};

int send_fds(int socket, const int* fds, int count, const char* byte = "x") {
    OneByteMessage one(CMSG_SPACE(sizeof(int) * count), *byte);
    msghdr& message = one.message;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * count);
    std::memcpy(CMSG_DATA(header), fds, sizeof(int) * count);
    return static_cast<int>(sendmsg(socket, &message, 0));
}

}  // namespace

POSIX_TEST(unix, socketpair_carries_bytes_both_ways) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_EQ(CHECK_OK(write(sv[0], "ping", 4)), 4);
    char buffer[8] = {};
    CHECK_EQ(CHECK_OK(read(sv[1], buffer, sizeof buffer)), 4);
    CHECK_STREQ(buffer, "ping");
    CHECK_EQ(CHECK_OK(send(sv[1], "pong", 4, 0)), 4);
    CHECK_EQ(CHECK_OK(recv(sv[0], buffer, 4, 0)), 4);
    CHECK_EQ(std::memcmp(buffer, "pong", 4), 0);
}

POSIX_TEST(unix, socket_argument_errors) {
    CHECK_ERRNO(socket(200, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERRNO(socket(AF_UNIX, 99, 0), EINVAL);
    CHECK_ERRNO(socket(AF_UNIX, SOCK_RDM, 0), ESOCKTNOSUPPORT);
    CHECK_ERRNO(socket(AF_UNIX, SOCK_STREAM, 7), EPROTONOSUPPORT);
    int sv[2];
    CHECK_ERRNO(socketpair(AF_UNIX, SOCK_STREAM, 0, bad_address<int>()), EFAULT);
    int fd = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    CHECK_EQ(CHECK_OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    CHECK_EQ(CHECK_OK(fcntl(fd, F_GETFL)) & O_NONBLOCK, O_NONBLOCK);
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
    CHECK_EQ(CHECK_OK(fcntl(sv[1], F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
}

POSIX_TEST(unix, calls_on_other_files_are_enotsock_or_ebadf) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(listen(fds[0], 1), ENOTSOCK);
    CHECK_ERRNO(accept(fds[0], nullptr, nullptr), ENOTSOCK);
    CHECK_ERRNO(send(fds[1], "x", 1, 0), ENOTSOCK);
    int value;
    socklen_t length = sizeof value;
    CHECK_ERRNO(getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &value, &length), ENOTSOCK);
    CHECK_ERRNO(shutdown(fds[0], SHUT_RD), ENOTSOCK);
    CHECK_ERRNO(listen(999, 1), EBADF);
    CHECK_ERRNO(recv(999, &value, 1, 0), EBADF);
}

POSIX_TEST(unix, abstract_listen_connect_accept_and_names) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("names", &address, &length));
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(connect(client, as_sockaddr(address), length));
    sockaddr_un peer{};
    socklen_t peer_length = sizeof peer;
    int accepted = CHECK_OK(accept4(server, as_sockaddr(peer), &peer_length, SOCK_CLOEXEC));
    CHECK_EQ(peer_length, static_cast<socklen_t>(sizeof(sa_family_t)));  // the client is unnamed
    CHECK_EQ(CHECK_OK(fcntl(accepted, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    sockaddr_un name{};
    socklen_t name_length = sizeof name;
    CHECK_OK(getsockname(server, as_sockaddr(name), &name_length));
    CHECK_EQ(name_length, length);
    CHECK_EQ(std::memcmp(&name, &address, length), 0);
    name_length = sizeof name;
    CHECK_OK(getpeername(client, as_sockaddr(name), &name_length));
    CHECK_EQ(name_length, length);
    CHECK_EQ(std::memcmp(&name, &address, length), 0);
    name_length = sizeof name;
    CHECK_OK(getsockname(accepted, as_sockaddr(name), &name_length));
    CHECK_EQ(name_length, length);
    CHECK_EQ(CHECK_OK(write(client, "hi", 2)), 2);
    char buffer[4] = {};
    CHECK_EQ(CHECK_OK(read(accepted, buffer, sizeof buffer)), 2);
    CHECK_STREQ(buffer, "hi");
}

POSIX_TEST(unix, bind_and_connect_errors) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("bind-errors", &address, &length));
    int other = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERRNO(bind(other, as_sockaddr(address), length), EADDRINUSE);
    sockaddr_un second;
    socklen_t second_length;
    second = abstract_address("bind-errors-2", &second_length);
    CHECK_OK(bind(other, as_sockaddr(second), second_length));
    CHECK_ERRNO(bind(other, as_sockaddr(second), second_length), EINVAL);  // already bound
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un nobody;
    socklen_t nobody_length;
    nobody = abstract_address("nobody-listens", &nobody_length);
    CHECK_ERRNO(connect(client, as_sockaddr(nobody), nobody_length), ECONNREFUSED);
    CHECK_ERRNO(connect(client, as_sockaddr(second), second_length), ECONNREFUSED);  // bound, not listening
    sockaddr_un wrong = address;
    wrong.sun_family = AF_INET;
    CHECK_ERRNO(connect(client, as_sockaddr(wrong), length), EINVAL);
    CHECK_ERRNO(bind(client, as_sockaddr(address), 1), EINVAL);
    CHECK_ERRNO(connect(client, bad_address<sockaddr>(), length), EFAULT);
    int dgram = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    // An abstract name of another type is not found (a path would be EPROTOTYPE).
    CHECK_ERRNO(connect(dgram, as_sockaddr(address), length), ECONNREFUSED);
    CHECK_OK(connect(client, as_sockaddr(address), length));
    CHECK_ERRNO(connect(client, as_sockaddr(address), length), EISCONN);
    CHECK_ERRNO(listen(dgram, 1), EOPNOTSUPP);
    CHECK_ERRNO(accept(dgram, nullptr, nullptr), EOPNOTSUPP);
    CHECK_ERRNO(accept(other, nullptr, nullptr), EINVAL);  // not listening
    (void)server;
}

POSIX_TEST(unix, autobind_gives_an_abstract_name) {
    int fd = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    CHECK_OK(bind(fd, as_sockaddr(address), sizeof(sa_family_t)));
    sockaddr_un name{};
    socklen_t length = sizeof name;
    CHECK_OK(getsockname(fd, as_sockaddr(name), &length));
    CHECK_EQ(length, static_cast<socklen_t>(sizeof(sa_family_t) + 6));
    CHECK_EQ(name.sun_path[0], 0);
}

POSIX_TEST(unix, path_names_bind_and_connect) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, "server.socket");
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + std::strlen(address.sun_path) + 1);
    int server = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(server, as_sockaddr(address), length));
    CHECK_OK(listen(server, 4));
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(connect(client, as_sockaddr(address), length));
    int accepted = CHECK_OK(accept(server, nullptr, nullptr));
    sockaddr_un name{};
    socklen_t name_length = sizeof name;
    CHECK_OK(getsockname(server, as_sockaddr(name), &name_length));
    CHECK_EQ(name_length, length);
    CHECK_STREQ(name.sun_path, "server.socket");
    CHECK_OK(close(accepted));
}

POSIX_TEST(unix, nonblocking_connect_with_a_full_backlog_is_eagain) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("backlog", &address, &length, SOCK_STREAM, 0));
    int connected = 0;
    int result = 0;
    for (int i = 0; i < 8 && result == 0; ++i) {
        int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0));
        result = connect(client, as_sockaddr(address), length);
        if (result == 0) ++connected;
    }
    CHECK(connected >= 1);
    CHECK_EQ(result, -1);
    CHECK_EQ(errno, EAGAIN);
    CHECK_OK(accept(server, nullptr, nullptr));
}

POSIX_TEST(unix, accept_without_connections_is_eagain_when_nonblocking) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("accept-eagain", &address, &length));
    CHECK_OK(fcntl(server, F_SETFL, O_NONBLOCK));
    CHECK_ERRNO(accept(server, nullptr, nullptr), EAGAIN);
    CHECK_ERRNO(accept4(server, nullptr, nullptr, 0x1), EINVAL);
}

POSIX_TEST(unix, blocking_accept_is_woken_by_a_connecting_child) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("accept-wake", &address, &length));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        usleep(50000);
        int client = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(client, as_sockaddr(address), length) != 0) _exit(1);
        _exit(write(client, "c", 1) == 1 ? 0 : 2);
    }
    int accepted = CHECK_OK(accept(server, nullptr, nullptr));
    char byte = 0;
    CHECK_EQ(CHECK_OK(read(accepted, &byte, 1)), 1);
    CHECK_EQ(byte, 'c');
    ucred credentials{};
    socklen_t credentials_length = sizeof credentials;
    CHECK_OK(getsockopt(accepted, SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length));
    CHECK_EQ(credentials.pid, child);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK_EQ(status, 0);
}

POSIX_TEST(unix, peer_close_gives_eof_and_epipe) {
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(write(sv[1], "z", 1));
    CHECK_OK(close(sv[1]));
    char byte;
    CHECK_EQ(CHECK_OK(read(sv[0], &byte, 1)), 1);
    CHECK_EQ(CHECK_OK(read(sv[0], &byte, 1)), 0);
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    // Linux still calls it writable: nothing of ours is in flight.
    pollfd entry = {sv[0], POLLIN | POLLOUT | POLLRDHUP, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
    CHECK_EQ(entry.revents, POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
}

POSIX_TEST(unix, closing_with_unread_data_resets_the_peer) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(write(sv[0], "unread", 6));
    CHECK_OK(close(sv[1]));
    char byte;
    CHECK_ERRNO(read(sv[0], &byte, 1), ECONNRESET);
    CHECK_EQ(CHECK_OK(read(sv[0], &byte, 1)), 0);
}

POSIX_TEST(unix, msg_nosignal_avoids_sigpipe) {
    signal(SIGPIPE, SIG_DFL);
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(close(sv[1]));
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
}

POSIX_TEST(unix, shutdown_write_is_eof_for_the_peer) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(shutdown(sv[0], SHUT_WR));
    char byte;
    CHECK_EQ(CHECK_OK(read(sv[1], &byte, 1)), 0);
    pollfd entry = {sv[1], POLLIN | POLLRDHUP, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
    CHECK_EQ(entry.revents & (POLLIN | POLLRDHUP), POLLIN | POLLRDHUP);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_EQ(CHECK_OK(write(sv[1], "y", 1)), 1);  // the other direction still works
    CHECK_EQ(CHECK_OK(read(sv[0], &byte, 1)), 1);
    CHECK_ERRNO(shutdown(sv[0], 7), EINVAL);
}

POSIX_TEST(unix, shutdown_read_then_both) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(shutdown(sv[0], SHUT_RD));
    char byte;
    CHECK_EQ(CHECK_OK(read(sv[0], &byte, 1)), 0);
    CHECK_OK(shutdown(sv[0], SHUT_RDWR));
    pollfd entry = {sv[0], POLLIN, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
    CHECK_EQ(entry.revents & POLLHUP, POLLHUP);
}

POSIX_TEST(unix, recv_flags_peek_dontwait_waitall) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    char buffer[8] = {};
    CHECK_ERRNO(recv(sv[0], buffer, 1, MSG_DONTWAIT), EAGAIN);
    CHECK_OK(write(sv[1], "abc", 3));
    CHECK_EQ(CHECK_OK(recv(sv[0], buffer, sizeof buffer, MSG_PEEK)), 3);
    CHECK_EQ(CHECK_OK(recv(sv[0], buffer, 2, 0)), 2);
    CHECK_EQ(std::memcmp(buffer, "ab", 2), 0);
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        usleep(30000);
        _exit(write(sv[1], "defg", 4) == 4 ? 0 : 1);
    }
    CHECK_EQ(CHECK_OK(recv(sv[0], buffer, 5, MSG_WAITALL)), 5);
    CHECK_EQ(std::memcmp(buffer, "cdefg", 5), 0);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}

POSIX_TEST(unix, stream_writer_blocks_at_the_buffer_limit) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    static char chunk[4096];
    long total = 0;
    for (;;) {
        ssize_t written = send(sv[0], chunk, sizeof chunk, 0);
        if (written < 0) break;
        total += written;
        if (total > 64L * 1024 * 1024) break;
    }
    CHECK_EQ(errno, EAGAIN);
    CHECK(total >= 64 * 1024 && total <= 4 * 1024 * 1024);
    pollfd entry = {sv[0], POLLOUT, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 0);
    long drained = 0;
    ssize_t got;
    static char sink[65536];
    while ((got = recv(sv[1], sink, sizeof sink, 0)) > 0) drained += got;
    CHECK_EQ(drained, total);
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
}

POSIX_TEST(unix, datagrams_keep_boundaries_and_truncate) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_OK(send(sv[0], "one", 3, 0));
    CHECK_OK(send(sv[0], "three", 5, 0));
    CHECK_OK(send(sv[0], "", 0, 0));
    char buffer[16] = {};
    CHECK_EQ(CHECK_OK(recv(sv[1], buffer, sizeof buffer, 0)), 3);
    iovec vector = {buffer, 2};
    msghdr message{};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    CHECK_EQ(CHECK_OK(recvmsg(sv[1], &message, MSG_PEEK)), 2);
    CHECK_EQ(message.msg_flags & MSG_TRUNC, MSG_TRUNC);
    CHECK_EQ(CHECK_OK(recv(sv[1], buffer, 2, MSG_TRUNC)), 5);  // the real length
    CHECK_EQ(CHECK_OK(recv(sv[1], buffer, sizeof buffer, 0)), 0);  // the empty datagram
    CHECK_ERRNO(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT), EAGAIN);
}

POSIX_TEST(unix, datagram_addressing) {
    socklen_t server_length, client_length;
    sockaddr_un server_address = abstract_address("dgram-server", &server_length);
    sockaddr_un client_address = abstract_address("dgram-client", &client_length);
    int server = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(server, as_sockaddr(server_address), server_length));
    int client = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_ERRNO(send(client, "x", 1, 0), ENOTCONN);
    CHECK_OK(bind(client, as_sockaddr(client_address), client_length));
    CHECK_EQ(CHECK_OK(sendto(client, "hello", 5, 0, as_sockaddr(server_address), server_length)), 5);
    char buffer[8] = {};
    sockaddr_un from{};
    socklen_t from_length = sizeof from;
    CHECK_EQ(CHECK_OK(recvfrom(server, buffer, sizeof buffer, 0, as_sockaddr(from), &from_length)), 5);
    CHECK_EQ(from_length, client_length);
    CHECK_EQ(std::memcmp(&from, &client_address, client_length), 0);
    // A socket connected elsewhere only hears its peer.
    int third = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(connect(server, as_sockaddr(client_address), client_length));
    CHECK_ERRNO(sendto(third, "x", 1, 0, as_sockaddr(server_address), server_length), EPERM);
    sockaddr_un nobody;
    socklen_t nobody_length;
    nobody = abstract_address("dgram-nobody", &nobody_length);
    CHECK_ERRNO(sendto(third, "x", 1, 0, as_sockaddr(nobody), nobody_length), ECONNREFUSED);
    // connect to AF_UNSPEC dissolves the association.
    sockaddr unspecified{};
    unspecified.sa_family = AF_UNSPEC;
    CHECK_OK(connect(server, &unspecified, sizeof unspecified));
    CHECK_ERRNO(send(server, "x", 1, 0), ENOTCONN);
}

POSIX_TEST(unix, connected_datagram_peer_gone_is_econnrefused) {
    socklen_t length;
    sockaddr_un address = abstract_address("dgram-gone", &length);
    int server = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(server, as_sockaddr(address), length));
    int client = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(connect(client, as_sockaddr(address), length));
    CHECK_OK(close(server));
    CHECK_ERRNO(send(client, "x", 1, 0), ECONNREFUSED);
}

POSIX_TEST(unix, seqpacket_keeps_boundaries_and_ends) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("seqpacket", &address, &length, SOCK_SEQPACKET));
    int client = CHECK_OK(socket(AF_UNIX, SOCK_SEQPACKET, 0));
    char buffer[8];
    CHECK_ERRNO(recv(client, buffer, sizeof buffer, MSG_DONTWAIT), ENOTCONN);
    CHECK_OK(connect(client, as_sockaddr(address), length));
    int accepted = CHECK_OK(accept(server, nullptr, nullptr));
    CHECK_OK(send(client, "ab", 2, 0));
    CHECK_OK(send(client, "cde", 3, 0));
    CHECK_EQ(CHECK_OK(recv(accepted, buffer, sizeof buffer, 0)), 2);
    CHECK_EQ(CHECK_OK(recv(accepted, buffer, 1, 0)), 1);  // the rest of "cde" is dropped
    CHECK_OK(close(client));
    CHECK_EQ(CHECK_OK(recv(accepted, buffer, sizeof buffer, 0)), 0);
}

POSIX_TEST(unix, scm_rights_passes_a_working_descriptor) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int pipe_fds[2];
    CHECK_OK(pipe(pipe_fds));
    CHECK_EQ(CHECK_OK(send_fds(sv[0], &pipe_fds[1], 1)), 1);
    CHECK_OK(close(pipe_fds[1]));
    OneByteMessage one(CMSG_SPACE(sizeof(int)));
    msghdr& message = one.message;
    char& byte = one.byte;
    CHECK_EQ(CHECK_OK(recvmsg(sv[1], &message, MSG_CMSG_CLOEXEC)), 1);
    CHECK_EQ(message.msg_flags & (MSG_TRUNC | MSG_CTRUNC), 0);
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    CHECK(header != nullptr);
    CHECK_EQ(header->cmsg_level, SOL_SOCKET);
    CHECK_EQ(header->cmsg_type, SCM_RIGHTS);
    CHECK_EQ(header->cmsg_len, CMSG_LEN(sizeof(int)));
    int received;
    std::memcpy(&received, CMSG_DATA(header), sizeof received);
    CHECK_EQ(CHECK_OK(fcntl(received, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    CHECK_EQ(CHECK_OK(write(received, "p", 1)), 1);
    CHECK_EQ(CHECK_OK(read(pipe_fds[0], &byte, 1)), 1);
    CHECK_EQ(byte, 'p');
}

POSIX_TEST(unix, descriptors_that_do_not_fit_are_closed_with_ctrunc) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    int pipe_fds[2];
    CHECK_OK(pipe(pipe_fds));
    int two[2] = {pipe_fds[0], pipe_fds[0]};
    CHECK_OK(send_fds(sv[0], two, 2));
    CHECK_OK(close(pipe_fds[0]));
    OneByteMessage one(CMSG_LEN(sizeof(int)));  // room for one
    msghdr& message = one.message;
    CHECK_EQ(CHECK_OK(recvmsg(sv[1], &message, 0)), 1);
    CHECK_EQ(message.msg_flags & MSG_CTRUNC, MSG_CTRUNC);
    int received;
    std::memcpy(&received, CMSG_DATA(CMSG_FIRSTHDR(&message)), sizeof received);
    // The one installed is the last reader; closing it leaves none.
    signal(SIGPIPE, SIG_IGN);
    CHECK_EQ(CHECK_OK(write(pipe_fds[1], "x", 1)), 1);
    CHECK_OK(close(received));
    CHECK_ERRNO(write(pipe_fds[1], "x", 1), EPIPE);
}

POSIX_TEST(unix, descriptors_in_flight_are_freed_with_the_socket) {
    signal(SIGPIPE, SIG_IGN);
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int pipe_fds[2];
    CHECK_OK(pipe(pipe_fds));
    CHECK_OK(send_fds(sv[0], &pipe_fds[0], 1));
    CHECK_OK(close(pipe_fds[0]));
    CHECK_EQ(CHECK_OK(write(pipe_fds[1], "x", 1)), 1);  // the read end lives in the message
    CHECK_OK(close(sv[0]));
    CHECK_OK(close(sv[1]));
    CHECK_ERRNO(write(pipe_fds[1], "x", 1), EPIPE);
}

POSIX_TEST(unix, scm_rights_errors) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int bad = 999;
    CHECK_ERRNO(send_fds(sv[0], &bad, 1), EBADF);
    OneByteMessage one(CMSG_SPACE(sizeof(int)));
    msghdr& message = one.message;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = 77;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    CHECK_ERRNO(sendmsg(sv[0], &message, 0), EINVAL);
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_SPACE(sizeof(int)) + 64;
    CHECK_ERRNO(sendmsg(sv[0], &message, 0), EINVAL);
    CHECK_ERRNO(sendmsg(sv[0], bad_address<msghdr>(), 0), EFAULT);
}

POSIX_TEST(unix, read_discards_passed_descriptors) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int pipe_fds[2];
    CHECK_OK(pipe(pipe_fds));
    CHECK_OK(send_fds(sv[0], &pipe_fds[0], 1, "r"));
    CHECK_OK(close(pipe_fds[0]));
    char byte;
    CHECK_EQ(CHECK_OK(read(sv[1], &byte, 1)), 1);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERRNO(write(pipe_fds[1], "x", 1), EPIPE);
}

POSIX_TEST(unix, credentials_with_so_passcred) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    int on = 1;
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    CHECK_OK(send(sv[0], "c", 1, 0));
    OneByteMessage one(CMSG_SPACE(sizeof(ucred)));
    msghdr& message = one.message;
    CHECK_EQ(CHECK_OK(recvmsg(sv[1], &message, 0)), 1);
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    CHECK(header != nullptr);
    CHECK_EQ(header->cmsg_type, SCM_CREDENTIALS);
    ucred credentials;
    std::memcpy(&credentials, CMSG_DATA(header), sizeof credentials);
    CHECK_EQ(credentials.pid, getpid());
    CHECK_EQ(credentials.uid, getuid());
    CHECK_EQ(credentials.gid, getgid());
}

POSIX_TEST(unix, socket_options) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("options", &address, &length));
    int value = -1;
    socklen_t value_length = sizeof value;
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_ACCEPTCONN, &value, &value_length));
    CHECK_EQ(value, 1);
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_TYPE, &value, &value_length));
    CHECK_EQ(value, SOCK_STREAM);
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_DOMAIN, &value, &value_length));
    CHECK_EQ(value, AF_UNIX);
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_PROTOCOL, &value, &value_length));
    CHECK_EQ(value, 0);
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_ERROR, &value, &value_length));
    CHECK_EQ(value, 0);
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_SNDBUF, &value, &value_length));
    CHECK(value > 0);
    CHECK_OK(getsockopt(server, SOL_SOCKET, SO_PASSCRED, &value, &value_length));
    CHECK_EQ(value, 0);
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, &value_length));
    CHECK_EQ(value, SOCK_SEQPACKET);
    ucred credentials{};
    socklen_t credentials_length = sizeof credentials;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length));
    CHECK_EQ(credentials.pid, getpid());
    CHECK_EQ(credentials_length, static_cast<socklen_t>(sizeof credentials));
    CHECK_ERRNO(getsockopt(sv[0], SOL_SOCKET, 12345, &value, &value_length), ENOPROTOOPT);
    socklen_t negative = static_cast<socklen_t>(-1);
    CHECK_ERRNO(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &value, &negative), EINVAL);
    CHECK_ERRNO(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &value, 1), EINVAL);
}

POSIX_TEST(unix, epoll_sees_connections_and_data) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("epoll", &address, &length));
    int ep = CHECK_OK(epoll_create1(0));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = 1;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, server, &event));
    epoll_event ready[2];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, ready, 2, 0)), 0);
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(connect(client, as_sockaddr(address), length));
    CHECK_EQ(CHECK_OK(epoll_wait(ep, ready, 2, 1000)), 1);
    int accepted = CHECK_OK(accept(server, nullptr, nullptr));
    event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    event.data.u64 = 2;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, accepted, &event));
    CHECK_OK(write(client, "d", 1));
    CHECK_EQ(CHECK_OK(epoll_wait(ep, ready, 2, 1000)), 1);
    CHECK_EQ(ready[0].data.u64, 2u);
    CHECK_EQ(ready[0].events, static_cast<uint32_t>(EPOLLIN));
    CHECK_OK(shutdown(client, SHUT_WR));
    CHECK_EQ(CHECK_OK(epoll_wait(ep, ready, 2, 1000)), 1);
    CHECK_EQ(ready[0].events & EPOLLRDHUP, static_cast<uint32_t>(EPOLLRDHUP));
}

namespace {

sockaddr_un path_address(const char* path, socklen_t* length) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strcpy(address.sun_path, path);
    *length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + std::strlen(path) + 1);
    return address;
}

volatile sig_atomic_t sigpipes = 0;
void count_sigpipe(int) {
    sigpipes = sigpipes + 1;
}

}  // namespace

POSIX_TEST(unix, path_names_are_socket_nodes_that_outlive_the_socket) {
    socklen_t length;
    sockaddr_un address = path_address("node.socket", &length);
    int server = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(bind(server, as_sockaddr(address), length));
    struct stat status;
    CHECK_OK(stat("node.socket", &status));
    CHECK(S_ISSOCK(status.st_mode));
    int other = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERRNO(bind(other, as_sockaddr(address), length), EADDRINUSE);
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERRNO(connect(client, as_sockaddr(address), length), ECONNREFUSED);  // bound, not listening
    CHECK_OK(close(server));
    CHECK_OK(stat("node.socket", &status));  // the node stays
    CHECK_ERRNO(connect(client, as_sockaddr(address), length), ECONNREFUSED);
    CHECK_ERRNO(bind(other, as_sockaddr(address), length), EADDRINUSE);
    CHECK_OK(unlink("node.socket"));
    CHECK_ERRNO(connect(client, as_sockaddr(address), length), ENOENT);
    CHECK_OK(bind(other, as_sockaddr(address), length));
    CHECK_OK(listen(other, 1));
    CHECK_OK(connect(client, as_sockaddr(address), length));
}

POSIX_TEST(unix, path_name_errors) {
    int fd = CHECK_OK(open("plain", O_CREAT | O_WRONLY, 0600));
    CHECK_OK(close(fd));
    socklen_t length;
    sockaddr_un plain = path_address("plain", &length);
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERRNO(connect(client, as_sockaddr(plain), length), ECONNREFUSED);  // not a socket
    int server = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_ERRNO(bind(server, as_sockaddr(plain), length), EADDRINUSE);
    sockaddr_un missing = path_address("no/such/dir/sock", &length);
    CHECK_ERRNO(bind(server, as_sockaddr(missing), length), ENOENT);
    CHECK_ERRNO(connect(client, as_sockaddr(missing), length), ENOENT);
    sockaddr_un dgram_path = path_address("dgram.socket", &length);
    int dgram = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_OK(bind(dgram, as_sockaddr(dgram_path), length));
    CHECK_ERRNO(connect(client, as_sockaddr(dgram_path), length), EPROTOTYPE);
    int sender = CHECK_OK(socket(AF_UNIX, SOCK_DGRAM, 0));
    CHECK_EQ(CHECK_OK(sendto(sender, "p", 1, 0, as_sockaddr(dgram_path), length)), 1);
    char byte;
    CHECK_EQ(CHECK_OK(recv(dgram, &byte, 1, 0)), 1);
}

POSIX_TEST(unix, epipe_raises_sigpipe_unless_msg_nosignal) {
    signal(SIGPIPE, count_sigpipe);
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(close(sv[1]));
    CHECK_ERRNO(write(sv[0], "x", 1), EPIPE);
    CHECK_EQ(sigpipes, 1);
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_EQ(sigpipes, 1);
    CHECK_ERRNO(send(sv[0], "x", 1, 0), EPIPE);
    CHECK_EQ(sigpipes, 2);
}

namespace {

// Whether writing to pipe_writer fails with EPIPE within about a second.
// Linux collects socket cycles when a socket is closed while descriptors
// are in flight, but skips that while another process's collection runs:
// so each attempt closes a socket again.
bool reader_goes_away(int pipe_writer) {
    signal(SIGPIPE, SIG_IGN);
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (write(pipe_writer, "x", 1) < 0 && errno == EPIPE) return true;
        int nudge[2];
        if (socketpair(AF_UNIX, SOCK_DGRAM, 0, nudge) == 0) {
            close(nudge[0]);
            close(nudge[1]);
        }
        usleep(10000);
    }
    return false;
}

}  // namespace

POSIX_TEST(unix, a_socket_sent_through_itself_is_collected_after_close) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    int pipe_fds[2];
    CHECK_OK(pipe2(pipe_fds, O_NONBLOCK));
    // sv[1]'s queue holds sv[1] itself and the pipe's read end.
    int both[2] = {sv[1], pipe_fds[0]};
    CHECK_OK(send_fds(sv[0], both, 2));
    CHECK_OK(close(pipe_fds[0]));
    CHECK_OK(close(sv[0]));
    CHECK_EQ(CHECK_OK(write(pipe_fds[1], "x", 1)), 1);  // still held in flight
    CHECK_OK(close(sv[1]));
    CHECK(reader_goes_away(pipe_fds[1]));
}

POSIX_TEST(unix, sockets_sent_through_each_other_are_collected_after_close) {
    int a[2], b[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, a));
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, b));
    int pipe_fds[2];
    CHECK_OK(pipe2(pipe_fds, O_NONBLOCK));
    int first[2] = {b[1], pipe_fds[0]};
    CHECK_OK(send_fds(a[0], first, 2));  // a[1]'s queue holds b[1]
    CHECK_OK(send_fds(b[0], &a[1], 1));  // b[1]'s queue holds a[1]
    CHECK_OK(close(pipe_fds[0]));
    for (int fd : {a[0], b[0], b[1]}) CHECK_OK(close(fd));
    CHECK_EQ(CHECK_OK(write(pipe_fds[1], "x", 1)), 1);  // a[1] is still open
    CHECK_OK(close(a[1]));
    CHECK(reader_goes_away(pipe_fds[1]));
}

POSIX_TEST(unix, a_socket_in_flight_to_an_open_socket_is_kept) {
    int sv[2], carrier[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, carrier));
    CHECK_OK(send_fds(carrier[0], &sv[1], 1));
    CHECK_OK(close(sv[1]));
    OneByteMessage one(CMSG_SPACE(sizeof(int)));
    CHECK_EQ(CHECK_OK(recvmsg(carrier[1], &one.message, 0)), 1);
    int received;
    std::memcpy(&received, CMSG_DATA(CMSG_FIRSTHDR(&one.message)), sizeof received);
    CHECK_EQ(CHECK_OK(write(sv[0], "k", 1)), 1);
    char byte;
    CHECK_EQ(CHECK_OK(read(received, &byte, 1)), 1);
    CHECK_EQ(byte, 'k');
}

POSIX_TEST(unix, empty_datagrams_cannot_queue_without_end) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv));
    int sent = 0;
    while (sent < 100000 && send(sv[0], "", 0, 0) == 0) ++sent;
    CHECK_EQ(errno, EAGAIN);
    CHECK(sent > 10 && sent < 100000);
    char byte;
    CHECK_EQ(CHECK_OK(recv(sv[1], &byte, 1, 0)), 0);
    CHECK_EQ(CHECK_OK(send(sv[0], "", 0, 0)), 0);  // room again
}

POSIX_TEST(unix, a_listener_closed_before_accept_resets_the_client) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("reset-embryo", &address, &length));
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(connect(client, as_sockaddr(address), length));
    CHECK_OK(close(server));
    char byte;
    CHECK_ERRNO(read(client, &byte, 1), ECONNRESET);
    CHECK_EQ(CHECK_OK(read(client, &byte, 1)), 0);
}

POSIX_TEST(unix, receive_and_send_timeouts) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    timeval timeout = {0, 50000};
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout));
    timeval got{};
    socklen_t length = sizeof got;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &length));
    CHECK_EQ(length, static_cast<socklen_t>(sizeof got));
    CHECK(got.tv_sec == 0 && got.tv_usec >= 50000 && got.tv_usec < 60000);  // Linux rounds up to its ticks
    timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    char byte;
    CHECK_ERRNO(read(sv[0], &byte, 1), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &end);
    long long elapsed_ms = (end.tv_sec - start.tv_sec) * 1000LL + (end.tv_nsec - start.tv_nsec) / 1000000;
    CHECK(elapsed_ms >= 45);
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout));
    static char chunk[65536];
    ssize_t written;
    while ((written = send(sv[1], chunk, sizeof chunk, 0)) > 0) {
    }
    CHECK_EQ(errno, EAGAIN);
    timeval bad = {0, 1000000};
    CHECK_ERRNO(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad), EDOM);
    CHECK_ERRNO(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, 4), EINVAL);
    timeval none = {0, 0};
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none));
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &length));
    CHECK(got.tv_sec == 0 && got.tv_usec == 0);
}

namespace {

// Sends one byte with SCM_CREDENTIALS claiming credentials; sendmsg's result.
int send_claimed_credentials(int socket, ucred claimed) {
    OneByteMessage one(CMSG_SPACE(sizeof claimed));
    cmsghdr* header = CMSG_FIRSTHDR(&one.message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_CREDENTIALS;
    header->cmsg_len = CMSG_LEN(sizeof claimed);
    std::memcpy(CMSG_DATA(header), &claimed, sizeof claimed);
    return static_cast<int>(sendmsg(socket, &one.message, 0));
}

}  // namespace

POSIX_TEST(unix, claimed_credentials_must_be_ones_own_unless_privileged) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        // Unprivileged (nobody), whatever the test runs as.
        if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(10);
        ucred own = {getpid(), getuid(), getgid()};
        if (send_claimed_credentials(sv[0], own) != 1) _exit(11);
        ucred other_pid = {1, getuid(), getgid()};
        if (send_claimed_credentials(sv[0], other_pid) != -1 || errno != EPERM) _exit(12);
        ucred other_uid = {getpid(), getuid() + 1, getgid()};
        if (send_claimed_credentials(sv[0], other_uid) != -1 || errno != EPERM) _exit(13);
        _exit(0);
    }
    int status;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    int on = 1;
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
    ucred own = {getpid(), getuid(), getgid()};
    CHECK_EQ(CHECK_OK(send_claimed_credentials(sv[0], own)), 1);
}

POSIX_TEST(unix, stream_recvfrom_reports_a_named_senders_address) {
    sockaddr_un address;
    socklen_t length;
    int server = CHECK_OK(listening("stream-from", &address, &length));
    int client = CHECK_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    CHECK_OK(connect(client, as_sockaddr(address), length));
    int accepted = CHECK_OK(accept(server, nullptr, nullptr));
    CHECK_OK(write(accepted, "a", 1));
    sockaddr_un from{};
    socklen_t from_length = sizeof from;
    char byte;
    CHECK_EQ(CHECK_OK(recvfrom(client, &byte, 1, 0, as_sockaddr(from), &from_length)), 1);
    CHECK_EQ(from_length, length);  // the accepted end speaks with the listener's name
    CHECK_EQ(std::memcmp(&from, &address, length), 0);
    CHECK_OK(write(client, "b", 1));
    from_length = sizeof from;
    CHECK_EQ(CHECK_OK(recvfrom(accepted, &byte, 1, 0, as_sockaddr(from), &from_length)), 1);
    CHECK_EQ(from_length, 0u);  // an unnamed sender
}
