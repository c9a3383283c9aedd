// Clocks and sleeping: clock_gettime, clock_getres, gettimeofday, time,
// nanosleep, clock_nanosleep.
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "sched/signal.h"
#include "sched/clock.h"
#include "sched/thread.h"

namespace linux {
namespace {

constexpr uint64_t clock_realtime = 0, clock_monotonic = 1, clock_process_cputime = 2, clock_thread_cputime = 3,
                   clock_monotonic_raw = 4, clock_realtime_coarse = 5, clock_monotonic_coarse = 6, clock_boottime = 7;
constexpr uint64_t billion = 1000000000;

struct Timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

lib::ErrorOr<uint64_t> read_clock(uint64_t clock) {
    switch (clock) {
        case clock_realtime:
        case clock_realtime_coarse:
            return sched::realtime_ns();
        case clock_monotonic:
        case clock_monotonic_raw:
        case clock_monotonic_coarse:
        case clock_boottime:
        // FIXME: CPU-time clocks count wall time until threads account their run time.
        case clock_process_cputime:
        case clock_thread_cputime:
            return sched::monotonic_ns();
        default:
            return lib::Error::invalid_argument;
    }
}

lib::ErrorOr<uint64_t> read_duration(uint64_t address) {
    Timespec value;
    TRY(mm::copy_value_from_user(value, address));
    if (value.seconds < 0 || value.nanoseconds < 0 || value.nanoseconds >= static_cast<int64_t>(billion)) {
        return lib::Error::invalid_argument;
    }
    uint64_t seconds = static_cast<uint64_t>(value.seconds);
    if (seconds > (~0ull / 2) / billion) return ~0ull / 2;  // forever, near enough
    return seconds * billion + static_cast<uint64_t>(value.nanoseconds);
}

lib::Status write_time(uint64_t address, uint64_t ns) {
    Timespec value{static_cast<int64_t>(ns / billion), static_cast<int64_t>(ns % billion)};
    return mm::copy_value_to_user(address, value);
}

}  // namespace

Result sys_clock_gettime(const Arguments& a) {
    uint64_t now = TRY(read_clock(a.a0));
    TRY(write_time(a.a1, now));
    return uint64_t(0);
}

Result sys_clock_getres(const Arguments& a) {
    TRY(read_clock(a.a0));
    if (a.a1 != 0) TRY(write_time(a.a1, 1));
    return uint64_t(0);
}

Result sys_gettimeofday(const Arguments& a) {
    uint64_t now = sched::realtime_ns();
    if (a.a0 != 0) {
        int64_t value[2] = {static_cast<int64_t>(now / billion), static_cast<int64_t>(now % billion / 1000)};
        TRY(mm::copy_to_user(a.a0, value, sizeof value));
    }
    return uint64_t(0);
}

Result sys_time(const Arguments& a) {
    uint64_t seconds = sched::realtime_ns() / billion;
    if (a.a0 != 0) TRY(mm::copy_value_to_user(a.a0, seconds));
    return seconds;
}

namespace {

// Interrupted, a relative sleep writes the time left to rem (when given).
// A relative sleep may go on through restart_syscall (sched::RestartBlock).
Result sleep_and_report(uint64_t deadline, uint64_t remaining_address, bool relative) {
    lib::Status slept = sched::sleep_until(deadline);
    if (!slept.is_error()) return uint64_t(0);
    if (relative) {
        sched::ThreadSignals& signals = current_thread().signals;
        signals.restart_block = sched::RestartBlock{true, deadline, remaining_address};
        signals.restart = sched::Restart::restart_block;
    }
    if (remaining_address != 0) {
        uint64_t now = sched::monotonic_ns();
        TRY(write_time(remaining_address, deadline > now ? deadline - now : 0));
    }
    return slept.error();
}

}  // namespace

Result sys_nanosleep(const Arguments& a) {
    uint64_t duration = TRY(read_duration(a.a0));
    return sleep_and_report(sched::monotonic_ns() + duration, a.a1, true);
}

// What the kernel runs instead of an interrupted relative sleep once the
// signal ran no handler: the rest of that sleep. Called otherwise, EINTR,
// as Linux's do_no_restart_syscall.
Result sys_restart_syscall(const Arguments&) {
    sched::RestartBlock& block = current_thread().signals.restart_block;
    if (!block.armed) return lib::Error::interrupted;
    block.armed = false;
    return sleep_and_report(block.deadline_ns, block.remaining_address, true);
}

Result sys_clock_nanosleep(const Arguments& a) {
    constexpr uint64_t timer_abstime = 1;
    if (a.a0 == clock_thread_cputime || a.a0 == clock_process_cputime) return lib::Error::invalid_argument;
    TRY(read_clock(a.a0));
    if (a.a1 & ~timer_abstime) return lib::Error::invalid_argument;
    uint64_t value = TRY(read_duration(a.a2));
    uint64_t deadline;
    if (a.a1 & timer_abstime) {
        // An absolute realtime deadline, converted to the monotonic clock.
        uint64_t now = TRY(read_clock(a.a0));
        deadline = sched::monotonic_ns() + (value > now ? value - now : 0);
    } else {
        deadline = sched::monotonic_ns() + value;
    }
    // Absolute sleeps simply start again with the same deadline.
    bool relative = !(a.a1 & timer_abstime);
    return sleep_and_report(deadline, relative ? a.a3 : 0, relative);
}

}  // namespace linux
