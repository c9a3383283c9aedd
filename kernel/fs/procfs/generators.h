// The text of procfs files, Linux's formats (proc(5)).
#pragma once
#include "fs/procfs/text.h"
#include "lib/error.h"

namespace sched {
struct Process;
}

namespace fs {

enum class ProcKind {
    root,
    self,
    thread_self,
    meminfo,
    uptime,
    loadavg,
    stat,
    mounts,
    filesystems,
    process_directory,
    process_stat,
    process_statm,
    process_status,
    process_cmdline,
    process_comm,
    process_exe,
    process_cwd,
    process_fd_directory,
    process_fd,
};

// The contents of a regular procfs file (for process files, of process).
void generate_system_file(ProcKind kind, Text& text);
void generate_process_file(ProcKind kind, sched::Process& process, Text& text);
// Symlink targets: exe, cwd, fd/N.
lib::Status process_link_target(ProcKind kind, sched::Process& process, int descriptor, Text& text);

}  // namespace fs
