// Threads and the scheduler: round-robin over runnable threads, preempted
// by the timer when they run in user mode, blocking with wait queues and
// timed sleeps, and an idle thread that halts when nothing is runnable.
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"
#include "lib/error.h"
#include "lib/list.h"
#include "sched/signal.h"

namespace mm {
class AddressSpace;
}

namespace sched {

struct Process;

enum class ThreadState { runnable, blocked, dead };
// Why a blocked thread runs again.
enum class WakeReason : uint8_t { woken, timed_out, interrupted };

constexpr int thread_name_length = 16;  // Linux's TASK_COMM_LEN, with the NUL

struct Thread {
    uint64_t saved_rsp = 0;     // while switched out (context_switch.S)
    uint64_t kernel_stack = 0;  // physical base of the stack frames
    uint64_t kernel_stack_top = 0;
    uint64_t fs_base = 0;
    uint64_t gs_base = 0;                // the user's, in KERNEL_GS_BASE while in the kernel
    alignas(16) uint8_t fpu_state[512];  // fxsave image
    int tid = 0;
    Process* process = nullptr;  // null for kernel threads
    ThreadState state = ThreadState::runnable;
    lib::ListNode run_node;  // run queue or a wait queue
    lib::ListNode sleep_node;
    uint64_t wake_at_ns = 0;
    WakeReason wake_reason = WakeReason::woken;
    bool interruptible = false;  // a signal may end its current block
    uint64_t clear_child_tid = 0;  // set_tid_address
    uint64_t robust_list = 0;      // set_robust_list: recorded, not walked at death
    lib::ListNode process_node;    // Process::threads
    ThreadSignals signals;
    char name[thread_name_length] = {};  // prctl PR_SET_NAME, /proc/PID/comm
    // exit_group, execve or a fatal signal elsewhere in the process: the
    // thread leaves at its next return to user mode (before_user_return).
    bool exit_requested = false;

    arch::TrapFrame* user_frame() {
        return reinterpret_cast<arch::TrapFrame*>(kernel_stack_top - sizeof(arch::TrapFrame));
    }
};

using WaitQueue = lib::List<Thread, &Thread::run_node>;

void init_scheduler();
Thread* current_thread();
mm::AddressSpace* current_address_space();

// A thread that will enter user mode at rip with stack rsp.
lib::ErrorOr<Thread*> create_user_thread(Process* process, uint64_t rip, uint64_t rsp);
// fork's thread in process: the caller's user registers (frame) and FPU
// state, FS and GS bases; the caller adjusts the copy before it runs.
lib::ErrorOr<Thread*> fork_user_thread(Process* process, const arch::TrapFrame& frame);
void make_runnable(Thread* thread);

// Gives up the CPU; returns when this thread runs again.
void yield();
// Blocks on queue until woken (or until deadline_ns on the monotonic
// clock, when nonzero). Returns false on timeout. Called with interrupts
// disabled by the caller's lock release. The block also ends early when
// the thread must leave its wait (below), and does not start at all if it
// already must: so a caller that loops on block_on must check
// current_thread_must_exit() in its loop and return Error::interrupted.
bool block_on(WaitQueue& queue, uint64_t deadline_ns);
// Whether the current thread must leave its wait now: it has to exit
// (exit_group, execve elsewhere) or a signal needs it. The system call
// then returns Error::interrupted, which the dispatcher turns into EINTR
// or a restart (signal(7), sched/signal.h).
bool current_thread_must_exit();
// For the few waits no signal may cut short (a stopped thread waiting for
// SIGCONT, execve waiting for the other threads); interrupt_thread with
// force still ends them.
void block_uninterruptibly(WaitQueue& queue);
// Ends thread's interruptible block early (a signal); force: whatever it
// waits for (exit_group, execve, SIGKILL).
void interrupt_thread(Thread& thread, bool force);
// Wakes at most count threads; how many.
int wake(WaitQueue& queue, int count);
// Sleeps until the monotonic clock reaches deadline_ns; Error::interrupted
// when the thread must leave first.
lib::Status sleep_until(uint64_t deadline_ns);

// From the timer interrupt: wakes sleepers and preempts user threads.
void on_timer_tick(arch::TrapFrame& frame);

// Ends the current thread; never returns.
[[noreturn]] void exit_current_thread();

// Called by the idle loop after reaping: when init's last thread is gone,
// reports its status and stops the machine (sched/process.cpp).
void finish_init_if_exited();
// The boot timeline's last entry, on the first entry to user mode.
void note_first_user_entry();

// Starts the first thread and becomes the idle loop.
[[noreturn]] void run();

}  // namespace sched
