#include "wire/server_core.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <deque>

#include "wire/socket.h"

namespace tessera::wire {
namespace {

// epoll data values below first_client_id name the core's own fds.
constexpr std::uint64_t listener_key = 0;
constexpr std::uint64_t wake_key = 1;
constexpr ClientId first_client_id = 16;
// Messages read from one client per wakeup, so a flooding client cannot
// starve the others; level-triggered epoll brings us back for the rest.
constexpr int max_messages_per_wakeup = 64;

}  // namespace

struct ServerCore::Connection {
    ClientId id = 0;
    UniqueFd socket;
    std::deque<Message> queue;
    std::size_t queued_bytes = 0;
    bool watching_writable = false;
    bool dropping = false;
};

ServerCore::ServerCore(std::string path, ConnectionHandler& handler) : path_(std::move(path)), handler_(handler) {}

Result<std::unique_ptr<ServerCore>> ServerCore::listen(const std::string& path, ConnectionHandler& handler) {
    std::unique_ptr<ServerCore> core(new ServerCore(path, handler));
    auto listener = listen_seqpacket(path);
    if (!listener) return listener.error();
    core->listener_ = std::move(*listener);
    core->epoll_ = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (!core->epoll_) return system_error("epoll_create1");
    core->wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!core->wake_) return system_error("eventfd");
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = listener_key;
    if (::epoll_ctl(core->epoll_.get(), EPOLL_CTL_ADD, core->listener_.get(), &event) != 0)
        return system_error("epoll_ctl");
    event.data.u64 = wake_key;
    if (::epoll_ctl(core->epoll_.get(), EPOLL_CTL_ADD, core->wake_.get(), &event) != 0)
        return system_error("epoll_ctl");
    core->next_id_ = first_client_id;
    return core;
}

ServerCore::~ServerCore() {
    // The handler may already be gone (it usually owns the core), so it is
    // not told about these last disconnections.
    connections_.clear();
    if (listener_) ::unlink(path_.c_str());
}

Result<void> ServerCore::dispatch(int timeout_ms) {
    epoll_event events[32];
    int count = ::epoll_wait(epoll_.get(), events, 32, timeout_ms);
    if (count < 0) {
        if (errno == EINTR) return {};
        return system_error("epoll_wait");
    }
    auto guard = lock();
    for (int i = 0; i < count; ++i) {
        std::uint64_t key = events[i].data.u64;
        if (key == listener_key) {
            accept_clients();
        } else if (key == wake_key) {
            std::uint64_t value;
            [[maybe_unused]] auto ignored = ::read(wake_.get(), &value, sizeof(value));
        } else {
            auto found = connections_.find(key);
            if (found == connections_.end()) continue;
            if (events[i].events & EPOLLOUT) flush_client(*found->second);
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_client(key);
        }
    }
    reap_dropped();
    return {};
}

Result<void> ServerCore::run() {
    while (!stopping_) TESSERA_TRY(dispatch(-1));
    return {};
}

void ServerCore::stop() {
    stopping_ = true;
    std::uint64_t one = 1;
    [[maybe_unused]] auto ignored = ::write(wake_.get(), &one, sizeof(one));
}

void ServerCore::accept_clients() {
    for (;;) {
        auto socket = accept_seqpacket(listener_.get());
        if (!socket) return;  // would_block, or a failure that concerns only that connection
        if (connections_.size() >= max_clients) continue;  // closed at once: the client sees end of file
        auto connection = std::make_unique<Connection>();
        connection->id = next_id_++;
        connection->socket = std::move(*socket);
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = connection->id;
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, connection->socket.get(), &event) != 0) continue;
        ClientId id = connection->id;
        connections_.emplace(id, std::move(connection));
        handler_.on_connect(id);
    }
}

void ServerCore::read_client(ClientId id) {
    for (int i = 0; i < max_messages_per_wakeup; ++i) {
        auto found = connections_.find(id);
        if (found == connections_.end() || found->second->dropping) return;
        auto message = receive_message(found->second->socket.get());
        if (!message) {
            switch (message.error().code) {
                case ErrorCode::would_block:
                    return;
                case ErrorCode::malformed:
                    handler_.on_malformed(id, message.error());
                    drop(id);
                    return;
                default:  // disconnected or a socket failure
                    found->second->queue.clear();
                    drop(id);
                    return;
            }
        }
        handler_.on_message(id, std::move(*message));
    }
}

void ServerCore::send(ClientId client, Message message) {
    auto found = connections_.find(client);
    if (found == connections_.end() || found->second->dropping) return;
    Connection& connection = *found->second;
    if (connection.queue.empty()) {
        auto sent = send_message(connection.socket.get(), message);
        if (sent) return;
        if (sent.error().code != ErrorCode::would_block) {
            drop(client);
            return;
        }
    }
    connection.queued_bytes += message.bytes.size();
    connection.queue.push_back(std::move(message));
    if (connection.queued_bytes > max_queued_bytes) {
        // The client stopped reading; keeping its backlog would grow us
        // without bound.
        connection.queue.clear();
        connection.queued_bytes = 0;
        drop(client);
        return;
    }
    update_interest(connection);
}

void ServerCore::flush_client(Connection& connection) {
    while (!connection.queue.empty()) {
        auto sent = send_message(connection.socket.get(), connection.queue.front());
        if (!sent) {
            if (sent.error().code == ErrorCode::would_block) break;
            connection.queue.clear();
            connection.queued_bytes = 0;
            drop(connection.id);
            return;
        }
        connection.queued_bytes -= connection.queue.front().bytes.size();
        connection.queue.pop_front();
    }
    update_interest(connection);
}

void ServerCore::update_interest(Connection& connection) {
    bool want = !connection.queue.empty() && !connection.dropping;
    if (want == connection.watching_writable) return;
    epoll_event event{};
    event.events = want ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
    event.data.u64 = connection.id;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, connection.socket.get(), &event) == 0)
        connection.watching_writable = want;
}

void ServerCore::drop(ClientId client) {
    auto found = connections_.find(client);
    if (found == connections_.end() || found->second->dropping) return;
    found->second->dropping = true;
    // Reaped by the serving thread's next dispatch(); wake it in case the
    // drop came from another thread.
    std::uint64_t one = 1;
    [[maybe_unused]] auto ignored = ::write(wake_.get(), &one, sizeof(one));
}

std::vector<ClientId> ServerCore::clients() const {
    std::vector<ClientId> ids;
    for (const auto& [id, connection] : connections_)
        if (!connection->dropping) ids.push_back(id);
    return ids;
}

void ServerCore::reap_dropped() {
    for (auto it = connections_.begin(); it != connections_.end();) {
        Connection& connection = *it->second;
        if (!connection.dropping) {
            ++it;
            continue;
        }
        // One last chance for what is queued (typically an ERROR).
        while (!connection.queue.empty() && send_message(connection.socket.get(), connection.queue.front()))
            connection.queue.pop_front();
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, connection.socket.get(), nullptr);
        ClientId id = it->first;
        it = connections_.erase(it);
        handler_.on_disconnect(id);
    }
}

}  // namespace tessera::wire
