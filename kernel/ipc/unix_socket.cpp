// AF_UNIX sockets: creation, names, connections, shutdown, options and
// readiness. Sending and receiving are in unix_messages.cpp.
#include "fs/vfs/vnode.h"
#include "ipc/unix_socket_internal.h"
#include "lib/allocator.h"
#include "lib/string.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/process.h"

namespace ipc {
namespace {

constexpr int wake_everyone = 1 << 30;
constexpr int max_backlog = 4096;  // SOMAXCONN
constexpr uint32_t mode_socket = 0140000;
constexpr uint64_t fionread = 0x541B;
constexpr int af_unix = 1;

// Every socket with a name. Few sockets are bound, so a list will do.
lib::List<UnixSocket, &UnixSocket::registry_node> bound_sockets;
uint32_t next_autobind_name = 0;

bool same_address(const UnixAddress& a, const UnixAddress& b) {
    return a.length == b.length && lib::compare_bytes(a.path, b.path, a.length) == 0;
}

void release_messages(MessageQueue& queue) {
    while (Message* message = queue.pop_front()) lib::destroy(message);
}

}  // namespace

Message::~Message() {
    for (size_t i = 0; i < file_count; ++i) {
        note_in_flight(*files[i], -1);
        files[i]->release();
    }
    if (files != nullptr) lib::deallocate(files);
    // data lives in the message's own allocation.
}

ReceiveResult::~ReceiveResult() {
    for (size_t i = 0; i < file_count; ++i) {
        if (files[i] != nullptr) files[i]->release();
    }
    if (files != nullptr) lib::deallocate(files);
}

Credentials current_credentials(bool effective) {
    Credentials credentials;
    sched::Thread* thread = sched::current_thread();
    if (thread == nullptr || thread->process == nullptr) return credentials;
    const sched::Process& process = *thread->process;
    credentials.pid = process.pid;
    credentials.uid = effective ? process.credentials.euid : process.credentials.uid;
    credentials.gid = effective ? process.credentials.egid : process.credentials.gid;
    return credentials;
}

lib::Error mismatch_error(const UnixAddress& address) {
    // Linux looks abstract names up by type too, so finds none; a path
    // leads to a socket of the wrong type.
    bool abstract = address.length > 0 && address.path[0] == 0;
    return abstract ? lib::Error::connection_refused : lib::Error::wrong_protocol_type;
}

uint64_t deadline_after(uint64_t timeout_ns) {
    return timeout_ns == 0 ? 0 : sched::monotonic_ns() + timeout_ns;
}

lib::Status wait_on(sched::WaitQueue& queue, uint64_t deadline) {
    if (sched::current_thread_must_exit()) return lib::Error::interrupted;
    if (deadline != 0 && sched::monotonic_ns() >= deadline) return lib::Error::try_again;
    (void)sched::block_on(queue, deadline);
    return lib::ok();
}

lib::ErrorOr<UnixSocket*> as_socket(object::File& file) {
    if (file.kind != object::FileKind::socket) return lib::Error::not_socket;
    return static_cast<UnixSocket*>(&file);
}

UnixSocket* find_bound(const UnixAddress& address) {
    if (address.is_path()) return address.node != nullptr ? static_cast<UnixSocket*>(address.node->socket) : nullptr;
    UnixSocket* found = nullptr;
    bound_sockets.for_each([&](UnixSocket& socket) {
        if (found == nullptr && same_address(socket.name, address)) found = &socket;
    });
    return found;
}

void UnixSocket::set_peer(UnixSocket* new_peer) {
    if (peer != nullptr) lib::List<UnixSocket, &UnixSocket::follower_node>::remove(*this);
    peer = new_peer;
    if (peer != nullptr) peer->followers.push_back(*this);
}

void UnixSocket::queue_grew() {
    (void)sched::wake(readers, wake_everyone);
    readiness.notify(object::poll_in | object::poll_read_normal);
}

void UnixSocket::queue_shrank() {
    (void)sched::wake(writers, wake_everyone);
    followers.for_each([](UnixSocket& sender) { sender.readiness.notify(object::poll_out | object::poll_write_normal); });
}

UnixSocket::~UnixSocket() {
    lib::List<UnixSocket, &UnixSocket::registry_node>::remove(*this);
    lib::List<UnixSocket, &UnixSocket::all_node>::remove(*this);
    if (bound_node != nullptr) {
        if (bound_node->socket == this) bound_node->socket = nullptr;
        bound_node->release();
    }
    // Connections nobody accepted are reset (each still names this listener,
    // which its destructor reads while this one is not yet gone).
    while (UnixSocket* embryo = pending.pop_front()) embryo->release();
    if (listener != nullptr) {
        lib::List<UnixSocket, &UnixSocket::pending_node>::remove(*this);
        --listener->pending_count;
    }
    bool unread = !queue.empty() || listener != nullptr;
    followers.for_each([&](UnixSocket& other) {
        lib::List<UnixSocket, &UnixSocket::follower_node>::remove(other);
        other.peer = nullptr;
        if (other.connection_based()) {
            // The other end reads what is left, then end of file (or
            // ECONNRESET when this end left data unread); writes fail.
            other.receive_shut = other.send_shut = true;
            if (unread) other.pending_error = lib::Error::connection_reset;
        } else {
            other.peer_lost = true;
        }
        (void)sched::wake(other.readers, wake_everyone);
        (void)sched::wake(other.writers, wake_everyone);
        other.readiness.notify(object::poll_in | object::poll_out | object::poll_hangup | object::poll_error |
                               0x2000 /* POLLRDHUP */);
    });
    set_peer(nullptr);
    release_messages(queue);
    // Nobody may stay blocked on a queue that is going away.
    (void)sched::wake(readers, wake_everyone);
    (void)sched::wake(writers, wake_everyone);
    (void)sched::wake(connecters, wake_everyone);
}

// As Linux's unix_poll and unix_dgram_poll.
uint32_t UnixSocket::ready_events() {
    uint32_t events = 0;
    if (pending_error != lib::Error::none) events |= object::poll_error;
    if (receive_shut) events |= 0x2000 | object::poll_in | object::poll_read_normal;  // POLLRDHUP
    if (receive_shut && send_shut) events |= object::poll_hangup;
    if (state == State::listening) {
        if (!pending.empty()) events |= object::poll_in | object::poll_read_normal;
        return events;
    }
    if (!queue.empty()) events |= object::poll_in | object::poll_read_normal;
    if (connection_based() && state == State::unconnected) events |= object::poll_hangup;
    // As Linux, writable while at most a quarter of the buffer is in flight
    // (even after a shutdown: the write then fails at once).
    bool writable = peer == nullptr || peer->queue_cost() * 4 <= receive_limit;
    if (writable) events |= object::poll_out | object::poll_write_normal | 0x200 /* POLLWRBAND */;
    return events;
}

lib::ErrorOr<object::FileStatus> UnixSocket::status() {
    object::FileStatus status;
    status.inode = reinterpret_cast<uint64_t>(this) >> 4;
    status.mode = mode_socket | 0777;
    return status;
}

lib::ErrorOr<uint64_t> UnixSocket::control(uint64_t request, uint64_t argument) {
    if (request != fionread) return File::control(request, argument);
    if (state == State::listening) return lib::Error::invalid_argument;
    int32_t available = 0;
    if (type == SocketType::stream) {
        available = static_cast<int32_t>(queued_bytes);
    } else if (Message* first = queue.front()) {
        available = static_cast<int32_t>(first->length);
    }
    TRY(mm::copy_value_to_user(argument, available));
    return uint64_t(0);
}

lib::ErrorOr<object::File*> create_unix_socket(SocketType type, int status_flags) {
    auto* socket = lib::make<UnixSocket>(type, current_credentials(true));
    if (socket == nullptr) return lib::Error::no_memory;
    socket->kind = object::FileKind::socket;
    socket->status_flags = status_flags | 2;  // O_RDWR
    track_socket(*socket);
    return static_cast<object::File*>(socket);
}

lib::Status create_unix_socket_pair(SocketType type, int status_flags, object::File* pair[2]) {
    object::File* first = TRY(create_unix_socket(type, status_flags));
    auto second = create_unix_socket(type, status_flags);
    if (second.is_error()) {
        first->release();
        return second.error();
    }
    auto* a = static_cast<UnixSocket*>(first);
    auto* b = static_cast<UnixSocket*>(second.value());
    a->set_peer(b);
    b->set_peer(a);
    a->state = b->state = UnixSocket::State::connected;
    a->peer_credentials = b->peer_credentials = current_credentials(true);
    a->has_peer_credentials = b->has_peer_credentials = true;
    pair[0] = a;
    pair[1] = b;
    return lib::ok();
}

lib::Status bind_socket(object::File& file, const UnixAddress& address) {
    UnixSocket* socket = TRY(as_socket(file));
    if (socket->name.length != 0) return lib::Error::invalid_argument;
    UnixAddress name = address;
    if (name.length == 0) {
        // Autobind: an abstract name of five hex digits.
        static const char digits[] = "0123456789abcdef";
        do {
            uint32_t number = next_autobind_name++ & 0xFFFFF;
            name.path[0] = 0;
            for (int i = 0; i < 5; ++i) name.path[1 + i] = digits[(number >> (16 - 4 * i)) & 0xF];
            name.length = 6;
        } while (find_bound(name) != nullptr);
    } else if (name.is_path()) {
        // The caller made a fresh node for it (EADDRINUSE when the path existed).
        if (name.node == nullptr || name.node->socket != nullptr) return lib::Error::address_in_use;
        name.node->reference();
        name.node->socket = socket;
        socket->bound_node = name.node;
        name.node = nullptr;
        socket->name = name;
        return lib::ok();
    } else if (find_bound(name) != nullptr) {
        return lib::Error::address_in_use;
    }
    socket->name = name;
    bound_sockets.push_back(*socket);
    return lib::ok();
}

lib::Status listen_socket(object::File& file, int backlog) {
    UnixSocket* socket = TRY(as_socket(file));
    if (!socket->connection_based()) return lib::Error::operation_not_supported;
    if (socket->state == UnixSocket::State::connected || socket->name.length == 0) {
        return lib::Error::invalid_argument;
    }
    if (static_cast<unsigned>(backlog) > static_cast<unsigned>(max_backlog)) backlog = max_backlog;
    socket->backlog = backlog;
    socket->state = UnixSocket::State::listening;
    socket->own_credentials = current_credentials(true);
    (void)sched::wake(socket->connecters, wake_everyone);
    return lib::ok();
}

lib::ErrorOr<object::File*> accept_socket(object::File& file, UnixAddress* peer_name) {
    UnixSocket* socket = TRY(as_socket(file));
    if (!socket->connection_based()) return lib::Error::operation_not_supported;
    if (socket->state != UnixSocket::State::listening) return lib::Error::invalid_argument;
    uint64_t deadline = deadline_after(socket->receive_timeout_ns);
    while (socket->pending.empty()) {
        if (socket->nonblocking(0)) return lib::Error::try_again;
        TRY(wait_on(socket->readers, deadline));
        if (socket->state != UnixSocket::State::listening) return lib::Error::invalid_argument;
    }
    UnixSocket* accepted = socket->pending.pop_front();
    accepted->listener = nullptr;
    --socket->pending_count;
    accepted->pass_credentials = socket->pass_credentials;
    (void)sched::wake(socket->connecters, wake_everyone);
    if (peer_name != nullptr) *peer_name = accepted->peer != nullptr ? accepted->peer->name : UnixAddress{};
    return static_cast<object::File*>(accepted);
}

namespace {

lib::Status connect_stream(UnixSocket& socket, const UnixAddress& address) {
    if (socket.state == UnixSocket::State::connected) return lib::Error::already_connected;
    if (socket.state == UnixSocket::State::listening) return lib::Error::invalid_argument;
    uint64_t deadline = deadline_after(socket.send_timeout_ns);
    for (;;) {
        UnixSocket* listener = find_bound(address);
        if (listener == nullptr) return lib::Error::connection_refused;
        if (listener->type != socket.type) return mismatch_error(address);
        if (listener->state != UnixSocket::State::listening) return lib::Error::connection_refused;
        // As Linux, a backlog of n lets n + 1 connections wait.
        if (listener->pending_count <= static_cast<size_t>(listener->backlog)) {
            auto* embryo = lib::make<UnixSocket>(socket.type, listener->own_credentials);
            if (embryo == nullptr) return lib::Error::no_memory;
            embryo->kind = object::FileKind::socket;
            embryo->status_flags = 2;
            track_socket(*embryo);
            embryo->state = socket.state = UnixSocket::State::connected;
            embryo->set_peer(&socket);
            socket.set_peer(embryo);
            socket.own_credentials = current_credentials(true);
            embryo->peer_credentials = socket.own_credentials;
            socket.peer_credentials = listener->own_credentials;
            embryo->has_peer_credentials = socket.has_peer_credentials = true;
            embryo->listener = listener;
            listener->pending.push_back(*embryo);
            ++listener->pending_count;
            embryo->accepted_name = listener->name;
            listener->queue_grew();
            return lib::ok();
        }
        if (socket.nonblocking(0)) return lib::Error::try_again;
        TRY(wait_on(listener->connecters, deadline));
    }
}

}  // namespace

lib::Status connect_socket(object::File& file, const UnixAddress& address) {
    UnixSocket* socket = TRY(as_socket(file));
    if (socket->connection_based()) return connect_stream(*socket, address);
    if (address.length == 0) {  // AF_UNSPEC: dissolve the association
        socket->set_peer(nullptr);
        socket->peer_lost = false;
        return lib::ok();
    }
    UnixSocket* target = find_bound(address);
    if (target == nullptr) return lib::Error::connection_refused;
    if (target->type != socket->type) return mismatch_error(address);
    socket->set_peer(target);
    socket->peer_lost = false;
    return lib::ok();
}

lib::Status shutdown_socket(object::File& file, int how) {
    UnixSocket* socket = TRY(as_socket(file));
    if (how < 0 || how > 2) return lib::Error::invalid_argument;
    bool reading = how == 0 || how == 2, writing = how == 1 || how == 2;
    if (reading) socket->receive_shut = true;
    if (writing) socket->send_shut = true;
    UnixSocket* peer = socket->peer;
    if (peer != nullptr && socket->connection_based()) {
        if (writing) peer->receive_shut = true;
        if (reading) peer->send_shut = true;
        (void)sched::wake(peer->readers, wake_everyone);
        (void)sched::wake(peer->writers, wake_everyone);
        peer->readiness.notify(object::poll_in | object::poll_out | object::poll_hangup | 0x2000);
    }
    (void)sched::wake(socket->readers, wake_everyone);
    (void)sched::wake(socket->writers, wake_everyone);
    socket->readiness.notify(object::poll_in | object::poll_out | object::poll_hangup | 0x2000);
    return lib::ok();
}

lib::ErrorOr<UnixAddress> socket_name(object::File& file) {
    UnixSocket* socket = TRY(as_socket(file));
    return socket->name.length != 0 ? socket->name : socket->accepted_name;
}

lib::ErrorOr<UnixAddress> socket_peer_name(object::File& file) {
    UnixSocket* socket = TRY(as_socket(file));
    if (socket->peer == nullptr) return lib::Error::not_connected;
    UnixSocket* peer = socket->peer;
    return peer->name.length != 0 ? peer->name : peer->accepted_name;
}

lib::ErrorOr<int> socket_option(object::File& file, SocketOption option) {
    UnixSocket* socket = TRY(as_socket(file));
    switch (option) {
        case SocketOption::type:
            return static_cast<int>(socket->type);
        case SocketOption::error: {
            lib::Error error = socket->pending_error;
            socket->pending_error = lib::Error::none;
            return static_cast<int>(error);  // the caller maps it to errno
        }
        case SocketOption::send_buffer:
        case SocketOption::receive_buffer:
            return static_cast<int>(receive_limit);
        case SocketOption::pass_credentials:
            return socket->pass_credentials ? 1 : 0;
        case SocketOption::domain:
            return af_unix;
        case SocketOption::protocol:
            return 0;
        case SocketOption::accepting:
            return socket->state == UnixSocket::State::listening ? 1 : 0;
    }
    return lib::Error::invalid_argument;
}

lib::Status set_socket_option(object::File& file, SocketOption option, int value) {
    UnixSocket* socket = TRY(as_socket(file));
    switch (option) {
        case SocketOption::pass_credentials:
            socket->pass_credentials = value != 0;
            return lib::ok();
        case SocketOption::send_buffer:
        case SocketOption::receive_buffer:
            return lib::ok();  // accepted; the buffers keep Linux's default size
        default:
            return lib::Error::not_permitted;
    }
}

lib::ErrorOr<uint64_t> socket_timeout(object::File& file, bool receiving) {
    UnixSocket* socket = TRY(as_socket(file));
    return receiving ? socket->receive_timeout_ns : socket->send_timeout_ns;
}

lib::Status set_socket_timeout(object::File& file, bool receiving, uint64_t timeout_ns) {
    UnixSocket* socket = TRY(as_socket(file));
    (receiving ? socket->receive_timeout_ns : socket->send_timeout_ns) = timeout_ns;
    return lib::ok();
}

lib::ErrorOr<Credentials> socket_peer_credentials(object::File& file) {
    UnixSocket* socket = TRY(as_socket(file));
    if (!socket->has_peer_credentials) {
        if (socket->connection_based()) return lib::Error::not_connected;
        Credentials none;
        none.uid = none.gid = 65534;  // overflowuid: no peer credentials
        return none;
    }
    return socket->peer_credentials;
}

}  // namespace ipc
