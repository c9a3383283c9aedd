// futex: WAIT and WAKE (and their BITSET forms, with every bit treated as
// set). Waiters are keyed by address space and user address; on one CPU
// with a non-preemptible kernel, checking the value and blocking cannot be
// separated by a wake.
#include "linux/syscall.h"
#include "mm/layout.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace linux {
namespace {

constexpr uint64_t futex_wait = 0, futex_wake = 1, futex_wait_bitset = 9, futex_wake_bitset = 10;
constexpr uint64_t futex_private = 128, futex_clock_realtime = 256;
constexpr uint64_t billion = 1000000000;

struct Waiter {
    sched::Thread* thread;
    const void* space;
    uint64_t address;
    Waiter* next;
};

// One bucket list is enough until there are many threads.
Waiter* waiters = nullptr;

Result wait(uint64_t address, uint32_t expected, uint64_t timeout_address, bool absolute, bool realtime) {
    if (address % 4 != 0) return lib::Error::invalid_argument;
    if (!mm::is_user_range(address, 4)) return lib::Error::bad_address;
    uint32_t value;
    TRY(mm::copy_value_from_user(value, address));
    if (value != expected) return lib::Error::try_again;
    uint64_t deadline = 0;
    if (timeout_address != 0) {
        int64_t timeout[2];
        TRY(mm::copy_from_user(timeout, timeout_address, sizeof timeout));
        if (timeout[0] < 0 || timeout[1] < 0 || timeout[1] >= static_cast<int64_t>(billion)) {
            return lib::Error::invalid_argument;
        }
        uint64_t ns = static_cast<uint64_t>(timeout[0]) * billion + static_cast<uint64_t>(timeout[1]);
        if (absolute) {
            uint64_t now = realtime ? sched::realtime_ns() : sched::monotonic_ns();
            deadline = sched::monotonic_ns() + (ns > now ? ns - now : 0);
        } else {
            deadline = sched::monotonic_ns() + ns;
        }
        if (deadline == 0) deadline = 1;
    }
    sched::WaitQueue queue;
    Waiter self{&current_thread(), current_process().space, address, waiters};
    waiters = &self;
    bool woken = sched::block_on(queue, deadline);
    // Unlink ourselves (a waker leaves us in the list).
    for (Waiter** link = &waiters; *link != nullptr; link = &(*link)->next) {
        if (*link == &self) {
            *link = self.next;
            break;
        }
    }
    if (!woken) return lib::Error::timed_out;
    return uint64_t(0);
}

Result wake(uint64_t address, uint64_t count) {
    if (address % 4 != 0) return lib::Error::invalid_argument;
    // Like Linux, a wake checks only that the address is a user address.
    if (!mm::is_user_range(address, 4)) return lib::Error::bad_address;
    const void* space = current_process().space;
    uint64_t woken = 0;
    for (Waiter** link = &waiters; *link != nullptr && woken < count;) {
        Waiter* waiter = *link;
        if (waiter->space == space && waiter->address == address) {
            *link = waiter->next;
            sched::WaitQueue single;
            // The waiter is on its own private queue: wake it from there.
            lib::List<sched::Thread, &sched::Thread::run_node>::remove(*waiter->thread);
            single.push_back(*waiter->thread);
            sched::wake(single, 1);
            ++woken;
        } else {
            link = &waiter->next;
        }
    }
    return woken;
}

}  // namespace

Result sys_futex(const Arguments& a) {
    uint64_t operation = a.a1 & ~(futex_private | futex_clock_realtime);
    bool realtime = a.a1 & futex_clock_realtime;
    switch (operation) {
        case futex_wait:
            return wait(a.a0, static_cast<uint32_t>(a.a2), a.a3, false, false);
        case futex_wait_bitset:
            if (static_cast<uint32_t>(a.a5) == 0) return lib::Error::invalid_argument;
            return wait(a.a0, static_cast<uint32_t>(a.a2), a.a3, true, realtime);
        case futex_wake:
            return wake(a.a0, static_cast<uint32_t>(a.a2));
        case futex_wake_bitset:
            if (static_cast<uint32_t>(a.a5) == 0) return lib::Error::invalid_argument;
            return wake(a.a0, static_cast<uint32_t>(a.a2));
        default:
            return lib::Error::not_implemented;
    }
}

}  // namespace linux
