// A process: an address space, file descriptors, identity, its place in
// the process tree and, once it has exited, the status its parent collects
// (a zombie). Its threads live in sched/thread.h.
#pragma once
#include <stdint.h>

#include "fs/vfs/vnode.h"
#include "lib/list.h"
#include "lib/string.h"
#include "object/file_table.h"
#include "sched/thread.h"

namespace mm {
class AddressSpace;
}

namespace sched {

enum class ProcessState { running, zombie };

// Who a process acts as (Linux's real, effective, saved and filesystem ids).
struct Credentials {
    uint32_t uid = 0, euid = 0, suid = 0, fsuid = 0;
    uint32_t gid = 0, egid = 0, sgid = 0, fsgid = 0;
    static constexpr int max_groups = 64;
    uint32_t groups[max_groups] = {};
    int group_count = 0;
};

struct Process {
    int pid = 0;
    int parent_pid = 0;  // 0: none (init); orphans go to init (pid 1)
    int pgid = 0;        // process group
    int sid = 0;         // session
    bool has_execed = false;  // setpgid on a child fails (EACCES) once it has
    Credentials credentials;
    mm::AddressSpace* space = nullptr;
    object::FileTable files;
    fs::VnodeReference cwd;
    uint32_t umask = 022;
    char executable[fs::max_path_length] = {};  // /proc/self/exe
    // argv as execve got it, each argument NUL-terminated (/proc/<pid>/cmdline).
    lib::String command_line;
    uint64_t start_ns = 0;  // monotonic, for /proc/<pid>/stat's starttime
    int thread_count = 0;
    // Its threads (one thread group: getpid is the pid, gettid the
    // thread's own id; the first thread's id is the pid).
    lib::List<Thread, &Thread::process_node> threads;
    WaitQueue thread_exits;  // execve waiting for the other threads to go
    // exit_group (or a fatal fault) is under way: wait_status is final and
    // the other threads leave at their next return to user mode.
    bool exiting = false;
    ProcessState state = ProcessState::running;
    // Linux's wait status, valid once a zombie: exit code << 8, or the
    // signal number for a death by signal.
    int wait_status = 0;
    uint64_t limits_stack = 8 << 20;
    ProcessSignals signals;

    lib::ListNode all_node;     // every process that has not been reaped
    lib::ListNode alarm_node;   // armed ITIMER_REAL timers (sched/signal.cpp)
    // clone(CLONE_VFORK): the parent's thread waits on vfork_done until
    // this child execs or exits (release_vfork_parent).
    bool vfork_pending = false;
    WaitQueue vfork_done;
    WaitQueue child_exits;      // this process's threads blocked in wait4/waitid
    WaitQueue stopped_threads;  // its threads while it is stopped (SIGSTOP)
};

// Linux's wait status encodings (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG,
// WIFSTOPPED/WSTOPSIG, WIFCONTINUED).
constexpr int exited_status(int code) {
    return (code & 0xFF) << 8;
}
constexpr int signaled_status(int signal) {
    return signal & 0x7F;
}
constexpr int stopped_status(int signal) {
    return ((signal & 0xFF) << 8) | 0x7F;
}
constexpr int continued_status = 0xFFFF;

// The terminal layer's part in a session leader's exit (its controlling
// terminal hangs up), called as the leader ends.
void set_session_leader_exit_hook(void (*hook)(int sid));
// The process with pid (not yet reaped), or null.
Process* find_process(int pid);
// Every process not yet reaped, zombies included.
template <typename F>
void for_each_process(F&& function);
// prctl PR_SET_NAME and exec: the thread's name, truncated as Linux does.
void set_thread_name(Thread& thread, const char* name);
void set_thread_name_from_path(Thread& thread, const char* path);

lib::ErrorOr<Process*> create_process(int parent_pid);
// Every process not yet reaped (for procfs).
lib::List<Process, &Process::all_node>& all_processes();
// A child of parent for fork: a copy-on-write clone of its address space
// (or, with share_space, the same space: clone(CLONE_VM)),
// the same open files (shared, with their offsets), cwd, signal
// dispositions and mask. It has no thread yet; on failure nothing leaks.
lib::ErrorOr<Process*> fork_process(Process& parent, bool share_space = false);
// The living thread with id tid (in the process tgid when tgid > 0), or null.
Thread* find_thread(int tid, int tgid = 0);
// CLONE_VFORK: the caller waits until the child execs or exits; the child
// (its execve or its end) lets it go.
void wait_for_vfork(int child_pid);
void release_vfork_parent(Process& child);
// Undoes fork_process for a child that never ran (its thread could not be made).
void discard_process(Process* process);
// Ends the current process (all threads) with a wait status (see above):
// exit_group. The other threads leave at their next return to user mode;
// the last thread out turns the process into a zombie (its children go to
// init; it stays a zombie until its parent waits). For init, the machine stops.
[[noreturn]] void exit_process(int wait_status);
// Ends the current thread only (exit): clears and wakes its
// clear_child_tid futex; if it was the last thread, the process ends with
// wait_status (unless an exit_group already chose one).
[[noreturn]] void exit_thread(int wait_status);
// execve: ends every other thread of the current process and waits until
// they are gone; the caller becomes the leader (its tid becomes the pid).
// Fails with interrupted when the caller itself must exit meanwhile.
lib::Status become_only_thread();
// On every return to user mode (frame: the thread's user registers):
// leaves if the thread must exit, then delivers signals (sched/signal.h).
void before_user_return(arch::TrapFrame& frame);
// A new id for a process or thread (one namespace, as on Linux).
int allocate_id();

struct WaitResult {
    int pid = 0;  // 0: WNOHANG and no child has changed state
    int wait_status = 0;
    uint32_t uid = 0;
};
// Which children and which changes wait4/waitid ask for. pid > 0 names a
// child, -1 any child, pgid (when nonzero) a process group.
struct WaitRequest {
    int pid = -1;
    int pgid = 0;
    bool exited = true;
    bool stopped = false;
    bool continued = false;
    bool no_hang = false;
    bool keep = false;  // WNOWAIT: report, and leave the child waitable
};
// The first matching child that changed state: an exit (a zombie, reaped
// unless keep), a stop or a continue (reported once unless keep). Blocks
// until one does unless no_hang; no_child when parent has no matching
// child at all; interrupted by a signal.
lib::ErrorOr<WaitResult> wait_for_child(Process& parent, const WaitRequest& request);

namespace detail {
extern lib::List<Process, &Process::all_node> processes;
}
template <typename F>
void for_each_process(F&& function) {
    detail::processes.for_each(function);
}

}  // namespace sched
