// Signals, shaped for threads as Linux shapes them: dispositions belong to
// the process (shared by its threads, as with CLONE_SIGHAND); each thread
// has its own blocked mask, pending set and alternate stack; a signal sent
// to the process waits in a process-wide pending set until one thread that
// does not block it takes it. Delivery happens on every return to user mode
// (deliver_signals); the frame a handler sees is Linux's x86_64 rt_sigframe
// (sched/signal_frame.cpp).
//
// All of this state is reached under one interrupt-saving lock, because
// interrupts send signals too (ITIMER_REAL, and the terminal's ^C).
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"
#include "lib/error.h"
#include "lib/list.h"

namespace sched {

struct Process;
struct Thread;

// Linux numbers.
enum : int {
    sighup = 1, sigint = 2, sigquit = 3, sigill = 4, sigtrap = 5, sigabrt = 6, sigbus = 7, sigfpe = 8,
    sigkill = 9, sigusr1 = 10, sigsegv = 11, sigusr2 = 12, sigpipe = 13, sigalrm = 14, sigterm = 15,
    sigstkflt = 16, sigchld = 17, sigcont = 18, sigstop = 19, sigtstp = 20, sigttin = 21, sigttou = 22,
    sigurg = 23, sigxcpu = 24, sigxfsz = 25, sigvtalrm = 26, sigprof = 27, sigwinch = 28, sigio = 29,
    sigpwr = 30, sigsys = 31,
};
constexpr int max_signal = 64;

using SignalSet = uint64_t;
constexpr SignalSet signal_bit(int signal) {
    return SignalSet(1) << (signal - 1);
}
constexpr bool valid_signal(int64_t signal) {
    return signal >= 1 && signal <= max_signal;
}
// What can never be blocked or caught.
constexpr SignalSet unblockable = signal_bit(sigkill) | signal_bit(sigstop);
constexpr SignalSet stop_signals =
    signal_bit(sigstop) | signal_bit(sigtstp) | signal_bit(sigttin) | signal_bit(sigttou);

// si_code values (Linux).
enum : int {
    si_user = 0, si_kernel = 0x80, si_queue = -1, si_timer = -2, si_tkill = -6,
    cld_exited = 1, cld_killed = 2, cld_dumped = 3, cld_trapped = 4, cld_stopped = 5, cld_continued = 6,
    segv_maperr = 1, segv_accerr = 2, bus_adraln = 1, bus_adrerr = 2, ill_illopn = 2, fpe_intdiv = 1,
    fpe_fltdiv = 3, fpe_fltovf = 4, fpe_fltund = 5, fpe_fltres = 6, fpe_fltinv = 7, trap_brkpt = 1,
    pipe_code_none = 0,
};

// The kernel's record of one signal; signal_frame.cpp lays it out as
// Linux's siginfo_t. Which union member is meaningful follows from signo
// and code, as in Linux.
struct SignalInfo {
    int signo = 0;
    int code = si_user;
    int error = 0;
    int pid = 0;      // sender (kill, sigqueue) or child (SIGCHLD)
    uint32_t uid = 0;
    int status = 0;   // SIGCHLD: exit code or signal
    uint64_t value = 0;    // sigqueue's sigval
    uint64_t address = 0;  // faults: si_addr
    bool forced = false;   // a fault: acts even on init
};

// sigaction as the kernel ABI has it (struct kernel_sigaction).
struct SignalAction {
    uint64_t handler = 0;  // 0 SIG_DFL, 1 SIG_IGN, else the handler's address
    uint64_t flags = 0;
    uint64_t restorer = 0;
    SignalSet mask = 0;
};
constexpr uint64_t sig_dfl = 0, sig_ign = 1;
constexpr uint64_t sa_nocldstop = 1, sa_nocldwait = 2, sa_siginfo = 4, sa_onstack = 0x08000000,
                   sa_restart = 0x10000000, sa_nodefer = 0x40000000, sa_resethand = 0x80000000,
                   sa_restorer = 0x04000000;

// Standard signals are not queued: one pending instance each, as Linux.
// Real-time signals (32..64) queue: instances beyond the first wait in
// queued, oldest first, up to its capacity (then sigqueue fails with
// EAGAIN, as with Linux's RLIMIT_SIGPENDING).
constexpr int first_realtime_signal = 32;
struct PendingSignals {
    SignalSet set = 0;
    SignalInfo info[max_signal];
    static constexpr int queue_capacity = 32;
    SignalInfo queued[queue_capacity];
    int queued_count = 0;
};

// sigaltstack.
struct AlternateStack {
    uint64_t base = 0;
    uint64_t size = 0;
    bool enabled = false;
    bool auto_disarm = false;  // SS_AUTODISARM
};

// How a system call that a signal interrupted continues (signal(7)).
enum class Restart : uint8_t {
    none,              // the result stands
    if_sa_restart,     // Linux's ERESTARTSYS: restarted when no handler runs, or with SA_RESTART
    if_no_handler,     // ERESTARTNOHAND: poll, sleeps, sigsuspend... restarted only when no handler runs
    restart_block,     // ERESTART_RESTARTBLOCK: as if_no_handler, but through restart_syscall
};

// A relative sleep (nanosleep, clock_nanosleep) interrupted by a signal
// that runs no handler (a stop, then SIGCONT) goes on until its original
// deadline: the call restarts as restart_syscall, which finds this.
struct RestartBlock {
    bool armed = false;
    uint64_t deadline_ns = 0;
    uint64_t remaining_address = 0;  // the sleep's rem, for a later EINTR
};
constexpr uint64_t restart_syscall_number = 219;

struct ThreadSignals {
    SignalSet blocked = 0;
    PendingSignals pending;
    AlternateStack alternate_stack;
    // rt_sigsuspend, ppoll and pselect6 run with a temporary mask; the
    // original comes back once the handler frame is built (it is the
    // frame's uc_sigmask) or, without a handler, on the return to user.
    SignalSet saved_blocked = 0;
    bool restore_blocked = false;
    Restart restart = Restart::none;
    uint64_t syscall_number = 0;
    RestartBlock restart_block;
    // The fault behind a synchronous signal, for the handler's sigcontext.
    uint64_t fault_trap = 0, fault_error = 0, fault_address = 0;
};

// A process stopped by SIGSTOP & co., or continued, as its parent's wait sees it.
struct ProcessSignals {
    SignalAction actions[max_signal + 1];
    PendingSignals pending;  // sent to the process, taken by any thread that does not block it
    bool stopped = false;
    int stop_signal = 0;
    bool stop_reportable = false;       // for wait4 WUNTRACED / waitid WSTOPPED
    bool continue_reportable = false;   // for WCONTINUED
    int parent_death_signal = 0;        // prctl PR_SET_PDEATHSIG
    // ITIMER_REAL: armed when deadline_ns != 0.
    uint64_t alarm_deadline_ns = 0;
    uint64_t alarm_interval_ns = 0;
};

// Sending. Both check nothing about permissions (linux/signal*.cpp does);
// signal 0 is only a probe and sends nothing. Ignored signals are dropped
// here, as Linux does, unless blocked.
// False only when a real-time signal could not be queued (EAGAIN).
bool send_signal_to_process(Process& process, const SignalInfo& info);
bool send_signal_to_thread(Thread& thread, const SignalInfo& info);
// Every process of group pgid (the terminal's foreground group, kill(-pgid)
// without the permission check). Thread context only.
void send_signal_to_group(int pgid, int signal);
// POSIX's orphaned process group: no member has a parent in another group
// of the same session (leaving, when given, counts as gone already).
// Unlike Linux, init links its children's groups and its own group is
// never orphaned: the console gives init's shell job control.
bool process_group_orphaned(int pgid, const Process* leaving);
// A process leaves: groups it orphans that have stopped members get
// SIGHUP and SIGCONT (its own group, and its children's).
void hang_up_orphaned_groups(const Process& leaving);
// Job control: would the current thread's signal be ignored or blocked?
bool current_thread_ignores_or_blocks(int signal);
// The one-line form for objects that fail a write with EPIPE (pipes, sockets).
void send_signal_to_current_thread(int signal);
// A synchronous fault: the current thread gets signal even when it blocks
// or ignores it (the disposition resets to the default, as Linux's
// force_sig does), so a fault without a usable handler kills the process.
// Memory code uses it for SIGBUS (bus_adrerr) past the end of a file.
void send_fault_signal(int signal, int code, uint64_t address);

// Called (under the signal lock, perhaps from an interrupt) whenever a
// signal becomes pending anywhere: signalfd (ipc/signal_file.cpp) wakes
// its readers and pollers with it. It must not block or take signal state.
void set_pending_listener(void (*listener)());

// Is a signal waiting that the current thread must act on (so a blocking
// call ends early)?
bool current_thread_has_pending_signal();
bool thread_has_pending_signal(Thread& thread);

// On every return to user mode (syscall exit, interrupt and exception
// return, a new thread's first entry): restarts or fails an interrupted
// call, runs default actions (which may stop or end the process) and
// builds a handler frame. frame is the thread's user frame.
void deliver_signals(arch::TrapFrame& frame);

// The current thread's mask, and the temporary mask of sigsuspend & co.
SignalSet current_blocked();
void set_current_blocked(SignalSet blocked);
void set_temporary_blocked(SignalSet blocked);
// The call did not end with EINTR: the original mask returns now.
void end_temporary_blocked();

// Dispositions (rt_sigaction). Fails for SIGKILL/SIGSTOP with a new action.
lib::Status change_action(Process& process, int signal, const SignalAction* fresh, SignalAction* old);
SignalAction action_of(Process& process, int signal);

// Takes a pending signal in set for the current thread (rt_sigtimedwait),
// false when none.
bool take_pending_signal(SignalSet set, SignalInfo& info);
SignalSet current_pending();

// Fork: the child gets the dispositions, and its one thread the parent
// thread's mask and alternate stack; nothing pending.
void inherit_signals(Process& child, const Process& parent);
void inherit_thread_signals(Thread& child, const Thread& parent);
// Exec: handled signals go back to the default; ignored ones stay ignored.
void reset_signals_for_exec(Process& process);
// Exit: stops the process's alarm.
void release_signals(Process& process);

// A child's change of state for its parent: SIGCHLD (unless the parent
// asked for none) and a wake of the parent's waiters.
enum class ChildEvent { exited, killed, stopped, continued };
void notify_parent(Process& child, ChildEvent event, int status);
// Whether the parent of an exiting child reaps it itself (SIGCHLD
// ignored or SA_NOCLDWAIT), so the child never becomes a zombie.
bool parent_reaps_automatically(Process& parent);

// ITIMER_REAL. Returns the previous setting (remaining, interval).
struct AlarmSetting {
    uint64_t remaining_ns = 0;
    uint64_t interval_ns = 0;
};
AlarmSetting set_alarm(Process& process, uint64_t value_ns, uint64_t interval_ns);
AlarmSetting get_alarm(Process& process);
// From the timer interrupt.
void fire_alarms(uint64_t now_ns);

}  // namespace sched
