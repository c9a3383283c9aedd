// Threads and the scheduler: round-robin over runnable threads, preempted
// by the timer when they run in user mode, blocking with wait queues and
// timed sleeps, and an idle thread that halts when nothing is runnable.
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"
#include "lib/error.h"
#include "lib/list.h"

namespace mm {
class AddressSpace;
}

namespace sched {

struct Process;

enum class ThreadState { runnable, blocked, dead };

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
    bool timed_out = false;
    uint64_t clear_child_tid = 0;  // set_tid_address
    uint64_t robust_list = 0;      // set_robust_list: recorded, not walked at death
    lib::ListNode process_node;    // Process::threads
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
// disabled by the caller's lock release.
bool block_on(WaitQueue& queue, uint64_t deadline_ns);
// Whether the current thread must leave (exit_requested), so that a
// blocking call ends early instead of waiting again.
bool current_thread_must_exit();
// Ends thread's block early (exit_group, execve); force: whatever it waits for.
void interrupt_thread(Thread& thread, bool force);
// Wakes at most count threads; how many.
int wake(WaitQueue& queue, int count);
// Sleeps until the monotonic clock reaches deadline_ns.
void sleep_until(uint64_t deadline_ns);

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
