// Sockets, AF_UNIX only (ipc/unix_socket.h): socket, socketpair, bind,
// listen, accept, accept4, connect, shutdown, getsockname, getpeername,
// getsockopt, setsockopt. Other families fail with EAFNOSUPPORT so
// programs fall back. Sending and receiving: linux/socket_messages.cpp.
#include "fs/vfs/mount.h"
#include "fs/vfs/path.h"
#include "lib/string.h"
#include "linux/path_arguments.h"
#include "linux/socket_address.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "object/file.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr uint64_t sock_nonblock = 04000, sock_cloexec = 02000000;
constexpr uint64_t sock_stream = 1, sock_dgram = 2, sock_raw = 3, sock_seqpacket = 5;
constexpr int sol_socket = 1;
constexpr int so_type = 3, so_error = 4, so_sndbuf = 7, so_rcvbuf = 8, so_passcred = 16, so_peercred = 17,
              so_rcvtimeo = 20, so_sndtimeo = 21, so_acceptconn = 30, so_sndbufforce = 32, so_rcvbufforce = 33,
              so_protocol = 38, so_domain = 39;
constexpr int so_reuseaddr = 2, so_keepalive = 9, so_linger = 13;

struct SocketKind {
    ipc::SocketType type;
    int flags;  // O_NONBLOCK
    bool close_on_exec;
};

lib::ErrorOr<SocketKind> socket_kind(uint64_t domain, uint64_t type, uint64_t protocol) {
    constexpr uint64_t type_limit = 11;  // SOCK_MAX
    if (domain != af_unix) return lib::Error::family_not_supported;
    if ((type & ~(sock_nonblock | sock_cloexec)) >= type_limit) return lib::Error::invalid_argument;
    if (protocol != 0 && protocol != af_unix) return lib::Error::protocol_not_supported;
    SocketKind kind{ipc::SocketType::stream, static_cast<int>(type & sock_nonblock), (type & sock_cloexec) != 0};
    switch (type & 0xF) {
        case sock_stream:
            break;
        case sock_dgram:
        case sock_raw:  // Linux makes a raw AF_UNIX socket a datagram one
            kind.type = ipc::SocketType::datagram;
            break;
        case sock_seqpacket:
            kind.type = ipc::SocketType::seqpacket;
            break;
        default:
            return lib::Error::socket_type_not_supported;
    }
    return kind;
}

lib::ErrorOr<ipc::SocketOption> option_of(int name) {
    switch (name) {
        case so_type:
            return ipc::SocketOption::type;
        case so_error:
            return ipc::SocketOption::error;
        case so_sndbuf:
        case so_sndbufforce:
            return ipc::SocketOption::send_buffer;
        case so_rcvbuf:
        case so_rcvbufforce:
            return ipc::SocketOption::receive_buffer;
        case so_passcred:
            return ipc::SocketOption::pass_credentials;
        case so_domain:
            return ipc::SocketOption::domain;
        case so_protocol:
            return ipc::SocketOption::protocol;
        case so_acceptconn:
            return ipc::SocketOption::accepting;
        default:
            return lib::Error::no_protocol_option;
    }
}

Result accept(uint64_t fd, uint64_t address, uint64_t length_address, uint64_t flags) {
    if (flags & ~(sock_nonblock | sock_cloexec)) return lib::Error::invalid_argument;
    auto listener = TRY(current_process().files.get(static_cast<int>(fd)));
    ipc::UnixAddress peer;
    object::File* accepted = TRY(ipc::accept_socket(*listener, &peer));
    accepted->status_flags |= static_cast<int>(flags & sock_nonblock);
    if (address != 0) {
        auto written = write_unix_address(peer, address, length_address);
        if (written.is_error()) {
            accepted->release();
            return written.error();
        }
    }
    return install_new_file(accepted, flags & sock_cloexec);
}

fs::Lookup lookup_for(const ipc::UnixAddress& address, fs::VnodeReference& start) {
    start = fs::VnodeReference::share(address.path[0] == '/' ? fs::root_vnode() : current_process().cwd.get());
    return fs::Lookup{fs::root_vnode(), start.get(), true};
}

// bind to a path: a new S_IFSOCK node there (EADDRINUSE when the name exists).
lib::Status create_socket_node(ipc::UnixAddress& address, fs::VnodeReference& holder) {
    fs::VnodeReference start;
    lib::StringView path(address.path, address.length);
    fs::ParentAndName place = TRY(fs::resolve_parent(lookup_for(address, start), path));
    if (place.name.empty() || place.name.equals(".") || place.name.equals("..") || place.trailing_slash) {
        return lib::Error::address_in_use;
    }
    if (place.parent->filesystem.read_only()) return lib::Error::read_only;
    auto created = place.parent->create(place.name, fs::type_socket | apply_umask(0777), 0);
    if (created.is_error()) {
        return created.error() == lib::Error::exists ? lib::Error::address_in_use : created.error();
    }
    holder = fs::VnodeReference::adopt(created.value());
    address.node = holder.get();
    return lib::ok();
}

}  // namespace

lib::Status resolve_socket_path(ipc::UnixAddress& address, fs::VnodeReference& holder) {
    if (!address.is_path()) return lib::ok();
    fs::VnodeReference start;
    holder = TRY(fs::resolve(lookup_for(address, start), lib::StringView(address.path, address.length)));
    address.node = holder.get();
    return lib::ok();
}

lib::ErrorOr<ipc::UnixAddress> read_unix_address(uint64_t address, uint64_t length, bool allow_unspecified) {
    if (length < sockaddr_family_size || length > sockaddr_family_size + ipc::unix_path_capacity) {
        return lib::Error::invalid_argument;
    }
    uint8_t bytes[sockaddr_family_size + ipc::unix_path_capacity];
    TRY(mm::copy_from_user(bytes, address, length));
    uint16_t family = static_cast<uint16_t>(bytes[0] | (bytes[1] << 8));
    ipc::UnixAddress result;
    if (family == af_unspec && allow_unspecified) return result;  // connect's "dissolve"
    if (family != af_unix) return lib::Error::invalid_argument;
    size_t path_length = length - sockaddr_family_size;
    const char* path = reinterpret_cast<const char*>(bytes + sockaddr_family_size);
    if (path_length > 0 && path[0] != 0) {
        // A path name ends at its first NUL.
        size_t end = 0;
        while (end < path_length && path[end] != 0) ++end;
        path_length = end;
    }
    result.length = path_length;
    lib::copy_bytes(result.path, path, path_length);
    return result;
}

lib::ErrorOr<uint32_t> write_unix_address_bounded(const ipc::UnixAddress& address, uint64_t user_address,
                                                  uint32_t capacity) {
    uint8_t bytes[sockaddr_family_size + ipc::unix_path_capacity + 1] = {af_unix, 0};
    lib::copy_bytes(bytes + sockaddr_family_size, address.path, address.length);
    uint32_t full = static_cast<uint32_t>(sockaddr_family_size + address.length);
    // Path names are reported with their terminating NUL, as Linux does.
    if (address.length > 0 && address.path[0] != 0 && address.length < ipc::unix_path_capacity) ++full;
    TRY(mm::copy_to_user(user_address, bytes, capacity < full ? capacity : full));
    return full;
}

lib::Status write_unix_address(const ipc::UnixAddress& address, uint64_t user_address, uint64_t length_address) {
    int32_t capacity;
    TRY(mm::copy_value_from_user(capacity, length_address));
    if (capacity < 0) return lib::Error::invalid_argument;
    uint32_t full = TRY(write_unix_address_bounded(address, user_address, static_cast<uint32_t>(capacity)));
    return mm::copy_value_to_user(length_address, full);
}

Result sys_socket(const Arguments& a) {
    SocketKind kind = TRY(socket_kind(a.a0, a.a1, a.a2));
    object::File* socket = TRY(ipc::create_unix_socket(kind.type, kind.flags));
    return install_new_file(socket, kind.close_on_exec);
}

Result sys_socketpair(const Arguments& a) {
    SocketKind kind = TRY(socket_kind(a.a0, a.a1, a.a2));
    object::File* pair[2];
    TRY(ipc::create_unix_socket_pair(kind.type, kind.flags, pair));
    return install_new_file_pair(pair[0], pair[1], kind.close_on_exec, a.a3);
}

Result sys_bind(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    ipc::UnixAddress address = TRY(read_unix_address(a.a1, a.a2));
    if (address.length == 0 && a.a2 > sockaddr_family_size) return lib::Error::invalid_argument;
    if (socket->kind != object::FileKind::socket) return lib::Error::not_socket;
    fs::VnodeReference node;
    if (address.is_path()) {
        // Linux: a socket already bound fails before the path is touched.
        ipc::UnixAddress current = TRY(ipc::socket_name(*socket));
        if (current.length != 0) return lib::Error::invalid_argument;
        TRY(create_socket_node(address, node));
    }
    TRY(ipc::bind_socket(*socket, address));
    return uint64_t(0);
}

Result sys_listen(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    TRY(ipc::listen_socket(*socket, static_cast<int32_t>(a.a1)));
    return uint64_t(0);
}

Result sys_accept(const Arguments& a) {
    return accept(a.a0, a.a1, a.a2, 0);
}

Result sys_accept4(const Arguments& a) {
    return accept(a.a0, a.a1, a.a2, a.a3);
}

Result sys_connect(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    ipc::UnixAddress address = TRY(read_unix_address(a.a1, a.a2, true));
    fs::VnodeReference node;
    TRY(resolve_socket_path(address, node));
    // Only a datagram socket may dissolve its association (AF_UNSPEC).
    if (address.length == 0 && socket->kind == object::FileKind::socket) {
        int type = TRY(ipc::socket_option(*socket, ipc::SocketOption::type));
        if (type != sock_dgram) return lib::Error::invalid_argument;
    }
    TRY(ipc::connect_socket(*socket, address));
    return uint64_t(0);
}

Result sys_shutdown(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    TRY(ipc::shutdown_socket(*socket, static_cast<int32_t>(a.a1)));
    return uint64_t(0);
}

Result sys_getsockname(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    ipc::UnixAddress name = TRY(ipc::socket_name(*socket));
    TRY(write_unix_address(name, a.a1, a.a2));
    return uint64_t(0);
}

Result sys_getpeername(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    ipc::UnixAddress name = TRY(ipc::socket_peer_name(*socket));
    TRY(write_unix_address(name, a.a1, a.a2));
    return uint64_t(0);
}

Result sys_setsockopt(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    if (socket->kind != object::FileKind::socket) return lib::Error::not_socket;
    int level = static_cast<int32_t>(a.a1), name = static_cast<int32_t>(a.a2);
    if (level != sol_socket) return lib::Error::operation_not_supported;
    // Options that change nothing here: address reuse, keepalive, linger.
    if (name == so_reuseaddr || name == so_keepalive || name == so_linger) return uint64_t(0);
    if (name == so_rcvtimeo || name == so_sndtimeo) {
        // struct timeval; {0, 0} waits without end, a negative time not at all.
        if (static_cast<int32_t>(a.a4) < 16) return lib::Error::invalid_argument;
        int64_t time[2];
        TRY(mm::copy_from_user(time, a.a3, sizeof time));
        if (time[1] < 0 || time[1] >= 1'000'000) return lib::Error::out_of_domain;
        uint64_t timeout_ns = 1;
        constexpr int64_t far = (int64_t(1) << 62) / 1'000'000'000;
        if (time[0] >= 0) {
            timeout_ns = time[0] > far ? 0 : static_cast<uint64_t>(time[0]) * 1'000'000'000 + time[1] * 1000;
        }
        TRY(ipc::set_socket_timeout(*socket, name == so_rcvtimeo, timeout_ns));
        return uint64_t(0);
    }
    if (static_cast<int32_t>(a.a4) < static_cast<int32_t>(sizeof(int32_t))) return lib::Error::invalid_argument;
    int32_t value;
    TRY(mm::copy_value_from_user(value, a.a3));
    ipc::SocketOption option = TRY(option_of(name));
    TRY(ipc::set_socket_option(*socket, option, value));
    return uint64_t(0);
}

Result sys_getsockopt(const Arguments& a) {
    auto socket = TRY(current_process().files.get(static_cast<int>(a.a0)));
    if (socket->kind != object::FileKind::socket) return lib::Error::not_socket;
    int level = static_cast<int32_t>(a.a1), name = static_cast<int32_t>(a.a2);
    int32_t capacity;
    TRY(mm::copy_value_from_user(capacity, a.a4));
    if (capacity < 0) return lib::Error::invalid_argument;
    if (level != sol_socket) return lib::Error::operation_not_supported;
    uint8_t value[16] = {};
    uint32_t length = sizeof(int32_t);
    if (name == so_peercred) {
        ipc::Credentials credentials = TRY(ipc::socket_peer_credentials(*socket));
        int32_t fields[3] = {credentials.pid, static_cast<int32_t>(credentials.uid),
                             static_cast<int32_t>(credentials.gid)};
        lib::copy_bytes(value, fields, sizeof fields);
        length = sizeof fields;
    } else if (name == so_rcvtimeo || name == so_sndtimeo) {
        uint64_t timeout_ns = TRY(ipc::socket_timeout(*socket, name == so_rcvtimeo));
        int64_t time[2] = {static_cast<int64_t>(timeout_ns / 1'000'000'000),
                           static_cast<int64_t>(timeout_ns % 1'000'000'000 / 1000)};
        lib::copy_bytes(value, time, sizeof time);
        length = sizeof time;  // struct timeval
    } else {
        ipc::SocketOption option = TRY(option_of(name));
        int32_t number = TRY(ipc::socket_option(*socket, option));
        if (option == ipc::SocketOption::error && number != 0) number = errno_for(static_cast<lib::Error>(number));
        lib::copy_bytes(value, &number, sizeof number);
    }
    if (static_cast<uint32_t>(capacity) < length) length = static_cast<uint32_t>(capacity);
    TRY(mm::copy_to_user(a.a3, value, length));
    TRY(mm::copy_value_to_user(a.a4, static_cast<int32_t>(length)));
    return uint64_t(0);
}

}  // namespace linux
