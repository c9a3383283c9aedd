// Event objects: eventfd, eventfd2, timerfd_create, timerfd_settime,
// timerfd_gettime (ipc/events.h), signalfd, signalfd4 (ipc/signal_file.h).
#include "ipc/events.h"
#include "ipc/signal_file.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "object/file.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr uint64_t flag_semaphore = 1, flag_nonblock = 04000, flag_cloexec = 02000000;  // EFD_*, TFD_*
constexpr uint64_t timer_absolute = 1, timer_cancel_on_set = 2;                          // TFD_TIMER_*
constexpr uint64_t clock_realtime = 0, clock_monotonic = 1, clock_boottime = 7;
constexpr int64_t billion = 1'000'000'000;

struct Timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

struct TimerSpec {
    Timespec interval;
    Timespec value;
};

lib::ErrorOr<uint64_t> nanoseconds_of(const Timespec& time) {
    if (time.seconds < 0 || time.nanoseconds < 0 || time.nanoseconds >= billion) return lib::Error::invalid_argument;
    if (static_cast<uint64_t>(time.seconds) > (~0ull / 4) / billion) return lib::Error::invalid_argument;
    return static_cast<uint64_t>(time.seconds) * billion + static_cast<uint64_t>(time.nanoseconds);
}

Timespec timespec_of(uint64_t nanoseconds) {
    return Timespec{static_cast<int64_t>(nanoseconds / billion), static_cast<int64_t>(nanoseconds % billion)};
}

TimerSpec spec_of(const ipc::TimerSetting& setting) {
    return TimerSpec{timespec_of(setting.interval_ns), timespec_of(setting.value_ns)};
}

Result make_event_counter(uint64_t initial, uint64_t flags) {
    if (flags & ~(flag_semaphore | flag_nonblock | flag_cloexec)) return lib::Error::invalid_argument;
    object::File* file =
        TRY(ipc::create_event_counter(static_cast<uint32_t>(initial), flags & flag_semaphore,
                                      static_cast<int>(flags & flag_nonblock)));
    return install_new_file(file, flags & flag_cloexec);
}

}  // namespace

Result sys_eventfd(const Arguments& a) {
    return make_event_counter(a.a0, 0);
}

Result sys_eventfd2(const Arguments& a) {
    return make_event_counter(a.a0, a.a1);
}

Result sys_timerfd_create(const Arguments& a) {
    uint64_t clock = a.a0;
    if (a.a1 & ~(flag_nonblock | flag_cloexec)) return lib::Error::invalid_argument;
    ipc::TimerClock timer_clock;
    if (clock == clock_realtime) {
        timer_clock = ipc::TimerClock::realtime;
    } else if (clock == clock_monotonic || clock == clock_boottime) {
        // Nothing suspends yet, so boot time is monotonic time.
        timer_clock = ipc::TimerClock::monotonic;
    } else {
        return lib::Error::invalid_argument;
    }
    object::File* file = TRY(ipc::create_timer(timer_clock, static_cast<int>(a.a1 & flag_nonblock)));
    return install_new_file(file, a.a1 & flag_cloexec);
}

Result sys_timerfd_settime(const Arguments& a) {
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    if (a.a1 & ~(timer_absolute | timer_cancel_on_set)) return lib::Error::invalid_argument;
    TimerSpec spec;
    TRY(mm::copy_value_from_user(spec, a.a2));
    ipc::TimerSetting setting;
    setting.interval_ns = TRY(nanoseconds_of(spec.interval));
    setting.value_ns = TRY(nanoseconds_of(spec.value));
    if (file->kind != object::FileKind::timer) return lib::Error::invalid_argument;
    // An absolute time already past still expires once at once.
    if ((a.a1 & timer_absolute) && setting.value_ns == 0 && (spec.value.seconds | spec.value.nanoseconds) != 0) {
        setting.value_ns = 1;
    }
    if (a.a3 != 0) {
        // Linux checks old_value before changing anything.
        TimerSpec probe = spec_of(TRY(ipc::get_timer(*file)));
        TRY(mm::copy_value_to_user(a.a3, probe));
    }
    ipc::TimerSetting previous = TRY(ipc::set_timer(*file, setting, a.a1 & timer_absolute));
    if (a.a3 != 0) TRY(mm::copy_value_to_user(a.a3, spec_of(previous)));
    return uint64_t(0);
}

Result sys_timerfd_gettime(const Arguments& a) {
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    ipc::TimerSetting setting = TRY(ipc::get_timer(*file));
    TRY(mm::copy_value_to_user(a.a1, spec_of(setting)));
    return uint64_t(0);
}

namespace {

Result make_signal_file(uint64_t fd, uint64_t mask_address, uint64_t mask_size, uint64_t flags) {
    if (mask_size != sizeof(sched::SignalSet)) return lib::Error::invalid_argument;
    if (flags & ~(flag_nonblock | flag_cloexec)) return lib::Error::invalid_argument;
    sched::SignalSet mask;
    TRY(mm::copy_value_from_user(mask, mask_address));
    if (static_cast<int32_t>(fd) != -1) {
        auto file = TRY(current_process().files.get(static_cast<int>(fd)));
        TRY(ipc::set_signal_file_mask(*file, mask));
        return static_cast<uint64_t>(static_cast<int32_t>(fd));
    }
    object::File* file = TRY(ipc::create_signal_file(mask, static_cast<int>(flags & flag_nonblock)));
    return install_new_file(file, flags & flag_cloexec);
}

}  // namespace

Result sys_signalfd(const Arguments& a) {
    return make_signal_file(a.a0, a.a1, a.a2, 0);
}

Result sys_signalfd4(const Arguments& a) {
    return make_signal_file(a.a0, a.a1, a.a2, a.a3);
}

}  // namespace linux
