#include "sched/process.h"

#include "arch/x86_64/power.h"
#include "console/log.h"
#include "lib/allocator.h"
#include "mm/address_space.h"
#include "mm/kernel_heap.h"
#include "mm/physical.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/futex.h"
#include "sched/process_exit.h"
#include "sched/thread.h"

namespace sched {
namespace {

constexpr int init_pid = 1;
// fork fails (ENOMEM) rather than take the last 1 MiB: the processes that
// exist, the parent first, still need frames for their copy-on-write and
// demand-zero faults, and a fault that finds no frame kills its process.
constexpr uint64_t fork_reserve_frames = 256;

int next_pid = 1;
// Every process not yet reaped. One CPU and a kernel that is not preempted:
// only system calls touch the list (never interrupts), so walking it and
// then blocking cannot miss an exit. A second CPU needs a lock here.
lib::List<Process, &Process::all_node> processes;
// Init's fate, reported by the idle loop once its thread is reaped, so the
// frame count it prints includes the thread's own stack.
bool init_exited = false;
int init_status = 0;
bool first_user_entry_seen = false;
uint64_t frames_before_init = 0;

void tear_down(Process* process) {
    process->files.release();
    lib::destroy(process->space);
    process->space = nullptr;
}

Process* find_process(int pid) {
    Process* found = nullptr;
    processes.for_each([&](Process& process) {
        if (process.pid == pid) found = &process;
    });
    return found;
}

void reap(Process* process) {
    lib::List<Process, &Process::all_node>::remove(*process);
    lib::destroy(process);
}

// The exit status as the shell shows it, for init's report and QEMU's.
int shell_status(int wait_status) {
    int signal = wait_status & 0x7F;
    return signal != 0 ? 128 + signal : (wait_status >> 8) & 0xFF;
}

// The exiting process's children: to init, or (when init itself exits)
// zombies are freed and the living ones are left without a parent.
void reparent_children(Process& exiting) {
    Process* init = exiting.pid == init_pid ? nullptr : find_process(init_pid);
    bool init_has_zombie = false;
    processes.for_each([&](Process& child) {
        if (child.parent_pid != exiting.pid || &child == &exiting) return;
        if (init == nullptr) {
            if (child.state == ProcessState::zombie)
                reap(&child);
            else
                child.parent_pid = 0;
            return;
        }
        child.parent_pid = init_pid;
        init_has_zombie |= child.state == ProcessState::zombie;
    });
    if (init_has_zombie) (void)wake(init->child_exits, 1 << 30);
}

}  // namespace

lib::ErrorOr<Process*> create_process(int parent_pid) {
    if (next_pid == 1) frames_before_init = mm::free_frame_count();
    Process* process = lib::make<Process>();
    if (process == nullptr) return lib::Error::no_memory;
    auto space = mm::AddressSpace::create();
    if (space.is_error()) {
        lib::destroy(process);
        return space.error();
    }
    process->space = space.value();
    if (process->files.create().is_error()) {
        lib::destroy(process->space);
        lib::destroy(process);
        return lib::Error::no_memory;
    }
    process->pid = next_pid++;
    process->parent_pid = parent_pid;
    processes.push_back(*process);
    return process;
}

lib::ErrorOr<Process*> fork_process(Process& parent) {
    if (mm::free_frame_count() < fork_reserve_frames) return lib::Error::no_memory;
    Process* child = lib::make<Process>();
    if (child == nullptr) return lib::Error::no_memory;
    auto space = parent.space->clone_copy_on_write();
    if (space.is_error()) {
        lib::destroy(child);
        return space.error();
    }
    child->space = space.value();
    if (child->files.copy_from(parent.files).is_error()) {
        lib::destroy(child->space);
        lib::destroy(child);
        return lib::Error::no_memory;
    }
    child->cwd = parent.cwd;
    lib::copy_bytes(child->executable, parent.executable, sizeof child->executable);
    child->limits_stack = parent.limits_stack;
    lib::copy_bytes(child->signal_handlers, parent.signal_handlers, sizeof child->signal_handlers);
    child->signal_mask = parent.signal_mask;
    child->pid = next_pid++;
    child->parent_pid = parent.pid;
    processes.push_back(*child);
    return child;
}

void discard_process(Process* process) {
    tear_down(process);
    reap(process);
}

namespace {

// The last thread is leaving: the process ends.
[[noreturn]] void end_process(Thread* thread, Process* process) {
    int wait_status = process->wait_status;
    tear_down(process);
    reparent_children(*process);
    if (process->pid == init_pid) {
        init_exited = true;
        init_status = shell_status(wait_status);
        reap(process);
        thread->process = nullptr;
        exit_current_thread();
    }
    // A zombie until the parent collects the status. The parent cannot run
    // before this thread has switched away (one CPU, no kernel preemption),
    // so it never frees the Process under us.
    process->state = ProcessState::zombie;
    Process* parent = find_process(process->parent_pid);
    if (parent != nullptr) (void)wake(parent->child_exits, 1 << 30);
    exit_current_thread();
}

// The other threads of the current process leave at their next return to
// user mode; blocked ones are woken to get there.
void end_other_threads(Process& process) {
    Thread* self = current_thread();
    process.threads.for_each([&](Thread& thread) {
        if (&thread == self) return;
        thread.exit_requested = true;
        interrupt_thread(thread, true);
    });
}

}  // namespace

int allocate_id() {
    return next_pid++;
}

void exit_thread(int wait_status) {
    Thread* thread = current_thread();
    Process* process = thread->process;
    // CLONE_CHILD_CLEARTID: pthread_join waits on this word. A bad
    // address is ignored, as Linux does.
    if (thread->clear_child_tid != 0 && process->space != nullptr) {
        uint32_t zero = 0;
        if (mm::copy_value_to_user(thread->clear_child_tid, zero).is_error() == false) {
            auto key = futex_key(thread->clear_child_tid, false);
            if (!key.is_error()) (void)futex_wake(key.value(), 1, futex_bitset_match_any);
        }
    }
    lib::List<Thread, &Thread::process_node>::remove(*thread);
    --process->thread_count;
    if (process->threads.empty()) {
        if (!process->exiting) process->wait_status = wait_status;
        end_process(thread, process);
    }
    (void)wake(process->thread_exits, 1 << 30);
    exit_current_thread();
}

void exit_process(int wait_status) {
    Thread* self = current_thread();
    Process* process = self->process;
    if (!process->exiting) {
        process->exiting = true;
        process->wait_status = wait_status;
        end_other_threads(*process);
    }
    exit_thread(wait_status);
}

lib::Status become_only_thread() {
    Thread* self = current_thread();
    Process* process = self->process;
    end_other_threads(*process);
    while (process->thread_count > 1) {
        if (self->exit_requested) return lib::Error::interrupted;
        (void)block_on(process->thread_exits, 0);
    }
    if (self->exit_requested) return lib::Error::interrupted;
    self->tid = process->pid;
    return lib::ok();
}

void before_user_return() {
    Thread* thread = current_thread();
    if (thread->process != nullptr && thread->exit_requested) exit_thread(thread->process->wait_status);
}

lib::ErrorOr<WaitResult> wait_for_child(Process& parent, int pid, bool no_hang, bool keep) {
    for (;;) {
        bool any = false;
        Process* zombie = nullptr;
        processes.for_each([&](Process& child) {
            if (child.parent_pid != parent.pid || (pid != -1 && child.pid != pid)) return;
            any = true;
            if (zombie == nullptr && child.state == ProcessState::zombie) zombie = &child;
        });
        if (!any) return lib::Error::no_child;
        if (zombie != nullptr) {
            WaitResult result{zombie->pid, zombie->wait_status};
            if (!keep) reap(zombie);
            return result;
        }
        if (no_hang) return WaitResult{};
        if (current_thread_must_exit()) return lib::Error::interrupted;
        (void)block_on(parent.child_exits, 0);
    }
}

void kill_current_process_by_signal(int signal) {
    console::log("process %d killed by signal %d\n", current_thread()->process->pid, signal);
    exit_process(signaled_status(signal));
}

void finish_init_if_exited() {
    if (!init_exited) return;
    console::log("init exited with status %d\n", init_status);
    console::log("mm: %lu frames free before init, %lu after (heap %lu bytes in use)\n", frames_before_init,
                 mm::free_frame_count(), mm::kernel_heap_bytes_allocated());
    arch::exit_qemu(arch::saturated_exit_status(static_cast<unsigned long>(init_status)));
}

void note_first_user_entry() {
    if (first_user_entry_seen) return;
    first_user_entry_seen = true;
    uint64_t us = microseconds_since_kernel_entry();
    console::log("boot: %lu.%03lu ms from kernel entry to the first user instruction\n", us / 1000, us % 1000);
}

}  // namespace sched
