// SOCK_SEQPACKET Unix sockets carrying one protocol message per record, with
// fds passed by SCM_RIGHTS (docs/protocols/framing.md says why SEQPACKET).
// Every receive validates the framing before anyone looks at the payload.
#pragma once

#include <string>

#include "wire/message.h"
#include "wire/result.h"

namespace tessera::wire {

// Connects to a service; the socket is blocking and close-on-exec.
Result<UniqueFd> connect_seqpacket(const std::string& path);

// Listens at path (an existing socket file there is replaced); non-blocking,
// close-on-exec.
Result<UniqueFd> listen_seqpacket(const std::string& path);

// Accepts one connection as a non-blocking, close-on-exec socket; would_block
// when none is waiting.
Result<UniqueFd> accept_seqpacket(int listener);

// Sends the whole message with its fds (MSG_NOSIGNAL: a closed peer is an
// error, not SIGPIPE). On a non-blocking socket a full buffer gives
// would_block and nothing is sent. The fds stay owned by message.
Result<void> send_message(int socket, const Message& message);

// Receives one message. Errors: would_block (non-blocking, nothing there),
// disconnected (peer closed), malformed (truncated record, size or fd count
// not matching the header, over max_message_size). Fds that came with a
// malformed record are closed.
Result<Message> receive_message(int socket);

// Waits until socket is readable or timeout_ms passes (-1: forever).
// Returns timed_out on timeout.
Result<void> wait_readable(int socket, int timeout_ms);

}  // namespace tessera::wire
