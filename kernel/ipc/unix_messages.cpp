// AF_UNIX sockets: sending into the peer's receive queue and receiving from
// one's own (see unix_socket.h for the rules).
#include "ipc/unix_socket_internal.h"
#include "lib/allocator.h"
#include "lib/string.h"
#include "mm/user_copy.h"
#include "sched/signal.h"

namespace ipc {
namespace {

// Stream writes are queued in pieces of at most this much, so a large
// write neither needs one huge allocation nor waits for the whole buffer.
constexpr size_t stream_piece = 64 * 1024;

lib::ErrorOr<Message*> make_message(const UserBuffers& data, size_t offset, size_t length, SendRequest& request,
                                    bool with_files, const UnixAddress& source) {
    // One allocation: the message with its bytes right behind it.
    void* memory = lib::allocate(sizeof(Message) + length);
    if (memory == nullptr) return lib::Error::no_memory;
    Message* message = new (memory) Message();
    message->data = reinterpret_cast<uint8_t*>(message + 1);
    if (length > 0) {
        auto copied = data.copy_in(message->data, offset, length);
        if (copied.is_error()) {
            lib::destroy(message);
            return copied.error();
        }
    }
    message->length = length;
    message->credentials = request.credentials;
    message->source = source;
    if (with_files && request.file_count > 0) {
        message->files = static_cast<object::File**>(lib::allocate(sizeof(object::File*) * request.file_count));
        if (message->files == nullptr) {
            lib::destroy(message);
            return lib::Error::no_memory;
        }
        // The message owns the references from here on.
        for (size_t i = 0; i < request.file_count; ++i) {
            message->files[i] = request.files[i];
            note_in_flight(*message->files[i], +1);
        }
        message->file_count = request.file_count;
        request.file_count = 0;
    }
    return message;
}

void enqueue(UnixSocket& receiver, Message* message) {
    receiver.queue.push_back(*message);
    receiver.queued_bytes += message->length;
    ++receiver.queued_messages;
    receiver.queue_grew();
}

// The connected peer to send to, or why there is none.
lib::ErrorOr<UnixSocket*> connected_peer(UnixSocket& socket) {
    if (socket.send_shut) return lib::Error::broken_pipe;
    if (socket.state != UnixSocket::State::connected) return lib::Error::not_connected;
    if (socket.peer == nullptr) return lib::Error::broken_pipe;
    return socket.peer;
}

lib::ErrorOr<size_t> send_stream(UnixSocket& socket, SendRequest& request) {
    if (request.destination != nullptr) {
        return socket.state == UnixSocket::State::connected ? lib::Error::already_connected
                                                           : lib::Error::operation_not_supported;
    }
    const UserBuffers& data = *request.data;
    // As Linux, an empty write sends nothing (descriptors with it included).
    if (data.total == 0) {
        TRY(connected_peer(socket));
        return size_t(0);
    }
    size_t sent = 0;
    uint64_t deadline = deadline_after(socket.send_timeout_ns);
    do {
        UnixSocket* peer = TRY(connected_peer(socket));
        if (peer->receive_shut) return lib::Error::broken_pipe;
        size_t room = peer->room();
        if (room == 0) {
            if (socket.nonblocking(request.flags)) {
                if (sent > 0) return sent;
                return lib::Error::try_again;
            }
            auto waited = wait_on(peer->writers, deadline);
            if (waited.is_error()) {
                if (sent > 0) return sent;
                return waited.error();
            }
            continue;
        }
        size_t piece = lib::min(lib::min(data.total - sent, room), stream_piece);
        // The sender's name goes along, as Linux reports it to recvmsg;
        // an accepted socket's is its listener's.
        const UnixAddress& name = socket.name.length != 0 ? socket.name : socket.accepted_name;
        auto message = make_message(data, sent, piece, request, sent == 0, name);
        if (message.is_error()) {
            if (sent > 0) return sent;
            return message.error();
        }
        enqueue(*peer, message.value());
        sent += piece;
    } while (sent < data.total);
    return sent;
}

lib::ErrorOr<size_t> send_record(UnixSocket& socket, SendRequest& request) {
    const UserBuffers& data = *request.data;
    if (data.total > receive_limit - 32) return lib::Error::message_too_big;
    uint64_t deadline = deadline_after(socket.send_timeout_ns);
    for (;;) {
        UnixSocket* target;
        if (socket.type == SocketType::seqpacket) {
            if (request.destination != nullptr && socket.state != UnixSocket::State::connected) {
                return lib::Error::operation_not_supported;
            }
            target = TRY(connected_peer(socket));
        } else if (request.destination != nullptr) {
            target = find_bound(*request.destination);
            if (target == nullptr) return lib::Error::connection_refused;
            if (target->type != socket.type) return mismatch_error(*request.destination);
        } else {
            if (socket.peer_lost) {
                socket.peer_lost = false;
                return lib::Error::connection_refused;
            }
            if (socket.peer == nullptr) return lib::Error::not_connected;
            target = socket.peer;
        }
        if (socket.type == SocketType::datagram && target->peer != nullptr && target->peer != &socket) {
            return lib::Error::not_permitted;  // it only hears its own peer
        }
        if (target->receive_shut) return lib::Error::broken_pipe;
        if (target->room() >= data.total + message_overhead || target->queue.empty()) {
            Message* message = TRY(make_message(data, 0, data.total, request, true, socket.name));
            enqueue(*target, message);
            return data.total;
        }
        if (socket.nonblocking(request.flags)) return lib::Error::try_again;
        TRY(wait_on(target->writers, deadline));
    }
}

// Takes message's descriptors into result (new references when peeking).
// A read takes the descriptors of one message at most.
void take_files(Message& message, ReceiveResult& result, bool peek) {
    if (message.file_count == 0 || result.file_count != 0) return;
    if (!peek) {
        for (size_t i = 0; i < message.file_count; ++i) note_in_flight(*message.files[i], -1);
        result.files = message.files;
        result.file_count = message.file_count;
        message.files = nullptr;
        message.file_count = 0;
        return;
    }
    auto** copies = static_cast<object::File**>(lib::allocate(sizeof(object::File*) * message.file_count));
    if (copies == nullptr) {
        result.flags |= message_control_truncated;  // peeked without them
        return;
    }
    for (size_t i = 0; i < message.file_count; ++i) {
        copies[i] = message.files[i];
        copies[i]->reference();
    }
    result.files = copies;
    result.file_count = message.file_count;
}

void take_credentials(UnixSocket& socket, Message& message, ReceiveResult& result) {
    if (!socket.pass_credentials || result.has_credentials) return;
    result.has_credentials = true;
    result.credentials = message.credentials;
}

// Waits for something to read; false with result.length 0 at end of file.
lib::ErrorOr<bool> wait_for_message(UnixSocket& socket, int flags) {
    uint64_t deadline = deadline_after(socket.receive_timeout_ns);
    while (socket.queue.empty()) {
        if (socket.pending_error != lib::Error::none) {
            lib::Error error = socket.pending_error;
            socket.pending_error = lib::Error::none;
            return error;
        }
        if (socket.receive_shut) return false;
        if (socket.connection_based() && socket.state == UnixSocket::State::connected && socket.peer == nullptr) {
            return false;
        }
        if (socket.nonblocking(flags)) return lib::Error::try_again;
        TRY(wait_on(socket.readers, deadline));
    }
    return true;
}

lib::Status receive_stream(UnixSocket& socket, const UserBuffers& buffers, int flags, ReceiveResult& result) {
    if (socket.state != UnixSocket::State::connected) return lib::Error::invalid_argument;
    bool peek = (flags & message_peek) != 0;
    bool wait_all = (flags & message_wait_all) != 0 && !peek;
    size_t copied = 0;
    for (;;) {
        if (copied > 0 && (!wait_all || copied == buffers.total)) break;
        auto available = wait_for_message(socket, copied > 0 && !wait_all ? flags | message_dont_wait : flags);
        if (available.is_error()) {
            if (copied > 0) break;
            return available.error();
        }
        if (!available.value() || buffers.total == 0) break;  // end of file
        bool stop = false;
        Message* message = socket.queue.front();
        while (message != nullptr && copied < buffers.total) {
            Message* next = message->node.next == &socket.queue.end_node() ? nullptr
                                                                           : MessageQueue::owner(message->node.next);
            size_t count = lib::min(message->remaining(), buffers.total - copied);
            // MSG_TRUNC on a stream discards the bytes instead of copying them.
            if (!(flags & message_truncate)) {
                auto status = buffers.copy_out(copied, message->data + message->offset, count);
                if (status.is_error()) {
                    if (copied == 0) return status.error();
                    stop = true;
                    break;
                }
            }
            if (copied == 0) result.source = message->source;
            copied += count;
            take_credentials(socket, *message, result);
            bool had_files = message->file_count > 0;
            if (had_files) take_files(*message, result, peek);
            if (!peek) {
                message->offset += count;
                socket.queued_bytes -= count;
                if (message->remaining() == 0) {
                    MessageQueue::remove(*message);
                    --socket.queued_messages;
                    lib::destroy(message);
                }
            }
            // Descriptors end a read, so they arrive with the bytes sent with them.
            if (had_files) {
                stop = true;
                break;
            }
            message = next;
        }
        if (!peek) socket.queue_shrank();
        if (stop || peek) break;
    }
    result.length = copied;
    return lib::ok();
}

lib::Status receive_record(UnixSocket& socket, const UserBuffers& buffers, int flags, ReceiveResult& result) {
    if (socket.type == SocketType::seqpacket && socket.state != UnixSocket::State::connected) {
        return lib::Error::not_connected;
    }
    bool available = TRY(wait_for_message(socket, flags));
    if (!available) return lib::ok();
    Message* message = socket.queue.front();
    bool peek = (flags & message_peek) != 0;
    size_t count = lib::min(message->length, buffers.total);
    TRY(buffers.copy_out(0, message->data, count));
    result.length = count;
    if (count < message->length) {
        result.flags |= message_truncate;
        if (flags & message_truncate) result.length = message->length;
    }
    take_credentials(socket, *message, result);
    take_files(*message, result, peek);
    result.source = message->source;
    if (!peek) {
        MessageQueue::remove(*message);
        socket.queued_bytes -= message->length;
        --socket.queued_messages;
        lib::destroy(message);
        socket.queue_shrank();
    }
    return lib::ok();
}

}  // namespace

lib::Status UserBuffers::copy_out(size_t offset, const void* source, size_t length) const {
    auto* bytes = static_cast<const uint8_t*>(source);
    for (size_t i = 0; i < count && length > 0; ++i) {
        if (offset >= segments[i].length) {
            offset -= segments[i].length;
            continue;
        }
        size_t piece = lib::min(segments[i].length - offset, length);
        TRY(mm::copy_to_user(segments[i].address + offset, bytes, piece));
        bytes += piece;
        length -= piece;
        offset = 0;
    }
    return lib::ok();
}

lib::Status UserBuffers::copy_in(void* destination, size_t offset, size_t length) const {
    if (kernel_bytes != nullptr) {
        lib::copy_bytes(destination, kernel_bytes + offset, length);
        return lib::ok();
    }
    auto* bytes = static_cast<uint8_t*>(destination);
    for (size_t i = 0; i < count && length > 0; ++i) {
        if (offset >= segments[i].length) {
            offset -= segments[i].length;
            continue;
        }
        size_t piece = lib::min(segments[i].length - offset, length);
        TRY(mm::copy_from_user(bytes, segments[i].address + offset, piece));
        bytes += piece;
        length -= piece;
        offset = 0;
    }
    return lib::ok();
}

lib::ErrorOr<size_t> send_socket(object::File& file, SendRequest& request) {
    UnixSocket* socket = TRY(as_socket(file));
    if (request.flags & message_out_of_band) return lib::Error::operation_not_supported;
    auto sent = socket->type == SocketType::stream ? send_stream(*socket, request) : send_record(*socket, request);
    // EPIPE on a connection comes with SIGPIPE unless MSG_NOSIGNAL.
    if (sent.is_error() && sent.error() == lib::Error::broken_pipe && socket->connection_based() &&
        !(request.flags & message_no_signal)) {
        sched::send_signal_to_current_thread(sched::sigpipe);
    }
    return sent;
}

lib::Status receive_socket(object::File& file, const UserBuffers& buffers, int flags, ReceiveResult& result) {
    UnixSocket* socket = TRY(as_socket(file));
    if (flags & message_out_of_band) return lib::Error::operation_not_supported;
    if (socket->state == UnixSocket::State::listening) return lib::Error::invalid_argument;
    if (socket->type == SocketType::stream) return receive_stream(*socket, buffers, flags, result);
    return receive_record(*socket, buffers, flags, result);
}

lib::ErrorOr<size_t> UnixSocket::write(uint64_t user_address, size_t length) {
    return write_from(mm::ByteSource::user(user_address, length));
}

lib::ErrorOr<size_t> UnixSocket::write_from(const mm::ByteSource& source) {
    UserBuffers::Segment segment{source.user_address(), source.length()};
    UserBuffers data{&segment, 1, source.length()};
    if (!source.in_user_memory()) data = UserBuffers{nullptr, 0, source.length(), source.kernel_bytes()};
    SendRequest request;
    request.data = &data;
    request.credentials = current_credentials();
    return send_socket(*this, request);
}

lib::ErrorOr<size_t> UnixSocket::read(uint64_t user_address, size_t length) {
    UserBuffers::Segment segment{user_address, length};
    UserBuffers buffers{&segment, 1, length};
    // read(2) has nowhere to put descriptors: the result's destructor
    // closes them, as Linux does.
    ReceiveResult result;
    TRY(receive_socket(*this, buffers, 0, result));
    return result.length;
}

}  // namespace ipc
