// A process: an address space, file descriptors, identity and exit status.
// Its threads live in sched/thread.h.
#pragma once
#include <stdint.h>

#include "fs/node.h"
#include "lib/string.h"
#include "object/file_table.h"

namespace mm {
class AddressSpace;
}

namespace sched {

struct Process {
    int pid = 0;
    int parent_pid = 0;
    mm::AddressSpace* space = nullptr;
    object::FileTable files;
    fs::Node* cwd = nullptr;
    char executable[fs::max_path_length] = {};  // /proc/self/exe
    int thread_count = 0;
    bool exiting = false;
    int exit_status = 0;
    uint64_t limits_stack = 8 << 20;
    // Signal dispositions are recorded (rt_sigaction) though not delivered yet.
    uint64_t signal_handlers[65][4] = {};
    uint64_t signal_mask = 0;
};

lib::ErrorOr<Process*> create_process(int parent_pid);
// The process's status and exit (all threads). For init, the machine stops.
[[noreturn]] void exit_process(int status);

}  // namespace sched
