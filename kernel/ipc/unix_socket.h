// AF_UNIX sockets: SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET, named by
// abstract names (a registry here) or paths (an S_IFSOCK vnode that the
// syscall layer creates or looks up, pointing at its bound socket), with
// file descriptors (SCM_RIGHTS) and credentials travelling in messages.
//
// Every socket owns a receive queue of messages. A sender appends to its
// peer's queue and blocks (or fails with EAGAIN) while that queue holds
// receive_limit bytes (counting a fixed overhead per message), as Linux's
// default socket buffers make writers block at about 200 KiB. A stream read may take bytes from several messages but
// stops after one that carried descriptors, as Linux does; datagram and
// seqpacket reads take one message (the rest of a long one is dropped,
// MSG_TRUNC). Descriptors in a message are references to the Files: they
// are installed by the receiver, or released with the message when it is
// dropped (a queue freed with its socket). Cycles (a socket sent through
// itself) are not collected.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "object/file.h"

namespace fs {
class Vnode;
}

namespace ipc {

enum class SocketType : uint8_t { stream = 1, datagram = 2, seqpacket = 5 };

constexpr size_t receive_limit = 212992;  // Linux's default socket buffer
constexpr size_t max_files_per_message = 253;  // SCM_MAX_FD
constexpr size_t unix_path_capacity = 108;     // sun_path

// sun_path as given: length bytes; abstract when path[0] is 0.
struct UnixAddress {
    size_t length = 0;  // 0: unnamed
    char path[unix_path_capacity] = {};
    // A path name's vnode, resolved (bind: created) by the caller, which
    // keeps it referenced for the call. Null for abstract names.
    fs::Vnode* node = nullptr;

    bool is_path() const { return length > 0 && path[0] != 0; }
};

struct Credentials {
    int32_t pid = 0;
    uint32_t uid = 0;
    uint32_t gid = 0;
};

// The user's scattered buffers (iovecs), already copied into the kernel;
// or, for a send of kernel bytes (sendfile's page), kernel_bytes with
// total bytes and no segments.
struct UserBuffers {
    struct Segment {
        uint64_t address;
        uint64_t length;
    };
    const Segment* segments = nullptr;
    size_t count = 0;
    size_t total = 0;
    const uint8_t* kernel_bytes = nullptr;

    // Copies length bytes between kernel memory and the buffers at offset.
    lib::Status copy_out(size_t offset, const void* source, size_t length) const;
    lib::Status copy_in(void* destination, size_t offset, size_t length) const;
};

// Message flags, Linux values.
constexpr int message_out_of_band = 0x1, message_peek = 0x2, message_truncate = 0x20, message_dont_wait = 0x40,
              message_end_of_record = 0x80, message_wait_all = 0x100, message_no_signal = 0x4000,
              message_control_truncated = 0x8, message_close_on_exec = 0x40000000;

struct SendRequest {
    const UserBuffers* data = nullptr;
    object::File** files = nullptr;  // references the message takes over on success
    size_t file_count = 0;
    Credentials credentials;           // the sender's, or what SCM_CREDENTIALS said
    const UnixAddress* destination = nullptr;  // sendto on a datagram socket
    int flags = 0;
};

// What a receive hands back besides the bytes: the descriptors of one
// message (references the caller installs, setting each installed entry
// to null; the destructor releases the rest).
struct ReceiveResult {
    ReceiveResult() = default;
    ReceiveResult(const ReceiveResult&) = delete;
    ReceiveResult& operator=(const ReceiveResult&) = delete;
    ~ReceiveResult();

    size_t length = 0;  // bytes copied, or the whole datagram with MSG_TRUNC
    int flags = 0;      // MSG_TRUNC, MSG_CTRUNC
    object::File** files = nullptr;
    size_t file_count = 0;
    bool has_credentials = false;
    Credentials credentials;
    UnixAddress source;  // a datagram's sender
};

// The calling process's pid with its real ids (what a message carries by
// default, as Linux) or effective ones (SO_PEERCRED, as Linux).
Credentials current_credentials(bool effective = false);

lib::ErrorOr<object::File*> create_unix_socket(SocketType type, int status_flags);
// socketpair: two connected sockets.
lib::Status create_unix_socket_pair(SocketType type, int status_flags, object::File* pair[2]);

// Operations on a socket file; each fails with ENOTSOCK on other files.
// bind with a path name takes a reference to address.node (a new S_IFSOCK
// node) and stays its socket until it closes; the node outlives it, as on
// Linux, so connecting there then is ECONNREFUSED until it is unlinked.
lib::Status bind_socket(object::File& socket, const UnixAddress& address);
lib::Status listen_socket(object::File& socket, int backlog);
// accept: the new connection's file (one reference) and its peer's address.
lib::ErrorOr<object::File*> accept_socket(object::File& socket, UnixAddress* peer);
lib::Status connect_socket(object::File& socket, const UnixAddress& address);
lib::Status shutdown_socket(object::File& socket, int how);
lib::ErrorOr<size_t> send_socket(object::File& socket, SendRequest& request);
lib::Status receive_socket(object::File& socket, const UserBuffers& buffers, int flags, ReceiveResult& result);
lib::ErrorOr<UnixAddress> socket_name(object::File& socket);
lib::ErrorOr<UnixAddress> socket_peer_name(object::File& socket);

// Options (SOL_SOCKET): what getsockopt reports as an integer.
enum class SocketOption {
    type,
    error,
    send_buffer,
    receive_buffer,
    pass_credentials,
    domain,
    protocol,
    accepting,
};
lib::ErrorOr<int> socket_option(object::File& socket, SocketOption option);
lib::Status set_socket_option(object::File& socket, SocketOption option, int value);
lib::ErrorOr<Credentials> socket_peer_credentials(object::File& socket);
// SO_RCVTIMEO (receiving) and SO_SNDTIMEO, in ns; 0: wait without end. A
// blocking call that reaches it fails with EAGAIN (or returns what it did).
lib::ErrorOr<uint64_t> socket_timeout(object::File& socket, bool receiving);
lib::Status set_socket_timeout(object::File& socket, bool receiving, uint64_t timeout_ns);

}  // namespace ipc
