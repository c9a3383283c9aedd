// Host stand-ins for what the VFS's portable parts call in the rest of the
// kernel: the realtime clock, and opening files.
#include "fs/vfs/vnode.h"
#include "sched/clock.h"

namespace sched {

uint64_t realtime_ns() {
    static uint64_t now = 1'700'000'000'000'000'000ull;
    return now += 1000;  // always moving forward, like a clock
}

}  // namespace sched

namespace fs {

// Files are the kernel's (object/); tests use the vnodes directly.
lib::ErrorOr<object::File*> Vnode::open(int) {
    return lib::Error::not_supported;
}

}  // namespace fs
