#include "sched/process.h"

#include "arch/x86_64/power.h"
#include "console/log.h"
#include "fs/vfs/locks.h"
#include "lib/allocator.h"
#include "mm/address_space.h"
#include "mm/kernel_heap.h"
#include "mm/physical.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/deferred.h"
#include "sched/futex.h"
#include "sched/signal.h"
#include "sched/thread.h"

namespace sched {
namespace {

constexpr int init_pid = 1;
// fork fails (ENOMEM) rather than take the last 1 MiB: the processes that
// exist, the parent first, still need frames for their copy-on-write and
// demand-zero faults, and a fault that finds no frame kills its process.
constexpr uint64_t fork_reserve_frames = 256;

int next_pid = 1;
using detail::processes;
void (*session_leader_exit_hook)(int sid) = nullptr;
// Init's fate, reported by the idle loop once its thread is reaped, so the
// frame count it prints includes the thread's own stack.
bool init_exited = false;
int init_status = 0;
bool first_user_entry_seen = false;
uint64_t frames_before_init = 0;
// The heap's state when init starts: a leak check must tell frames the heap
// keeps (a chunk pinned by one long-lived allocation made meanwhile) from
// frames nobody holds.
uint64_t heap_bytes_before_init = 0, heap_frames_before_init = 0;

void tear_down(Process* process) {
    release_signals(*process);
    process->files.release();
    fs::release_all_record_locks(process->pid);
    process->cwd.reset();
    if (process->space != nullptr) process->space->release();
    process->space = nullptr;
    release_vfork_parent(*process);
}

}  // namespace

lib::List<Process, &Process::all_node>& all_processes() {
    return processes;
}

namespace {

void reap(Process* process) {
    // A vfork parent still waiting on this process must not wait on freed memory.
    release_vfork_parent(*process);
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
        int death_signal = child.signals.parent_death_signal;
        if (death_signal != 0 && child.state != ProcessState::zombie) {
            SignalInfo info;
            info.signo = death_signal;
            info.pid = exiting.pid;
            send_signal_to_process(child, info);
        }
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

namespace detail {
// Every process not yet reaped. One CPU and a kernel that is not preempted:
// only system calls touch the list (never interrupts), so walking it and
// then blocking cannot miss an exit. A second CPU needs a lock here.
lib::List<Process, &Process::all_node> processes;
}  // namespace detail

void set_session_leader_exit_hook(void (*hook)(int sid)) {
    session_leader_exit_hook = hook;
}

Process* find_process(int pid) {
    Process* found = nullptr;
    processes.for_each([&](Process& process) {
        if (process.pid == pid) found = &process;
    });
    return found;
}

void set_thread_name(Thread& thread, const char* name) {
    size_t length = lib::min<size_t>(lib::string_length(name), thread_name_length - 1);
    lib::fill_bytes(thread.name, 0, sizeof thread.name);
    lib::copy_bytes(thread.name, name, length);
}

void set_thread_name_from_path(Thread& thread, const char* path) {
    const char* base = path;
    for (const char* c = path; *c != '\0'; ++c) {
        if (*c == '/' && c[1] != '\0') base = c + 1;
    }
    set_thread_name(thread, base);
}

lib::ErrorOr<Process*> create_process(int parent_pid) {
    if (next_pid == 1) {
        frames_before_init = mm::free_frame_count();
        heap_bytes_before_init = mm::kernel_heap_bytes_allocated();
        heap_frames_before_init = mm::kernel_heap_frames();
    }
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
    process->start_ns = sched::monotonic_ns();
    process->parent_pid = parent_pid;
    // As on Linux, init starts in session 0 and group 0, leading neither,
    // so a shell as init can still setpgid (and setsid).
    process->pgid = 0;
    process->sid = 0;
    processes.push_back(*process);
    return process;
}

lib::ErrorOr<Process*> fork_process(Process& parent, bool share_space) {
    if (mm::free_frame_count() < fork_reserve_frames) return lib::Error::no_memory;
    Process* child = lib::make<Process>();
    if (child == nullptr) return lib::Error::no_memory;
    if (share_space) {
        parent.space->reference();
        child->space = parent.space;
    } else {
        auto space = parent.space->clone_copy_on_write();
        if (space.is_error()) {
            lib::destroy(child);
            return space.error();
        }
        child->space = space.value();
    }
    if (child->files.copy_from(parent.files).is_error()) {
        child->space->release();
        lib::destroy(child);
        return lib::Error::no_memory;
    }
    child->cwd = fs::VnodeReference::share(parent.cwd.get());
    child->umask = parent.umask;
    if (parent.command_line.length() > 0) {
        auto copied = lib::String::copy(parent.command_line.view());
        if (!copied.is_error()) child->command_line = copied.release_value();
    }
    child->start_ns = sched::monotonic_ns();
    lib::copy_bytes(child->executable, parent.executable, sizeof child->executable);
    child->limits_stack = parent.limits_stack;
    inherit_signals(*child, parent);
    child->pgid = parent.pgid;
    child->sid = parent.sid;
    lib::copy_bytes(&child->credentials, &parent.credentials, sizeof child->credentials);
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
    if (process->sid == process->pid && session_leader_exit_hook != nullptr) session_leader_exit_hook(process->sid);
    hang_up_orphaned_groups(*process);
    reparent_children(*process);
    Process* parent = find_process(process->parent_pid);
    int signal = wait_status & 0x7F;
    ChildEvent event = signal != 0 ? ChildEvent::killed : ChildEvent::exited;
    int status = signal != 0 ? signal : (wait_status >> 8) & 0xFF;
    if (process->pid == init_pid || (parent != nullptr && parent_reaps_automatically(*parent))) {
        if (process->pid == init_pid) {
            init_exited = true;
            init_status = shell_status(wait_status);
        } else {
            // SIGCHLD ignored or SA_NOCLDWAIT: no zombie; a parent blocked
            // in wait looks again (and may find no children: ECHILD).
            notify_parent(*process, event, status);
        }
        reap(process);
        thread->process = nullptr;
        exit_current_thread();
    }
    // A zombie until the parent collects the status. The parent cannot run
    // before this thread has switched away (one CPU, no kernel preemption),
    // so it never frees the Process under us.
    process->state = ProcessState::zombie;
    if (parent != nullptr) notify_parent(*process, event, status);
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

Thread* find_thread(int tid, int tgid) {
    Thread* found = nullptr;
    processes.for_each([&](Process& process) {
        if (tgid > 0 && process.pid != tgid) return;
        process.threads.for_each([&](Thread& thread) {
            if (thread.tid == tid) found = &thread;
        });
    });
    return found;
}

void release_vfork_parent(Process& child) {
    if (!child.vfork_pending) return;
    child.vfork_pending = false;
    (void)wake(child.vfork_done, 1 << 30);
}

void wait_for_vfork(int child_pid) {
    // Only the child's exec or exit ends the wait (and a fatal signal or
    // exit_group, which wakes it by force); ordinary signals wait for it.
    for (;;) {
        Process* child = find_process(child_pid);
        if (child == nullptr || !child->vfork_pending) return;
        block_uninterruptibly(child->vfork_done);
        child = find_process(child_pid);
        if (child != nullptr && child->vfork_pending && current_thread_must_exit()) return;
    }
}

int allocate_id() {
    return next_pid++;
}

void exit_thread(int wait_status) {
    Thread* thread = current_thread();
    Process* process = thread->process;
    if (process->space != nullptr) release_robust_futexes(*thread);
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
    // Not cut short by signals: the other threads are on their way out.
    while (process->thread_count > 1) {
        if (self->exit_requested) return lib::Error::interrupted;
        block_uninterruptibly(process->thread_exits);
    }
    if (self->exit_requested) return lib::Error::interrupted;
    self->tid = process->pid;
    return lib::ok();
}

void before_user_return(arch::TrapFrame& frame) {
    Thread* thread = current_thread();
    if (thread->process == nullptr) return;
    if (thread->exit_requested) exit_thread(thread->process->wait_status);
    run_deferred_work();
    deliver_signals(frame);
}

lib::ErrorOr<WaitResult> wait_for_child(Process& parent, const WaitRequest& request) {
    for (;;) {
        bool any = false;
        Process* found = nullptr;
        processes.for_each([&](Process& child) {
            if (child.parent_pid != parent.pid || &child == &parent) return;
            if (request.pid > 0 && child.pid != request.pid) return;
            if (request.pgid != 0 && child.pgid != request.pgid) return;
            any = true;
            if (found != nullptr) return;
            bool exited = child.state == ProcessState::zombie;
            if ((request.exited && exited) || (request.stopped && !exited && child.signals.stop_reportable) ||
                (request.continued && !exited && child.signals.continue_reportable)) {
                found = &child;
            }
        });
        if (!any) return lib::Error::no_child;
        if (found != nullptr) {
            WaitResult result{found->pid, found->wait_status, found->credentials.uid};
            if (found->state == ProcessState::zombie) {
                if (!request.keep) reap(found);
            } else if (request.stopped && found->signals.stop_reportable) {
                result.wait_status = stopped_status(found->signals.stop_signal);
                if (!request.keep) found->signals.stop_reportable = false;
            } else {
                result.wait_status = continued_status;
                if (!request.keep) found->signals.continue_reportable = false;
            }
            return result;
        }
        if (request.no_hang) return WaitResult{};
        if (current_thread_must_exit()) return lib::Error::interrupted;
        (void)block_on(parent.child_exits, 0);
    }
}

void finish_init_if_exited() {
    if (!init_exited) return;
    console::log("init exited with status %d\n", init_status);
    console::log("mm: %lu frames free before init, %lu after (heap %lu bytes in use)\n", frames_before_init,
                 mm::free_frame_count(), mm::kernel_heap_bytes_allocated());
    console::log("mm: heap %lu bytes in use in %lu frames before init, %lu bytes in %lu frames after\n",
                 heap_bytes_before_init, heap_frames_before_init, mm::kernel_heap_bytes_allocated(),
                 mm::kernel_heap_frames());
    arch::exit_qemu(arch::saturated_exit_status(static_cast<unsigned long>(init_status)));
}

void note_first_user_entry() {
    if (first_user_entry_seen) return;
    first_user_entry_seen = true;
    uint64_t us = microseconds_since_kernel_entry();
    console::log("boot: %lu.%03lu ms from kernel entry to the first user instruction\n", us / 1000, us % 1000);
}

}  // namespace sched
