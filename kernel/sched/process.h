// A process: an address space, file descriptors, identity, its place in
// the process tree and, once it has exited, the status its parent collects
// (a zombie). Its threads live in sched/thread.h.
#pragma once
#include <stdint.h>

#include "fs/node.h"
#include "lib/list.h"
#include "lib/string.h"
#include "object/file_table.h"
#include "sched/thread.h"

namespace mm {
class AddressSpace;
}

namespace sched {

enum class ProcessState { running, zombie };

struct Process {
    int pid = 0;
    int parent_pid = 0;  // 0: none (init); orphans go to init (pid 1)
    mm::AddressSpace* space = nullptr;
    object::FileTable files;
    fs::Node* cwd = nullptr;
    char executable[fs::max_path_length] = {};  // /proc/self/exe
    int thread_count = 0;
    ProcessState state = ProcessState::running;
    // Linux's wait status, valid once a zombie: exit code << 8, or the
    // signal number for a death by signal.
    int wait_status = 0;
    uint64_t limits_stack = 8 << 20;
    // Signal dispositions are recorded (rt_sigaction) though not delivered yet.
    uint64_t signal_handlers[65][4] = {};
    uint64_t signal_mask = 0;

    lib::ListNode all_node;  // every process that has not been reaped
    WaitQueue child_exits;   // this process's threads blocked in wait4/waitid
};

// Linux's wait status encodings (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG).
constexpr int exited_status(int code) {
    return (code & 0xFF) << 8;
}
constexpr int signaled_status(int signal) {
    return signal & 0x7F;
}

lib::ErrorOr<Process*> create_process(int parent_pid);
// A child of parent for fork: a copy-on-write clone of its address space,
// the same open files (shared, with their offsets), cwd, signal
// dispositions and mask. It has no thread yet; on failure nothing leaks.
lib::ErrorOr<Process*> fork_process(Process& parent);
// Undoes fork_process for a child that never ran (its thread could not be made).
void discard_process(Process* process);
// Ends the current process (all threads) with a wait status (see above).
// Its children go to init; it stays a zombie until its parent waits. For
// init, the machine stops.
[[noreturn]] void exit_process(int wait_status);

struct WaitResult {
    int pid = 0;  // 0: WNOHANG and no child has exited
    int wait_status = 0;
};
// What wait4/waitid need: the first zombie child of parent matching pid
// (-1: any), reaped unless keep is set. Blocks until one exits unless
// no_hang; no_child when parent has no matching child at all.
lib::ErrorOr<WaitResult> wait_for_child(Process& parent, int pid, bool no_hang, bool keep);

}  // namespace sched
