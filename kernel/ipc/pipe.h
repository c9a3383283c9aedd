// Pipes: a 64 KiB ring shared by a read end and a write end, each a File.
// Reads block while the ring is empty and a writer exists (then 0: end of
// file); writes block while it is full and a reader exists (then EPIPE,
// until SIGPIPE can be sent). Writes of at most pipe_atomic_bytes are never
// split. O_NONBLOCK (on the open file) turns blocking into EAGAIN. Each
// end's readiness queue hears of the changes that concern it.
#pragma once
#include <stddef.h>

#include "lib/error.h"
#include "object/file.h"

namespace ipc {

constexpr size_t pipe_capacity = 64 * 1024;
constexpr size_t pipe_atomic_bytes = 4096;  // PIPE_BUF

struct PipeEnds {
    object::File* read_end;
    object::File* write_end;
};

// Both ends, one reference each; nothing is left allocated on failure.
lib::ErrorOr<PipeEnds> create_pipe(int status_flags);

}  // namespace ipc
