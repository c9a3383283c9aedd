// Collecting Unix sockets that are only alive because messages in socket
// queues hold them: a socket sent through itself, or two sockets sent
// through each other, then closed. Their references never drop to zero, so
// like Linux's unix_gc this finds them: candidates are sockets whose every
// reference is in flight; a candidate is live when something outside the
// candidates' queues holds it, or a live candidate's queue does; the rest
// are garbage, and emptying their queues breaks the cycles.
#include "ipc/unix_socket_internal.h"
#include "lib/allocator.h"

namespace ipc {
namespace {

lib::List<UnixSocket, &UnixSocket::all_node> all_sockets;
uint32_t total_in_flight = 0;
bool collecting = false;

// Calls visit(socket) for every socket referenced from socket's queue
// (and, for a listener, from its unaccepted connections' queues).
template <typename Visit>
void for_each_queued_socket(UnixSocket& socket, Visit&& visit) {
    auto scan = [&](UnixSocket& owner) {
        owner.queue.for_each([&](Message& message) {
            for (size_t i = 0; i < message.file_count; ++i) {
                if (message.files[i]->kind == object::FileKind::socket) visit(static_cast<UnixSocket&>(*message.files[i]));
            }
        });
    };
    scan(socket);
    socket.pending.for_each([&](UnixSocket& embryo) { scan(embryo); });
}

}  // namespace

void track_socket(UnixSocket& socket) {
    all_sockets.push_back(socket);
}

void note_in_flight(object::File& file, int change) {
    if (file.kind != object::FileKind::socket) return;
    auto& socket = static_cast<UnixSocket&>(file);
    socket.in_flight += change;
    total_in_flight += change;
}

void UnixSocket::references_dropped(uint32_t remaining) {
    if (remaining == in_flight && total_in_flight > 0) collect_garbage();
}

void collect_garbage() {
    if (collecting) return;  // the purge below releases sockets, which calls back
    collecting = true;
    all_sockets.for_each([](UnixSocket& socket) {
        socket.gc_candidate = socket.in_flight > 0 && socket.reference_count() == socket.in_flight;
        socket.gc_outside = socket.reference_count();
        socket.gc_live = false;
    });
    // References from candidates' queues are not from outside.
    all_sockets.for_each([](UnixSocket& socket) {
        if (!socket.gc_candidate) return;
        for_each_queued_socket(socket, [](UnixSocket& held) {
            if (held.gc_candidate) --held.gc_outside;
        });
    });
    // Whatever a live candidate's queue holds is live too, until nothing changes.
    bool changed = true;
    while (changed) {
        changed = false;
        all_sockets.for_each([&](UnixSocket& socket) {
            if (!socket.gc_candidate || socket.gc_live || socket.gc_outside == 0) return;
            socket.gc_live = true;
            changed = true;
            for_each_queued_socket(socket, [&](UnixSocket& held) {
                if (held.gc_candidate && !held.gc_live) held.gc_outside = held.gc_outside == 0 ? 1 : held.gc_outside;
            });
        });
    }
    // The garbage: held for the purge, so none is destroyed while in use.
    MessageQueue doomed;
    lib::List<UnixSocket, &UnixSocket::all_node> garbage;
    all_sockets.for_each([&](UnixSocket& socket) {
        if (!socket.gc_candidate || socket.gc_live) return;
        socket.reference();
        auto take = [&](UnixSocket& owner) {
            while (Message* message = owner.queue.pop_front()) doomed.push_back(*message);
            owner.queued_bytes = 0;
            owner.queued_messages = 0;
        };
        take(socket);
        socket.pending.for_each(take);
        lib::List<UnixSocket, &UnixSocket::all_node>::remove(socket);
        garbage.push_back(socket);
    });
    while (Message* message = doomed.pop_front()) lib::destroy(message);
    while (UnixSocket* socket = garbage.pop_front()) {
        all_sockets.push_back(*socket);  // its destructor takes it off again
        socket->release();
    }
    collecting = false;
}

}  // namespace ipc
