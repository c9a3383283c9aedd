// Signal dispositions, masks and waiting: rt_sigaction, rt_sigprocmask,
// rt_sigpending, rt_sigsuspend, pause, rt_sigtimedwait, rt_sigreturn,
// sigaltstack. Sending is linux/signal_send.cpp; the state and delivery
// are sched/signal*.cpp.
#include "linux/signal.h"

#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/signal.h"
#include "sched/signal_frame.h"
#include "sched/thread.h"

namespace linux {
namespace {

constexpr uint64_t sigset_size = 8;
constexpr uint64_t billion = 1000000000;

struct KernelSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
};

// Waits until a signal needs the thread: only a signal ends it.
lib::Error wait_for_signal() {
    sched::WaitQueue nobody;
    while (!sched::current_thread_must_exit()) (void)sched::block_on(nobody, 0);
    return lib::Error::interrupted;
}

}  // namespace

lib::Status write_signal_info(uint64_t address, const sched::SignalInfo& info) {
    // The same layout the handler frame uses: signo, errno, code, then the
    // sender (or child, or fault address) at 16.
    int32_t out[32] = {};
    out[0] = info.signo;
    out[1] = info.error;
    out[2] = info.code;
    bool fault = info.forced || (info.code > 0 && (info.signo == sched::sigsegv || info.signo == sched::sigbus ||
                                                   info.signo == sched::sigill || info.signo == sched::sigfpe ||
                                                   info.signo == sched::sigtrap));
    if (fault) {
        lib::copy_bytes(&out[4], &info.address, 8);
    } else {
        out[4] = info.pid;
        out[5] = static_cast<int32_t>(info.uid);
        if (info.signo == sched::sigchld && info.code > 0)
            out[6] = info.status;
        else
            lib::copy_bytes(&out[6], &info.value, 8);
    }
    return mm::copy_to_user(address, out, sizeof out);
}

Result sys_rt_sigaction(const Arguments& a) {
    int64_t signal = static_cast<int32_t>(a.a0);
    if (!sched::valid_signal(signal) || a.a3 != sigset_size) return lib::Error::invalid_argument;
    sched::SignalAction fresh;
    if (a.a1 != 0) {
        KernelSigaction in;
        TRY(mm::copy_value_from_user(in, a.a1));
        fresh = sched::SignalAction{in.handler, in.flags, in.restorer, in.mask};
    }
    sched::SignalAction old;
    TRY(sched::change_action(current_process(), static_cast<int>(signal), a.a1 != 0 ? &fresh : nullptr, &old));
    if (a.a2 != 0) {
        KernelSigaction out{old.handler, old.flags, old.restorer, old.mask};
        // Linux changes the action before it writes the old one back.
        TRY(mm::copy_value_to_user(a.a2, out));
    }
    return uint64_t(0);
}

Result sys_rt_sigprocmask(const Arguments& a) {
    constexpr uint64_t block = 0, unblock = 1, set_mask = 2;
    if (a.a3 != sigset_size) return lib::Error::invalid_argument;
    sched::SignalSet old = sched::current_blocked();
    if (a.a1 != 0) {
        sched::SignalSet set;
        TRY(mm::copy_value_from_user(set, a.a1));
        if (a.a0 == block)
            sched::set_current_blocked(old | set);
        else if (a.a0 == unblock)
            sched::set_current_blocked(old & ~set);
        else if (a.a0 == set_mask)
            sched::set_current_blocked(set);
        else
            return lib::Error::invalid_argument;
    }
    if (a.a2 != 0) TRY(mm::copy_value_to_user(a.a2, old));
    return uint64_t(0);
}

Result sys_rt_sigpending(const Arguments& a) {
    if (a.a1 > sigset_size) return lib::Error::invalid_argument;
    sched::SignalSet pending = sched::current_pending();
    TRY(mm::copy_to_user(a.a0, &pending, a.a1));
    return uint64_t(0);
}

Result sys_rt_sigsuspend(const Arguments& a) {
    if (a.a1 != sigset_size) return lib::Error::invalid_argument;
    sched::SignalSet mask;
    TRY(mm::copy_value_from_user(mask, a.a0));
    // The original mask returns after the handler (it is the frame's uc_sigmask).
    sched::set_temporary_blocked(mask);
    return wait_for_signal();
}

Result sys_pause(const Arguments&) {
    return wait_for_signal();
}

Result sys_rt_sigtimedwait(const Arguments& a) {
    if (a.a3 != sigset_size) return lib::Error::invalid_argument;
    sched::SignalSet wanted;
    TRY(mm::copy_value_from_user(wanted, a.a0));
    wanted &= ~sched::unblockable;
    uint64_t deadline = 0;
    bool poll_only = false;
    if (a.a2 != 0) {
        int64_t timeout[2];
        TRY(mm::copy_from_user(timeout, a.a2, sizeof timeout));
        if (timeout[0] < 0 || timeout[1] < 0 || timeout[1] >= static_cast<int64_t>(billion)) {
            return lib::Error::invalid_argument;
        }
        uint64_t ns = static_cast<uint64_t>(timeout[0]) * billion + static_cast<uint64_t>(timeout[1]);
        poll_only = ns == 0;
        deadline = sched::monotonic_ns() + ns;
    }
    sched::SignalInfo info;
    for (;;) {
        if (sched::take_pending_signal(wanted, info)) break;
        if (poll_only) return lib::Error::try_again;
        // While waiting, the awaited signals count as unblocked so they
        // wake us; they are taken here, never delivered to a handler.
        sched::SignalSet blocked = sched::current_blocked();
        sched::set_current_blocked(blocked & ~wanted);
        sched::WaitQueue nobody;
        bool interrupted = sched::current_thread_must_exit();
        bool in_time = interrupted || sched::block_on(nobody, deadline);
        interrupted = interrupted || sched::current_thread_must_exit();
        sched::set_current_blocked(blocked);
        if (sched::take_pending_signal(wanted, info)) break;
        if (interrupted) return lib::Error::interrupted;
        if (!in_time) return lib::Error::try_again;
    }
    if (a.a1 != 0) TRY(write_signal_info(a.a1, info));
    return static_cast<uint64_t>(info.signo);
}

Result sys_rt_sigreturn(const Arguments& a) {
    return sched::return_from_signal(current_thread(), a.frame);
}

Result sys_sigaltstack(const Arguments& a) {
    struct UserStack {
        uint64_t sp;
        int32_t flags;
        int32_t padding;
        uint64_t size;
    };
    sched::StackSetting fresh, old;
    if (a.a0 != 0) {
        UserStack in;
        TRY(mm::copy_value_from_user(in, a.a0));
        fresh = sched::StackSetting{in.sp, in.flags, in.size};
    }
    TRY(sched::change_alternate_stack(current_thread(), a.a0 != 0 ? &fresh : nullptr, &old, a.frame.rsp));
    if (a.a1 != 0) {
        UserStack out{old.base, old.flags, 0, old.size};
        TRY(mm::copy_value_to_user(a.a1, out));
    }
    return uint64_t(0);
}

}  // namespace linux
