// The connection handling shared by the display and input services: a
// listening SOCK_SEQPACKET socket, one non-blocking connection per client,
// an epoll set, per-client send queues, and a lock so that a driver or a
// test can push events from another thread while run() serves clients.
//
// Contract: the core never blocks on a client. A message that cannot be sent
// at once is queued; a client whose queue passes max_queued_bytes, whose
// socket fails, or that sends a record with broken framing is dropped. Other
// clients are not affected.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "wire/message.h"
#include "wire/result.h"

namespace tessera::wire {

using ClientId = std::uint64_t;

// Implemented by a protocol server. Every call is made with the core's lock
// held, so it may call ServerCore::send and ServerCore::drop directly.
class ConnectionHandler {
public:
    virtual ~ConnectionHandler() = default;
    virtual void on_connect(ClientId client) = 0;
    // A message whose framing is valid (size and fd count match the header).
    virtual void on_message(ClientId client, Message message) = 0;
    // A record with broken framing arrived. The handler may queue an ERROR;
    // the core drops the client afterwards.
    virtual void on_malformed(ClientId client, const Error& error) = 0;
    // The client is gone (it closed, or was dropped). Free its resources.
    virtual void on_disconnect(ClientId client) = 0;
};

class ServerCore {
public:
    static constexpr std::size_t max_queued_bytes = 4 << 20;
    static constexpr std::size_t max_clients = 64;

    // Listens at path. handler must outlive the core.
    static Result<std::unique_ptr<ServerCore>> listen(const std::string& path, ConnectionHandler& handler);
    ~ServerCore();  // closes every connection and removes the socket file
    ServerCore(const ServerCore&) = delete;
    ServerCore& operator=(const ServerCore&) = delete;

    const std::string& path() const { return path_; }
    // An epoll fd that is readable when dispatch() has work: for a caller's
    // own poll loop.
    int fd() const { return epoll_.get(); }

    // Waits up to timeout_ms (0: not at all, -1: forever) and handles what is
    // ready: new connections, messages, writable sockets, dropped clients.
    // Takes the lock itself; do not hold it when calling.
    Result<void> dispatch(int timeout_ms);
    // dispatch() until stop(); for a service's main thread or a test thread.
    Result<void> run();
    // Makes run() return. Any thread.
    void stop();

    // The lock guarding every client; held during handler calls. Take it
    // before calling send/drop/clients from outside a handler.
    std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }

    // Lock held. Sends or queues one message to client; unknown clients are
    // ignored.
    void send(ClientId client, Message message);
    // Lock held. Closes the connection once what is queued has had one
    // chance to go out (so an ERROR before a drop normally arrives).
    void drop(ClientId client);
    // Lock held. The connected clients, in order of connection.
    std::vector<ClientId> clients() const;

private:
    struct Connection;

    ServerCore(std::string path, ConnectionHandler& handler);
    void accept_clients();
    void read_client(ClientId id);
    void flush_client(Connection& connection);
    void update_interest(Connection& connection);
    void reap_dropped();

    std::string path_;
    ConnectionHandler& handler_;
    UniqueFd listener_;
    UniqueFd epoll_;
    UniqueFd wake_;  // eventfd: stop() and drops from other threads
    std::mutex mutex_;
    std::map<ClientId, std::unique_ptr<Connection>> connections_;
    ClientId next_id_ = 1;
    std::atomic<bool> stopping_{false};
};

}  // namespace tessera::wire
