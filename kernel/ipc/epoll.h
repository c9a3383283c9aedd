// epoll: an interest list of (descriptor, file) items, each a waiter on its
// file's readiness queue. A notification marks the item pending and tells
// the epoll's own readiness queue, which wakes epoll_wait callers and
// whoever polls the epoll itself (so epolls nest). Waiting scans the items:
// level-triggered items report while their file is ready; edge-triggered
// ones only after a notification (or a passed readiness deadline) since
// they were last reported; one-shot items are disabled after one report
// until EPOLL_CTL_MOD. An item goes when its file's last reference does.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "object/file.h"

namespace ipc {

// epoll_event.events bits beyond the poll ones, Linux values.
constexpr uint32_t epoll_read_hangup = 0x2000, epoll_exclusive = 1u << 28, epoll_wakeup = 1u << 29,
                   epoll_one_shot = 1u << 30, epoll_edge_triggered = 1u << 31;

enum class EpollOperation { add = 1, remove = 2, modify = 3 };

struct EpollEvent {
    uint32_t events;
    uint64_t data;
};

lib::ErrorOr<object::File*> create_epoll(int status_flags);

// epoll_ctl: epoll must be an epoll file (else EINVAL); file is what fd
// names now. Errors as Linux: EEXIST, ENOENT, EINVAL (itself, bad flags),
// EPERM (a file that is always ready: regular files, directories), ELOOP.
lib::Status control_epoll(object::File& epoll, EpollOperation operation, int fd, object::File& file,
                          const EpollEvent& event);

// epoll_wait: up to capacity ready items into events; waits until one is
// ready or deadline_ns (monotonic; 0: forever; a passed one: just look).
lib::ErrorOr<size_t> wait_epoll(object::File& epoll, EpollEvent* events, size_t capacity, uint64_t deadline_ns);

}  // namespace ipc
