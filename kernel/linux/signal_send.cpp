// Sending signals: kill, tkill, tgkill, rt_sigqueueinfo; and the alarm
// clock that sends SIGALRM: alarm, setitimer and getitimer (ITIMER_REAL).
#include "linux/signal.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "sched/process.h"
#include "sched/signal.h"
#include "sched/thread.h"

namespace linux {
namespace {

constexpr int init_pid = 1;
constexpr uint64_t billion = 1000000000;

sched::SignalInfo user_signal(int signal, int code) {
    sched::SignalInfo info;
    info.signo = signal;
    info.code = code;
    info.pid = current_process().pid;
    info.uid = current_process().credentials.uid;
    return info;
}

// Signal 0 only checks that the target exists and may be signalled.
lib::Status signal_process(sched::Process& target, const sched::SignalInfo& info) {
    if (!may_signal(current_process(), target, info.signo)) return lib::Error::not_permitted;
    // A full queue of real-time signals: EAGAIN.
    if (info.signo != 0 && !sched::send_signal_to_process(target, info)) return lib::Error::try_again;
    return lib::ok();
}

// kill(-pgid) and kill(-1): success if any process took it (Linux's rule).
lib::Status signal_many(const sched::SignalInfo& info, int pgid, bool everyone) {
    bool found = false, delivered = false;
    lib::Error last = lib::Error::no_such_process;
    sched::Process& self = current_process();
    sched::for_each_process([&](sched::Process& process) {
        if (process.state == sched::ProcessState::zombie && everyone) return;
        if (everyone ? (process.pid == init_pid || &process == &self) : process.pgid != pgid) return;
        found = true;
        lib::Status sent = signal_process(process, info);
        if (sent.is_error())
            last = sent.error();
        else
            delivered = true;
    });
    if (!found) return lib::Error::no_such_process;
    return delivered ? lib::ok() : lib::Status(last);
}

Result signal_thread(int tgid, int tid, int signal) {
    if (tid <= 0 || signal < 0 || signal > sched::max_signal) return lib::Error::invalid_argument;
    sched::Thread* thread = sched::find_thread(tid, tgid);
    if (thread == nullptr) return lib::Error::no_such_process;
    if (!may_signal(current_process(), *thread->process, signal)) return lib::Error::not_permitted;
    if (signal != 0 && !sched::send_signal_to_thread(*thread, user_signal(signal, sched::si_tkill))) {
        return lib::Error::try_again;
    }
    return uint64_t(0);
}

struct Timeval {
    int64_t seconds;
    int64_t microseconds;
};
struct Itimerval {
    Timeval interval;
    Timeval value;
};

Timeval to_timeval(uint64_t ns) {
    // Round up: an armed timer never reads as zero.
    uint64_t us = (ns + 999) / 1000;
    return Timeval{static_cast<int64_t>(us / 1000000), static_cast<int64_t>(us % 1000000)};
}

lib::ErrorOr<uint64_t> from_timeval(const Timeval& value) {
    if (value.seconds < 0 || value.microseconds < 0 || value.microseconds >= 1000000) {
        return lib::Error::invalid_argument;
    }
    uint64_t seconds = lib::min<uint64_t>(static_cast<uint64_t>(value.seconds), (~0ull / 4) / billion);
    return seconds * billion + static_cast<uint64_t>(value.microseconds) * 1000;
}

constexpr uint64_t itimer_real = 0;

}  // namespace

bool may_signal(const sched::Process& sender, const sched::Process& target, int signal) {
    const sched::Credentials& from = sender.credentials;
    const sched::Credentials& to = target.credentials;
    if (from.euid == 0) return true;
    if (from.euid == to.uid || from.euid == to.suid || from.uid == to.uid || from.uid == to.suid) return true;
    return signal == sched::sigcont && sender.sid == target.sid;
}

Result sys_kill(const Arguments& a) {
    int pid = static_cast<int32_t>(a.a0);
    int64_t signal = static_cast<int32_t>(a.a1);
    if (signal < 0 || signal > sched::max_signal) return lib::Error::invalid_argument;
    sched::SignalInfo info = user_signal(static_cast<int>(signal), sched::si_user);
    if (pid > 0) {
        sched::Process* target = sched::find_process(pid);
        if (target == nullptr) return lib::Error::no_such_process;
        TRY(signal_process(*target, info));
    } else if (pid == 0) {
        TRY(signal_many(info, current_process().pgid, false));
    } else if (pid == -1) {
        TRY(signal_many(info, 0, true));
    } else {
        if (pid == -0x7FFFFFFF - 1) return lib::Error::no_such_process;
        TRY(signal_many(info, -pid, false));
    }
    return uint64_t(0);
}

Result sys_tkill(const Arguments& a) {
    return signal_thread(0, static_cast<int32_t>(a.a0), static_cast<int32_t>(a.a1));
}

Result sys_tgkill(const Arguments& a) {
    int tgid = static_cast<int32_t>(a.a0);
    if (tgid <= 0) return lib::Error::invalid_argument;
    return signal_thread(tgid, static_cast<int32_t>(a.a1), static_cast<int32_t>(a.a2));
}

// rt_sigqueueinfo(tgid, sig, info): a caller may only pretend to be the
// kernel or kill() to itself.
Result sys_rt_sigqueueinfo(const Arguments& a) {
    int pid = static_cast<int32_t>(a.a0);
    int64_t signal = static_cast<int32_t>(a.a1);
    if (!sched::valid_signal(signal) && signal != 0) return lib::Error::invalid_argument;
    int32_t raw[32];
    TRY(mm::copy_from_user(raw, a.a2, sizeof raw));
    int code = raw[2];
    if ((code >= 0 || code == sched::si_tkill) && pid != current_process().pid) return lib::Error::not_permitted;
    sched::Process* target = sched::find_process(pid);
    if (target == nullptr) return lib::Error::no_such_process;
    sched::SignalInfo info;
    info.signo = static_cast<int>(signal);
    info.code = code;
    info.pid = raw[4];
    info.uid = static_cast<uint32_t>(raw[5]);
    lib::copy_bytes(&info.value, &raw[6], sizeof info.value);
    TRY(signal_process(*target, info));
    return uint64_t(0);
}

Result sys_alarm(const Arguments& a) {
    uint64_t seconds = static_cast<uint32_t>(a.a0);
    sched::AlarmSetting old = sched::set_alarm(current_process(), seconds * billion, 0);
    // Whole seconds left, rounded to nearest; a live timer never says 0.
    uint64_t left = (old.remaining_ns + billion / 2) / billion;
    if (left == 0 && old.remaining_ns != 0) left = 1;
    return left;
}

Result sys_getitimer(const Arguments& a) {
    if (a.a0 > 2) return lib::Error::invalid_argument;
    Itimerval out{};
    if (a.a0 == itimer_real) {
        sched::AlarmSetting setting = sched::get_alarm(current_process());
        out = Itimerval{to_timeval(setting.interval_ns), to_timeval(setting.remaining_ns)};
    }
    // FIXME: ITIMER_VIRTUAL and ITIMER_PROF need CPU-time accounting; they read as disarmed.
    TRY(mm::copy_value_to_user(a.a1, out));
    return uint64_t(0);
}

Result sys_setitimer(const Arguments& a) {
    if (a.a0 > 2) return lib::Error::invalid_argument;
    Itimerval in{};
    if (a.a1 != 0) TRY(mm::copy_value_from_user(in, a.a1));
    uint64_t value = TRY(from_timeval(in.value));
    uint64_t interval = TRY(from_timeval(in.interval));
    if (a.a0 != itimer_real) return lib::Error::invalid_argument;  // FIXME: see getitimer
    sched::AlarmSetting old = sched::set_alarm(current_process(), value, interval);
    if (a.a2 != 0) {
        Itimerval out{to_timeval(old.interval_ns), to_timeval(old.remaining_ns)};
        TRY(mm::copy_value_to_user(a.a2, out));
    }
    return uint64_t(0);
}

}  // namespace linux
