// The socket object shared by ipc/unix_socket.cpp (names, connections,
// options) and ipc/unix_messages.cpp (sending and receiving). Not for use
// outside kernel/ipc: the rest of the kernel goes through unix_socket.h.
#pragma once
#include "ipc/unix_socket.h"
#include "lib/list.h"
#include "sched/thread.h"

namespace ipc {

struct Message {
    ~Message();

    lib::ListNode node;
    uint8_t* data = nullptr;
    size_t length = 0;
    size_t offset = 0;  // stream: bytes already read
    object::File** files = nullptr;
    size_t file_count = 0;
    Credentials credentials;
    UnixAddress source;

    size_t remaining() const { return length - offset; }
};

using MessageQueue = lib::List<Message, &Message::node>;

constexpr size_t message_overhead = 512;

class UnixSocket final : public object::File {
public:
    enum class State : uint8_t { unconnected, listening, connected };

    UnixSocket(SocketType type, const Credentials& creator) : type(type), own_credentials(creator) {}
    ~UnixSocket() override;
    void references_dropped(uint32_t remaining) override;

    uint32_t ready_events() override;
    lib::ErrorOr<object::FileStatus> status() override;
    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> write_from(const mm::ByteSource& source) override;
    lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument) override;

    bool connection_based() const { return type != SocketType::datagram; }
    bool nonblocking(int flags) const {
        return (flags & message_dont_wait) != 0 || (status_flags & object::open_nonblocking) != 0;
    }
    // What the queue costs against receive_limit: its bytes and, as Linux
    // charges each buffer's overhead, a fixed amount per message (so empty
    // datagrams or one-byte writes cannot queue without end).
    size_t queue_cost() const { return queued_bytes + queued_messages * message_overhead; }
    // Room left in this socket's receive queue.
    size_t room() const { return queue_cost() >= receive_limit ? 0 : receive_limit - queue_cost(); }
    // Makes peer this socket's peer (or none), keeping followers lists right.
    void set_peer(UnixSocket* new_peer);
    // After this socket's queue grew or shrank: wake whoever waits.
    void queue_grew();
    void queue_shrank();

    SocketType type;
    State state = State::unconnected;
    UnixSocket* peer = nullptr;  // not a reference: cleared by the peer's destructor
    lib::ListNode follower_node;
    lib::List<UnixSocket, &UnixSocket::follower_node> followers;  // sockets whose peer this is

    MessageQueue queue;
    size_t queued_bytes = 0;
    size_t queued_messages = 0;
    bool receive_shut = false;  // SHUT_RD here, or SHUT_WR by the peer
    bool send_shut = false;
    bool peer_lost = false;  // a datagram peer went away: the next send is ECONNREFUSED
    lib::Error pending_error = lib::Error::none;  // SO_ERROR
    bool pass_credentials = false;
    uint64_t receive_timeout_ns = 0;  // SO_RCVTIMEO (0: none)
    uint64_t send_timeout_ns = 0;     // SO_SNDTIMEO
    Credentials own_credentials;   // at creation, connect and listen (SO_PEERCRED of the other side)
    Credentials peer_credentials;  // SO_PEERCRED
    bool has_peer_credentials = false;

    UnixAddress name;
    lib::ListNode registry_node;  // in the bound names while named
    UnixAddress accepted_name;    // an accepted socket: its listener's name
    fs::Vnode* bound_node = nullptr;  // a path name's node (one reference)

    // Listening sockets: connections not accepted yet, each one reference.
    int backlog = 0;
    size_t pending_count = 0;
    lib::ListNode pending_node;
    lib::List<UnixSocket, &UnixSocket::pending_node> pending;
    UnixSocket* listener = nullptr;  // while pending

    // Descriptor passing: references to this socket held by queued
    // messages, and the garbage collector's marks (unix_garbage.cpp).
    uint32_t in_flight = 0;
    lib::ListNode all_node;  // in every socket's list
    uint32_t gc_outside = 0;
    bool gc_candidate = false;
    bool gc_live = false;

    sched::WaitQueue readers;      // wait for messages (or connections to accept)
    sched::WaitQueue writers;      // wait for room in this socket's queue
    sched::WaitQueue connecters;   // wait for room in this listener's backlog
};

// When a wait under a socket timeout gives up: 0 for none.
uint64_t deadline_after(uint64_t timeout_ns);
// One blocking step: interrupted (a signal, or the thread must exit),
// try_again once deadline (0: none) has passed, else sleeps on queue until
// woken or the deadline; the caller looks again and calls again.
lib::Status wait_on(sched::WaitQueue& queue, uint64_t deadline);

// A queued message took (+1) or gave up (-1) a reference to file.
void note_in_flight(object::File& file, int change);
// Frees cycles of sockets reachable only through each other's queues.
void collect_garbage();
void track_socket(UnixSocket& socket);

// The socket behind file, or not_socket.
lib::ErrorOr<UnixSocket*> as_socket(object::File& file);
// What connecting to a socket of another type fails with.
lib::Error mismatch_error(const UnixAddress& address);
// The socket bound to address (path names compared as strings).
UnixSocket* find_bound(const UnixAddress& address);

}  // namespace ipc
