// Signal state, sending, the choice of the thread that takes a signal, and
// default actions. The handler frame itself is sched/signal_frame.cpp.
#include "sched/signal.h"

#include "console/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/signal_frame.h"
#include "sched/thread.h"

namespace sched {
namespace {

constexpr int init_pid = 1;
// Faults first, as Linux's SYNCHRONOUS_MASK: the instruction cannot go on.
constexpr SignalSet synchronous = signal_bit(sigsegv) | signal_bit(sigbus) | signal_bit(sigill) |
                                  signal_bit(sigtrap) | signal_bit(sigfpe) | signal_bit(sigsys);

lib::Spinlock signal_lock{lib::LockRank::signals};

struct Locked {
    uint64_t flags;
    Locked() : flags(signal_lock.lock()) {}
    ~Locked() { signal_lock.unlock(flags); }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;
};

// Armed ITIMER_REAL timers, walked by the timer interrupt.
lib::List<Process, &Process::alarm_node> alarms;

enum class DefaultAction { terminate, core, ignore, stop, resume };

DefaultAction default_action(int signal) {
    switch (signal) {
        case sigquit:
        case sigill:
        case sigtrap:
        case sigabrt:
        case sigbus:
        case sigfpe:
        case sigsegv:
        case sigxcpu:
        case sigxfsz:
        case sigsys:
            return DefaultAction::core;
        case sigchld:
        case sigurg:
        case sigwinch:
            return DefaultAction::ignore;
        case sigcont:
            return DefaultAction::resume;
        case sigstop:
        case sigtstp:
        case sigttin:
        case sigttou:
            return DefaultAction::stop;
        default:
            return DefaultAction::terminate;
    }
}

Process& process_of(Thread& thread) {
    return *thread.process;
}

// Linux's sig_task_ignored: nobody will ever act on it, so it is dropped at
// once. A blocked signal is kept: its handler may change before it is
// unblocked. Init ignores what it has no handler for (the kernel's own
// faults aside, see send_fault_signal).
bool ignored_on_arrival(Process& process, Thread* thread, int signal) {
    if (thread != nullptr && (thread->signals.blocked & signal_bit(signal))) return false;
    const SignalAction& action = process.signals.actions[signal];
    if (action.handler == sig_ign) return true;
    if (action.handler != sig_dfl) return false;
    if (process.pid == init_pid) return true;
    DefaultAction what = default_action(signal);
    return what == DefaultAction::ignore || what == DefaultAction::resume;
}

void remove_pending(PendingSignals& pending, SignalSet set) {
    pending.set &= ~set;
    int kept = 0;
    for (int i = 0; i < pending.queued_count; ++i) {
        if (!(set & signal_bit(pending.queued[i].signo))) pending.queued[kept++] = pending.queued[i];
    }
    pending.queued_count = kept;
}

void remove_pending_everywhere(Process& process, SignalSet set) {
    remove_pending(process.signals.pending, set);
    process.threads.for_each([&](Thread& thread) { remove_pending(thread.signals.pending, set); });
}

void (*pending_listener)() = nullptr;

// False when a real-time signal finds the queue full.
bool add_pending(PendingSignals& pending, const SignalInfo& info) {
    if (pending.set & signal_bit(info.signo)) {
        // Standard signals coalesce: the first instance's details stand.
        if (info.signo < first_realtime_signal) return true;
        if (pending.queued_count == PendingSignals::queue_capacity) return false;
        pending.queued[pending.queued_count++] = info;
    } else {
        pending.set |= signal_bit(info.signo);
        pending.info[info.signo - 1] = info;
    }
    if (pending_listener != nullptr) pending_listener();
    return true;
}

// Takes the pending instance of signal; a queued one of the same signal
// takes its place.
SignalInfo take_pending(PendingSignals& pending, int signal) {
    SignalInfo info = pending.info[signal - 1];
    for (int i = 0; i < pending.queued_count; ++i) {
        if (pending.queued[i].signo != signal) continue;
        pending.info[signal - 1] = pending.queued[i];
        for (int j = i + 1; j < pending.queued_count; ++j) pending.queued[j - 1] = pending.queued[j];
        --pending.queued_count;
        return info;
    }
    pending.set &= ~signal_bit(signal);
    return info;
}

// Stop and continue take effect when sent (Linux's prepare_signal): a
// stop signal cancels a pending SIGCONT and the other way round, and
// SIGCONT resumes a stopped process even when it is then ignored.
// Returns the parent notification to make once the lock is dropped.
bool prepare(Process& process, int signal) {
    if (SignalSet(signal_bit(signal)) & stop_signals) {
        remove_pending_everywhere(process, signal_bit(sigcont));
        return false;
    }
    if (signal == sigcont) {
        remove_pending_everywhere(process, stop_signals);
        if (!process.signals.stopped) return false;
        process.signals.stopped = false;
        process.signals.stop_reportable = false;
        process.signals.continue_reportable = true;
        (void)wake(process.stopped_threads, 1 << 30);
        return true;
    }
    if (signal == sigkill && process.signals.stopped) {
        // A stopped process still dies: its threads wake to meet SIGKILL.
        process.threads.for_each([](Thread& thread) { interrupt_thread(thread, true); });
    }
    return false;
}

// Linux's complete_signal: which thread will act on it, woken if blocked.
void wake_taker(Process& process, Thread* target, int signal) {
    bool force = signal == sigkill;
    if (target != nullptr) {
        if (!(target->signals.blocked & signal_bit(signal)) || force) interrupt_thread(*target, force);
        return;
    }
    Thread* current = current_thread();
    if (current->process == &process && !(current->signals.blocked & signal_bit(signal))) return;
    Thread* chosen = nullptr;
    process.threads.for_each([&](Thread& thread) {
        if (chosen == nullptr && !(thread.signals.blocked & signal_bit(signal))) chosen = &thread;
    });
    if (force) {
        process.threads.for_each([](Thread& thread) { interrupt_thread(thread, true); });
    } else if (chosen != nullptr) {
        interrupt_thread(*chosen, false);
    }
}

bool send(Process& process, Thread* target, const SignalInfo& info) {
    int signal = info.signo;
    if (!valid_signal(signal) || process.state == ProcessState::zombie) return true;
    bool continued, queued = true;
    {
        Locked locked;
        continued = prepare(process, signal);
        Thread* probe = target != nullptr ? target : process.threads.front();
        if (!ignored_on_arrival(process, probe, signal)) {
            queued = add_pending(target != nullptr ? target->signals.pending : process.signals.pending, info);
            wake_taker(process, target, signal);
        }
    }
    if (continued) notify_parent(process, ChildEvent::continued, sigcont);
    return queued;
}

// What the current thread takes next: faults first, then the lowest number.
bool dequeue(Thread& thread, SignalSet allowed, SignalInfo& info) {
    Process& process = process_of(thread);
    SignalSet own = thread.signals.pending.set & allowed;
    SignalSet shared = process.signals.pending.set & allowed;
    SignalSet candidates = own | shared;
    if (candidates == 0) return false;
    SignalSet preferred = candidates & synchronous;
    if (preferred == 0) preferred = candidates;
    int signal = __builtin_ctzll(preferred) + 1;
    PendingSignals& from = (own & signal_bit(signal)) ? thread.signals.pending : process.signals.pending;
    info = take_pending(from, signal);
    return true;
}

bool pending_for(Thread& thread) {
    if (thread.process == nullptr) return false;
    Process& process = process_of(thread);
    if (process.signals.stopped) return true;
    SignalSet pending = thread.signals.pending.set | process.signals.pending.set;
    return (pending & (~thread.signals.blocked | unblockable)) != 0;
}

[[noreturn]] void die(Thread& thread, int signal) {
    console::log("process %d killed by signal %d\n", thread.process->pid, signal);
    // No core files: a core-dumping signal is reported as a plain kill
    // (as Linux does with RLIMIT_CORE 0).
    exit_process(signaled_status(signal));
}

// SIGSTOP & co. with the default action: the whole process stops; its
// other threads stop on their next return to user mode.
void stop_process(Thread& thread, int signal) {
    Process& process = process_of(thread);
    {
        Locked locked;
        // A SIGCONT or SIGKILL may have come in between.
        if (process.signals.pending.set & (signal_bit(sigcont) | signal_bit(sigkill))) return;
        process.signals.stopped = true;
        process.signals.stop_signal = signal;
        process.signals.stop_reportable = true;
        process.signals.continue_reportable = false;
        process.threads.for_each([&](Thread& other) {
            if (&other != &thread) interrupt_thread(other, false);
        });
    }
    notify_parent(process, ChildEvent::stopped, signal);
}

bool kill_pending(Thread& thread) {
    SignalSet pending = thread.signals.pending.set | process_of(thread).signals.pending.set;
    return (pending & signal_bit(sigkill)) != 0;
}

void rewind_system_call(Thread& thread, arch::TrapFrame& frame, Restart restart) {
    frame.rax = restart == Restart::restart_block ? restart_syscall_number : thread.signals.syscall_number;
    frame.rip -= 2;  // the syscall instruction
}

}  // namespace

bool send_signal_to_process(Process& process, const SignalInfo& info) {
    return send(process, nullptr, info);
}

bool send_signal_to_thread(Thread& thread, const SignalInfo& info) {
    if (thread.process == nullptr) return true;
    return send(process_of(thread), &thread, info);
}

void set_pending_listener(void (*listener)()) {
    pending_listener = listener;
}

void send_signal_to_group(int pgid, int signal) {
    SignalInfo info;
    info.signo = signal;
    info.code = si_kernel;
    for_each_process([&](Process& process) {
        if (process.pgid == pgid) send_signal_to_process(process, info);
    });
}

bool process_group_orphaned(int pgid, const Process* leaving) {
    bool orphaned = true;
    for_each_process([&](Process& member) {
        if (member.pgid != pgid || &member == leaving || member.state == ProcessState::zombie) return;
        // Init's group hangs on the console's session, as if the kernel
        // were a parent outside it.
        if (member.pid == 1) orphaned = false;
        Process* parent = find_process(member.parent_pid);
        if (parent == nullptr || parent == leaving) return;
        if (parent->pgid != pgid && parent->sid == member.sid) orphaned = false;
    });
    return orphaned;
}

namespace {

bool group_has_stopped_member(int pgid) {
    bool stopped = false;
    for_each_process([&](Process& member) { stopped |= member.pgid == pgid && member.signals.stopped; });
    return stopped;
}

void hang_up_if_orphaned(int pgid, const Process& leaving) {
    if (!group_has_stopped_member(pgid) || !process_group_orphaned(pgid, &leaving)) return;
    send_signal_to_group(pgid, sighup);
    send_signal_to_group(pgid, sigcont);
}

}  // namespace

void hang_up_orphaned_groups(const Process& leaving) {
    // Only groups the leaver held together can become orphaned by its exit.
    if (!process_group_orphaned(leaving.pgid, nullptr)) hang_up_if_orphaned(leaving.pgid, leaving);
    for_each_process([&](Process& child) {
        if (child.parent_pid != leaving.pid || child.pgid == leaving.pgid || child.sid != leaving.sid) return;
        if (!process_group_orphaned(child.pgid, nullptr)) hang_up_if_orphaned(child.pgid, leaving);
    });
}

bool current_thread_ignores_or_blocks(int signal) {
    Thread& thread = *current_thread();
    Locked locked;
    if (thread.signals.blocked & signal_bit(signal)) return true;
    return process_of(thread).signals.actions[signal].handler == sig_ign;
}

void send_signal_to_current_thread(int signal) {
    Thread* thread = current_thread();
    if (thread->process == nullptr) return;
    SignalInfo info;
    info.signo = signal;
    info.code = si_kernel;
    if (signal == sigpipe) {
        // Linux sends SIGPIPE as from the process itself (SI_USER, its pid).
        info.code = si_user;
        info.pid = thread->process->pid;
        info.uid = thread->process->credentials.uid;
    }
    send_signal_to_thread(*thread, info);
}

void send_fault_signal(int signal, int code, uint64_t address) {
    Thread& thread = *current_thread();
    if (thread.process == nullptr) return;
    Process& process = process_of(thread);
    SignalInfo info;
    info.signo = signal;
    info.code = code;
    info.address = address;
    info.forced = true;
    Locked locked;
    SignalAction& action = process.signals.actions[signal];
    bool blocked = (thread.signals.blocked & signal_bit(signal)) != 0;
    if (blocked || action.handler == sig_ign) {
        action.handler = sig_dfl;
        thread.signals.blocked &= ~signal_bit(signal);
    }
    // A second fault while the first is still pending: the first stands.
    thread.signals.pending.set &= ~signal_bit(signal);
    add_pending(thread.signals.pending, info);
}

bool current_thread_has_pending_signal() {
    Locked locked;
    return pending_for(*current_thread());
}

bool thread_has_pending_signal(Thread& thread) {
    Locked locked;
    return pending_for(thread);
}

void deliver_signals(arch::TrapFrame& frame) {
    Thread& thread = *current_thread();
    if (thread.process == nullptr || !frame.from_user()) return;
    Process& process = process_of(thread);
    Restart restart = thread.signals.restart;
    thread.signals.restart = Restart::none;
    bool handled = false;
    for (;;) {
        // A stopped process waits here for SIGCONT (or dies of SIGKILL, or
        // leaves with an exit_group of another thread).
        while (process.signals.stopped && !kill_pending(thread) && !thread.exit_requested) {
            block_uninterruptibly(process.stopped_threads);
        }
        if (thread.exit_requested) exit_thread(process.wait_status);

        SignalInfo info;
        SignalAction action;
        {
            Locked locked;
            if (!dequeue(thread, ~thread.signals.blocked | unblockable, info)) break;
            action = process.signals.actions[info.signo];
            if (action.handler > sig_ign && (action.flags & sa_resethand)) {
                process.signals.actions[info.signo].handler = sig_dfl;
                process.signals.actions[info.signo].flags &= ~sa_siginfo;
            }
        }
        int signal = info.signo;
        if (signal == sigkill) die(thread, signal);
        if (action.handler == sig_ign) continue;
        if (action.handler == sig_dfl) {
            if (process.pid == init_pid && !info.forced) continue;
            switch (default_action(signal)) {
                case DefaultAction::ignore:
                case DefaultAction::resume:
                    continue;
                case DefaultAction::stop:
                    // An orphaned group has nobody to continue it: only
                    // SIGSTOP stops it (Linux's is_current_pgrp_orphaned).
                    if (signal != sigstop && process_group_orphaned(process.pgid, nullptr)) continue;
                    stop_process(thread, signal);
                    continue;
                case DefaultAction::terminate:
                case DefaultAction::core:
                    die(thread, signal);
            }
        }
        // A handler. The interrupted call fails with EINTR or starts again
        // once the handler returns (signal(7)).
        if (restart != Restart::none && !handled) {
            if (restart == Restart::if_sa_restart && (action.flags & sa_restart)) rewind_system_call(thread, frame, restart);
        }
        handled = true;
        SignalSet previous = thread.signals.restore_blocked ? thread.signals.saved_blocked : thread.signals.blocked;
        if (!build_signal_frame(thread, frame, info, action, previous)) {
            // No room or no restorer: SIGSEGV, as Linux's force_sigsegv.
            if (signal == sigsegv) {
                Locked locked;
                process.signals.actions[sigsegv].handler = sig_dfl;
            }
            send_fault_signal(sigsegv, si_kernel, 0);
            continue;
        }
        Locked locked;
        thread.signals.restore_blocked = false;
        SignalSet blocked = thread.signals.blocked | action.mask;
        if (!(action.flags & sa_nodefer)) blocked |= signal_bit(signal);
        thread.signals.blocked = blocked & ~unblockable;
    }
    // No handler ran: an interrupted call starts again, whatever its kind
    // (the signal stopped the process, or was ignored by the time it came).
    if (restart != Restart::none && !handled) rewind_system_call(thread, frame, restart);
    if (thread.signals.restore_blocked) {
        Locked locked;
        thread.signals.blocked = thread.signals.saved_blocked;
        thread.signals.restore_blocked = false;
    }
}

SignalSet current_blocked() {
    return current_thread()->signals.blocked;
}

void set_current_blocked(SignalSet blocked) {
    Locked locked;
    current_thread()->signals.blocked = blocked & ~unblockable;
}

void set_temporary_blocked(SignalSet blocked) {
    Locked locked;
    ThreadSignals& signals = current_thread()->signals;
    if (!signals.restore_blocked) signals.saved_blocked = signals.blocked;
    signals.restore_blocked = true;
    signals.blocked = blocked & ~unblockable;
}

void end_temporary_blocked() {
    Locked locked;
    ThreadSignals& signals = current_thread()->signals;
    if (!signals.restore_blocked) return;
    signals.blocked = signals.saved_blocked;
    signals.restore_blocked = false;
}

lib::Status change_action(Process& process, int signal, const SignalAction* fresh, SignalAction* old) {
    if (!valid_signal(signal)) return lib::Error::invalid_argument;
    if (fresh != nullptr && (signal_bit(signal) & unblockable)) return lib::Error::invalid_argument;
    Locked locked;
    if (old != nullptr) *old = process.signals.actions[signal];
    if (fresh == nullptr) return lib::ok();
    process.signals.actions[signal] = *fresh;
    process.signals.actions[signal].mask &= ~unblockable;
    // POSIX: setting a pending signal to be ignored discards it.
    if (ignored_on_arrival(process, nullptr, signal)) remove_pending_everywhere(process, signal_bit(signal));
    return lib::ok();
}

SignalAction action_of(Process& process, int signal) {
    Locked locked;
    return process.signals.actions[signal];
}

bool take_pending_signal(SignalSet set, SignalInfo& info) {
    Locked locked;
    return dequeue(*current_thread(), set & ~unblockable, info);
}

SignalSet current_pending() {
    Locked locked;
    Thread& thread = *current_thread();
    return (thread.signals.pending.set | process_of(thread).signals.pending.set) & thread.signals.blocked;
}

void inherit_signals(Process& child, const Process& parent) {
    Locked locked;
    lib::copy_bytes(child.signals.actions, parent.signals.actions, sizeof child.signals.actions);
}

void inherit_thread_signals(Thread& child, const Thread& parent) {
    Locked locked;
    child.signals.blocked = parent.signals.restore_blocked ? parent.signals.saved_blocked : parent.signals.blocked;
    child.signals.alternate_stack = parent.signals.alternate_stack;
}

void reset_signals_for_exec(Process& process) {
    Locked locked;
    for (SignalAction& action : process.signals.actions) {
        bool ignored = action.handler == sig_ign;
        action = SignalAction{};
        if (ignored) action.handler = sig_ign;
    }
}

void release_signals(Process& process) {
    Locked locked;
    process.signals.alarm_deadline_ns = 0;
    lib::List<Process, &Process::alarm_node>::remove(process);
}

bool parent_reaps_automatically(Process& parent) {
    SignalAction action = action_of(parent, sigchld);
    return action.handler == sig_ign || (action.flags & sa_nocldwait);
}

void notify_parent(Process& child, ChildEvent event, int status) {
    Process* parent = find_process(child.parent_pid);
    if (parent == nullptr) return;
    SignalAction action = action_of(*parent, sigchld);
    bool stop_or_continue = event == ChildEvent::stopped || event == ChildEvent::continued;
    if (!(stop_or_continue && (action.flags & sa_nocldstop))) {
        SignalInfo info;
        info.signo = sigchld;
        info.pid = child.pid;
        info.uid = child.credentials.uid;
        info.status = status;
        switch (event) {
            case ChildEvent::exited:
                info.code = cld_exited;
                break;
            case ChildEvent::killed:
                info.code = cld_killed;
                break;
            case ChildEvent::stopped:
                info.code = cld_stopped;
                break;
            case ChildEvent::continued:
                info.code = cld_continued;
                break;
        }
        send_signal_to_process(*parent, info);
    }
    (void)wake(parent->child_exits, 1 << 30);
}

AlarmSetting get_alarm(Process& process) {
    Locked locked;
    AlarmSetting setting;
    uint64_t now = monotonic_ns();
    uint64_t deadline = process.signals.alarm_deadline_ns;
    // An armed timer always shows some time left, as Linux rounds up.
    if (deadline != 0) setting.remaining_ns = deadline > now ? deadline - now : 1;
    setting.interval_ns = process.signals.alarm_interval_ns;
    return setting;
}

AlarmSetting set_alarm(Process& process, uint64_t value_ns, uint64_t interval_ns) {
    AlarmSetting old = get_alarm(process);
    Locked locked;
    lib::List<Process, &Process::alarm_node>::remove(process);
    process.signals.alarm_deadline_ns = 0;
    process.signals.alarm_interval_ns = interval_ns;
    if (value_ns != 0) {
        process.signals.alarm_deadline_ns = monotonic_ns() + value_ns;
        alarms.push_back(process);
    }
    return old;
}

void fire_alarms(uint64_t now_ns) {
    Locked locked;
    alarms.for_each([&](Process& process) {
        ProcessSignals& signals = process.signals;
        if (signals.alarm_deadline_ns > now_ns) return;
        lib::List<Process, &Process::alarm_node>::remove(process);
        signals.alarm_deadline_ns = 0;
        if (signals.alarm_interval_ns != 0) {
            signals.alarm_deadline_ns = now_ns + signals.alarm_interval_ns;
            alarms.push_back(process);
        }
        SignalInfo info;
        info.signo = sigalrm;
        info.code = si_kernel;
        if (process.state == ProcessState::zombie || ignored_on_arrival(process, process.threads.front(), sigalrm)) {
            return;
        }
        add_pending(process.signals.pending, info);
        wake_taker(process, nullptr, sigalrm);
    });
}

}  // namespace sched
