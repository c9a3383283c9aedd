// New processes and threads and their ends: fork, vfork, clone (glibc's
// fork and pthread_create forms), clone3 (ENOSYS, so glibc falls back to
// clone), wait4 and waitid.
#include "lib/allocator.h"
#include "linux/syscall.h"
#include "mm/address_space.h"
#include "mm/user_copy.h"
#include "lib/string.h"
#include "linux/signal.h"
#include "sched/process.h"
#include "sched/signal.h"
#include "sched/thread.h"

namespace linux {
namespace {

constexpr uint64_t clone_vm = 0x100, clone_fs = 0x200, clone_files = 0x400, clone_sighand = 0x800;
constexpr uint64_t clone_vfork = 0x4000, clone_parent = 0x8000, clone_thread = 0x10000;
constexpr uint64_t clone_settls = 0x80000, clone_parent_settid = 0x100000, clone_child_cleartid = 0x200000;
constexpr uint64_t clone_newns = 0x20000, clone_sysvsem = 0x40000, clone_child_settid = 0x1000000;
constexpr uint64_t clone_pidfd = 0x1000, clone_newuser = 0x10000000;
constexpr uint64_t exit_signal_mask = 0xFF;
constexpr uint64_t sigchld = 17;

struct CloneRequest {
    uint64_t flags = sigchld;
    uint64_t stack = 0;
    uint64_t parent_tid = 0;
    uint64_t child_tid = 0;
    uint64_t tls = 0;
};

// The combinations Linux's copy_process refuses, in its order.
lib::Status check_flags(uint64_t flags) {
    if ((flags & (clone_newns | clone_fs)) == (clone_newns | clone_fs)) return lib::Error::invalid_argument;
    if ((flags & (clone_newuser | clone_fs)) == (clone_newuser | clone_fs)) return lib::Error::invalid_argument;
    if ((flags & clone_thread) && !(flags & clone_sighand)) return lib::Error::invalid_argument;
    if ((flags & clone_sighand) && !(flags & clone_vm)) return lib::Error::invalid_argument;
    // Init has no siblings: CLONE_PARENT is refused to it (threads are fine).
    if ((flags & clone_parent) && current_process().pid == 1) return lib::Error::invalid_argument;
    // Legacy clone passes the pidfd through parent_tid too.
    if ((flags & clone_pidfd) && (flags & clone_parent_settid)) return lib::Error::invalid_argument;
    constexpr uint64_t understood = exit_signal_mask | clone_vm | clone_fs | clone_files | clone_sighand |
                                    clone_vfork | clone_parent | clone_thread | clone_sysvsem | clone_settls |
                                    clone_parent_settid | clone_child_cleartid | clone_child_settid;
    if (flags & ~understood) return lib::Error::invalid_argument;
    return lib::ok();
}

// The new thread's registers and the tid words it asked for; it runs next.
uint64_t start_thread(sched::Thread* thread, mm::AddressSpace& space, const CloneRequest& request) {
    arch::TrapFrame* frame = thread->user_frame();
    frame->rax = 0;  // the child sees 0
    if (request.stack != 0) frame->rsp = request.stack;
    if (request.flags & clone_settls) thread->fs_base = request.tls;
    int32_t tid = thread->tid;
    if (request.flags & clone_child_settid) {
        // As on Linux, a bad address here does not fail the clone.
        (void)space.write(request.child_tid, &tid, sizeof tid);
    }
    if (request.flags & clone_child_cleartid) thread->clear_child_tid = request.child_tid;
    if (request.flags & clone_parent_settid) (void)mm::copy_value_to_user(request.parent_tid, tid);
    sched::make_runnable(thread);
    return static_cast<uint64_t>(tid);
}

// pthread_create: a thread in the caller's process, sharing everything.
Result create_thread(const Arguments& a, const CloneRequest& request) {
    // Threads share the Process, so its files and cwd: a thread with its
    // own (CLONE_THREAD without CLONE_FILES or CLONE_FS) is not supported.
    if ((request.flags & (clone_files | clone_fs)) != (clone_files | clone_fs)) return lib::Error::not_implemented;
    sched::Process& process = current_process();
    if (process.exiting) return lib::Error::try_again;
    sched::Thread* thread = TRY(sched::fork_user_thread(&process, a.frame));
    // A new thread has its creator's mask and name, but no alternate stack (Linux, CLONE_VM).
    sched::inherit_thread_signals(*thread, current_thread());
    thread->signals.alternate_stack = {};
    lib::copy_bytes(thread->name, current_thread().name, sizeof thread->name);
    return start_thread(thread, *process.space, request);
}

Result fork_with(const Arguments& a, const CloneRequest& request) {
    TRY(check_flags(request.flags));
    if (request.flags & clone_thread) return create_thread(a, request);
    // Sharing the cwd or the handlers with another process needs shared
    // objects we do not have: say so rather than half-do it. CLONE_VM
    // (posix_spawn's CLONE_VM|CLONE_VFORK) shares the address space.
    if (request.flags & (clone_fs | clone_sighand)) return lib::Error::not_implemented;
    // Only SIGCHLD is ever sent (or none); other exit signals wait for signals.
    uint64_t exit_signal = request.flags & exit_signal_mask;
    if (exit_signal != 0 && exit_signal != sigchld) return lib::Error::invalid_argument;

    sched::Process& parent = current_process();
    sched::Process* child = TRY(sched::fork_process(parent, (request.flags & clone_vm) != 0));
    if (request.flags & clone_files) child->files.share(parent.files);
    if (request.flags & clone_parent) child->parent_pid = parent.parent_pid;
    auto made = sched::fork_user_thread(child, a.frame);
    if (made.is_error()) {
        sched::discard_process(child);
        return made.error();
    }
    sched::inherit_thread_signals(*made.value(), current_thread());
    lib::copy_bytes(made.value()->name, current_thread().name, sizeof made.value()->name);
    // A vfork parent that shares its memory (CLONE_VM) waits for the
    // child's exec or exit, as the child borrows it. Plain vfork copies
    // (copy-on-write) so the child cannot disturb the parent: both run.
    bool wait = (request.flags & (clone_vm | clone_vfork)) == (clone_vm | clone_vfork);
    child->vfork_pending = wait;
    int pid = child->pid;
    (void)start_thread(made.value(), *child->space, request);
    if (wait) sched::wait_for_vfork(pid);
    return static_cast<uint64_t>(pid);
}

// Which children a wait names: > 0 that pid; -1 any; 0 the caller's
// process group; < -1 the group -pid.
sched::WaitRequest waited(int64_t pid) {
    sched::WaitRequest request;
    if (pid > 0)
        request.pid = static_cast<int>(pid);
    else if (pid == 0)
        request.pgid = current_process().pgid;
    else if (pid < -1)
        request.pgid = static_cast<int>(-pid);
    return request;
}

}  // namespace

Result sys_fork(const Arguments& a) {
    return fork_with(a, CloneRequest{});
}

Result sys_vfork(const Arguments& a) {
    return fork_with(a, CloneRequest{clone_vfork | sigchld});
}

// clone(flags, stack, parent_tid, child_tid, tls): the x86-64 order.
Result sys_clone(const Arguments& a) {
    return fork_with(a, CloneRequest{a.a0, a.a1, a.a2, a.a3, a.a4});
}

Result sys_clone3(const Arguments&) {
    return lib::Error::not_implemented;
}

Result sys_wait4(const Arguments& a) {
    constexpr uint64_t wnohang = 1, wuntraced = 2, wcontinued = 8;
    constexpr uint64_t wnothread = 0x20000000, wall = 0x40000000, wclone = 0x80000000;
    if (a.a2 & ~(wnohang | wuntraced | wcontinued | wnothread | wall | wclone)) return lib::Error::invalid_argument;
    int64_t pid = static_cast<int32_t>(a.a0);
    if (pid == -0x80000000LL) return lib::Error::no_such_process;
    sched::WaitRequest request = waited(pid);
    request.stopped = (a.a2 & wuntraced) != 0;
    request.continued = (a.a2 & wcontinued) != 0;
    request.no_hang = (a.a2 & wnohang) != 0;
    sched::WaitResult result = TRY(sched::wait_for_child(current_process(), request));
    if (result.pid != 0 && a.a1 != 0) {
        int32_t status = result.wait_status;
        TRY(mm::copy_value_to_user(a.a1, status));
    }
    if (a.a3 != 0) {
        uint8_t usage[144] = {};  // struct rusage: no accounting yet
        TRY(mm::copy_to_user(a.a3, usage, sizeof usage));
    }
    return static_cast<uint64_t>(result.pid);
}

// waitid(idtype, id, infop, options, rusage).
Result sys_waitid(const Arguments& a) {
    constexpr uint64_t p_all = 0, p_pid = 1, p_pgid = 2;
    constexpr uint64_t wnohang = 1, wstopped = 2, wexited = 4, wcontinued = 8, wnowait = 0x1000000;
    constexpr uint64_t wnothread = 0x20000000, wall = 0x40000000, wclone = 0x80000000;
    if (a.a3 & ~(wnohang | wstopped | wexited | wcontinued | wnowait | wnothread | wall | wclone)) {
        return lib::Error::invalid_argument;
    }
    if ((a.a3 & (wexited | wstopped | wcontinued)) == 0) return lib::Error::invalid_argument;
    sched::WaitRequest request;
    if (a.a0 == p_pid) {
        if (static_cast<int32_t>(a.a1) <= 0) return lib::Error::invalid_argument;
        request.pid = static_cast<int32_t>(a.a1);
    } else if (a.a0 == p_pgid) {
        if (static_cast<int32_t>(a.a1) < 0) return lib::Error::invalid_argument;
        request.pgid = a.a1 == 0 ? current_process().pgid : static_cast<int32_t>(a.a1);
    } else if (a.a0 != p_all) {
        return lib::Error::invalid_argument;
    }
    request.exited = (a.a3 & wexited) != 0;
    request.stopped = (a.a3 & wstopped) != 0;
    request.continued = (a.a3 & wcontinued) != 0;
    request.no_hang = (a.a3 & wnohang) != 0;
    request.keep = (a.a3 & wnowait) != 0;
    sched::WaitResult result = TRY(sched::wait_for_child(current_process(), request));
    if (a.a2 != 0) {
        sched::SignalInfo info;  // all zero when WNOHANG found nothing, as Linux
        if (result.pid != 0) {
            int status = result.wait_status;
            info.signo = sched::sigchld;
            info.pid = result.pid;
            info.uid = result.uid;
            if (status == sched::continued_status) {
                info.code = sched::cld_continued;
                info.status = sched::sigcont;
            } else if ((status & 0xFF) == 0x7F) {
                info.code = sched::cld_stopped;
                info.status = (status >> 8) & 0xFF;
            } else if ((status & 0x7F) != 0) {
                info.code = (status & 0x80) ? sched::cld_dumped : sched::cld_killed;
                info.status = status & 0x7F;
            } else {
                info.code = sched::cld_exited;
                info.status = (status >> 8) & 0xFF;
            }
        }
        TRY(write_signal_info(a.a2, info));
    }
    if (a.a4 != 0) {
        uint8_t usage[144] = {};
        TRY(mm::copy_to_user(a.a4, usage, sizeof usage));
    }
    return uint64_t(0);
}

}  // namespace linux
