// futex(2): WAIT, WAKE, their BITSET forms, REQUEUE, CMP_REQUEUE and
// WAKE_OP, with FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME. The PI
// operations are ENOSYS (glibc uses them only for PI mutexes). The waiting
// itself is sched/futex.h; this file decodes arguments in Linux's order of
// checks, so errors match.
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/futex.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace linux {
namespace {

enum : uint64_t {
    futex_wait = 0, futex_wake = 1, futex_requeue = 3, futex_cmp_requeue = 4, futex_wake_op = 5,
    futex_wait_bitset = 9, futex_wake_bitset = 10,
};
constexpr uint64_t futex_private = 128, futex_clock_realtime = 256;
constexpr uint64_t billion = 1000000000;

struct Request {
    uint64_t address;
    uint64_t command;
    bool private_only;
    bool realtime;
    uint32_t value;
    uint64_t timeout;  // a pointer, or val2 for the requeue and wake-op forms
    uint64_t address2;
    uint32_t value3;
};

uint32_t read_word(uint64_t address, lib::Status& status) {
    uint32_t value = 0;
    status = mm::copy_value_from_user(value, address);
    return value;
}

// The monotonic deadline of a wait: 0 for none. WAIT's timeout is
// relative; WAIT_BITSET's absolute, on CLOCK_MONOTONIC or CLOCK_REALTIME.
lib::ErrorOr<uint64_t> deadline_of(const Request& request) {
    if (request.timeout == 0) return uint64_t(0);
    int64_t timeout[2];
    TRY(mm::copy_from_user(timeout, request.timeout, sizeof timeout));
    if (timeout[0] < 0 || timeout[1] < 0 || timeout[1] >= static_cast<int64_t>(billion)) {
        return lib::Error::invalid_argument;
    }
    uint64_t ns = static_cast<uint64_t>(timeout[0]) * billion + static_cast<uint64_t>(timeout[1]);
    uint64_t now = sched::monotonic_ns();
    if (request.command == futex_wait) return now + ns;
    uint64_t clock_now = request.realtime ? sched::realtime_ns() : now;
    // A deadline already past is "now": the wait times out at once.
    return ns > clock_now ? now + (ns - clock_now) : now;
}

Result wait(const Request& request, uint32_t bitset) {
    if (bitset == 0) return lib::Error::invalid_argument;
    uint64_t deadline = TRY(deadline_of(request));
    sched::FutexKey key = TRY(sched::futex_key(request.address, request.private_only));
    lib::Status status;
    uint32_t value = read_word(request.address, status);
    TRY(status);
    if (value != request.value) return lib::Error::try_again;
    if (request.timeout != 0 && deadline <= sched::monotonic_ns()) return lib::Error::timed_out;
    lib::Status waited = sched::futex_wait(key, bitset, deadline);
    // As Linux: an untimed wait restarts under SA_RESTART (ERESTARTSYS); a
    // timed one fails with EINTR once a handler ran (its restart block
    // serves only signals that run no handler).
    if (waited.is_error() && waited.error() == lib::Error::interrupted && request.timeout != 0) {
        current_thread().signals.restart = sched::Restart::if_no_handler;
    }
    TRY(waited);
    return uint64_t(0);
}

Result wake(const Request& request, uint32_t bitset) {
    if (bitset == 0) return lib::Error::invalid_argument;
    sched::FutexKey key = TRY(sched::futex_key(request.address, request.private_only));
    // Linux wakes one waiter even for a count of 0.
    int count = lib::max(static_cast<int32_t>(request.value), 1);
    return static_cast<uint64_t>(sched::futex_wake(key, count, bitset));
}

Result requeue(const Request& request, bool compare) {
    int32_t wake_count = static_cast<int32_t>(request.value);
    int32_t requeue_count = static_cast<int32_t>(request.timeout);
    if (wake_count < 0 || requeue_count < 0) return lib::Error::invalid_argument;
    sched::FutexKey from = TRY(sched::futex_key(request.address, request.private_only));
    sched::FutexKey to = TRY(sched::futex_key(request.address2, request.private_only));
    if (compare) {
        lib::Status status;
        uint32_t value = read_word(request.address, status);
        TRY(status);
        if (value != request.value3) return lib::Error::try_again;
    }
    return static_cast<uint64_t>(sched::futex_requeue(from, to, wake_count, requeue_count));
}

// FUTEX_WAKE_OP: *address2 = op(*address2, oparg), wake on address, and
// on address2 too when cmp(old *address2, cmparg) holds.
Result wake_op(const Request& request) {
    uint32_t encoded = request.value3;
    uint32_t operation = (encoded >> 28) & 7;
    bool shift = (encoded >> 31) & 1;
    uint32_t comparison = (encoded >> 24) & 15;
    int32_t operand = static_cast<int32_t>(encoded << 8) >> 20;
    int32_t compare_operand = static_cast<int32_t>(encoded << 20) >> 20;
    if (shift) operand = static_cast<int32_t>(1u << (operand & 31));
    sched::FutexKey first = TRY(sched::futex_key(request.address, request.private_only));
    sched::FutexKey second = TRY(sched::futex_key(request.address2, request.private_only));
    // Read and write back with nothing in between: one CPU, no kernel preemption.
    lib::Status status;
    uint32_t old = read_word(request.address2, status);
    TRY(status);
    uint32_t fresh;
    switch (operation) {
        case 0: fresh = static_cast<uint32_t>(operand); break;
        case 1: fresh = old + static_cast<uint32_t>(operand); break;
        case 2: fresh = old | static_cast<uint32_t>(operand); break;
        case 3: fresh = old & ~static_cast<uint32_t>(operand); break;
        case 4: fresh = old ^ static_cast<uint32_t>(operand); break;
        default: return lib::Error::not_implemented;
    }
    bool holds;
    int32_t signed_old = static_cast<int32_t>(old);
    switch (comparison) {
        case 0: holds = signed_old == compare_operand; break;
        case 1: holds = signed_old != compare_operand; break;
        case 2: holds = signed_old < compare_operand; break;
        case 3: holds = signed_old <= compare_operand; break;
        case 4: holds = signed_old > compare_operand; break;
        case 5: holds = signed_old >= compare_operand; break;
        default: return lib::Error::not_implemented;
    }
    TRY(mm::copy_value_to_user(request.address2, fresh));
    int woken = sched::futex_wake(first, lib::max(static_cast<int32_t>(request.value), 1), sched::futex_bitset_match_any);
    if (holds) {
        int count = lib::max(static_cast<int32_t>(request.timeout), 1);
        woken += sched::futex_wake(second, count, sched::futex_bitset_match_any);
    }
    return static_cast<uint64_t>(woken);
}

}  // namespace

// futex(uaddr, op, val, timeout or val2, uaddr2, val3)
Result sys_futex(const Arguments& a) {
    Request request{a.a0, a.a1 & ~(futex_private | futex_clock_realtime), (a.a1 & futex_private) != 0,
                    (a.a1 & futex_clock_realtime) != 0, static_cast<uint32_t>(a.a2), a.a3, a.a4,
                    static_cast<uint32_t>(a.a5)};
    if (request.realtime && request.command != futex_wait_bitset) return lib::Error::not_implemented;
    switch (request.command) {
        case futex_wait:
            return wait(request, sched::futex_bitset_match_any);
        case futex_wait_bitset:
            return wait(request, request.value3);
        case futex_wake:
            return wake(request, sched::futex_bitset_match_any);
        case futex_wake_bitset:
            return wake(request, request.value3);
        case futex_requeue:
            return requeue(request, false);
        case futex_cmp_requeue:
            return requeue(request, true);
        case futex_wake_op:
            return wake_op(request);
        default:
            return lib::Error::not_implemented;
    }
}

}  // namespace linux
