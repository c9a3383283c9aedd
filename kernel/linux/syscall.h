// What every system call handler sees, and their declarations (generated
// from linux/syscall_list.h). Handlers return a value or an Error; the
// dispatcher (linux/dispatch.cpp) turns errors into -errno.
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"
#include "lib/error.h"
#include "linux/syscall_list.h"

namespace object {
class File;
}

namespace sched {
struct Process;
struct Thread;
}  // namespace sched

namespace linux {

struct Arguments {
    uint64_t a0, a1, a2, a3, a4, a5;
    arch::TrapFrame& frame;
};

using Result = lib::ErrorOr<uint64_t>;

#define DECLARE_HANDLER(number, name) Result sys_##name(const Arguments& arguments);
LINUX_SYSCALLS(DECLARE_HANDLER)
#undef DECLARE_HANDLER

// The caller's process and thread.
sched::Process& current_process();
sched::Thread& current_thread();

// Installs a new file (taking over its one reference) at the lowest free
// descriptor; on failure releases it. For the calls that create objects.
Result install_new_file(object::File* file, bool close_on_exec);
// Two new files (pipe, socketpair) at the lowest free descriptors, their
// numbers written to user_fds as int[2]; on failure nothing stays open.
Result install_new_file_pair(object::File* first, object::File* second, bool close_on_exec, uint64_t user_fds);

// The Linux errno for an error (positive).
int errno_for(lib::Error error);

}  // namespace linux
