#include "object/file.h"

#include "lib/allocator.h"
#include "sched/clock.h"
#include "sched/thread.h"

namespace object {

lib::ErrorOr<size_t> File::read(uint64_t, size_t) {
    return lib::Error::bad_descriptor;
}
lib::ErrorOr<size_t> File::write(uint64_t, size_t) {
    return lib::Error::bad_descriptor;
}
lib::ErrorOr<uint64_t> File::seek(int64_t, int) {
    return lib::Error::illegal_seek;
}
lib::ErrorOr<size_t> File::read_directory(uint64_t, size_t) {
    return lib::Error::not_directory;
}
lib::ErrorOr<uint64_t> File::control(uint64_t, uint64_t) {
    return lib::Error::not_tty;
}

uint32_t File::ready_events() {
    return poll_in | poll_read_normal | poll_out | poll_write_normal;
}

namespace {
// One queue for every poller: changes are rare next to the cost of a
// per-file list of waiters, and a woken poller re-checks its own files.
sched::WaitQueue readiness_waiters;
}  // namespace

void notify_readiness_changed() {
    (void)sched::wake(readiness_waiters, 1 << 30);
}

void wait_for_readiness_change(uint64_t deadline_ns) {
    uint64_t recheck = sched::monotonic_ns() + readiness_recheck_ns;
    if (deadline_ns == 0 || deadline_ns > recheck) deadline_ns = recheck;
    (void)sched::block_on(readiness_waiters, deadline_ns);
}

void File::release() {
    if (__atomic_sub_fetch(&references_, 1, __ATOMIC_ACQ_REL) == 0) lib::destroy(this);
}

}  // namespace object
