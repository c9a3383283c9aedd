// /proc/<pid>/stat, statm, status, cmdline, comm, and the targets of exe,
// cwd and fd/N.
#include "fs/procfs/generators.h"
#include "fs/devfs/devices.h"
#include "fs/vfs/mount.h"
#include "fs/vfs/path.h"
#include "lib/allocator.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "sched/process.h"

namespace fs {
namespace {

struct Memory {
    uint64_t size = 0;      // bytes mapped
    uint64_t resident = 0;  // pages present
};

Memory memory_of(sched::Process& process) {
    Memory memory;
    if (process.space == nullptr) return memory;
    for (const mm::Region& region : process.space->regions()) {
        memory.size += region.end - region.start;
        mm::for_each_leaf_entry(process.space->page_table_root(), region.start, region.end,
                                [&](uint64_t, uint64_t* entry) { memory.resident += (*entry & mm::page_present) != 0; });
    }
    return memory;
}

// The thread group leader (the first thread), if it still runs.
sched::Thread* leader_of(sched::Process& process) {
    sched::Thread* leader = nullptr;
    process.threads.for_each([&](sched::Thread& thread) {
        if (leader == nullptr || thread.tid == process.pid) leader = &thread;
    });
    return leader;
}

// The name ps shows: the leader's (PR_SET_NAME, else the program's), at
// most 15 bytes (TASK_COMM_LEN); the executable's last component without threads.
lib::StringView command_name(sched::Process& process) {
    sched::Thread* leader = leader_of(process);
    if (leader != nullptr && leader->name[0] != '\0') return lib::StringView(leader->name);
    lib::StringView path(process.executable);
    size_t slash = path.length;
    while (slash > 0 && path[slash - 1] != '/') --slash;
    return lib::StringView(path.data + slash, lib::min<size_t>(path.length - slash, 15));
}

sched::SignalSet blocked_signals(sched::Process& process) {
    sched::Thread* leader = leader_of(process);
    return leader != nullptr ? leader->signals.blocked : 0;
}

char state_of(sched::Process& process) {
    if (process.state == sched::ProcessState::zombie) return 'Z';
    if (process.signals.stopped) return 'T';
    char state = 'S';
    process.threads.for_each([&](sched::Thread& thread) {
        if (thread.state == sched::ThreadState::runnable) state = 'R';
    });
    return state;
}

const char* state_name(char state) {
    switch (state) {
        case 'R':
            return "R (running)";
        case 'Z':
            return "Z (zombie)";
        case 'T':
            return "T (stopped)";
        default:
            return "S (sleeping)";
    }
}

void add_name(Text& text, sched::Process& process) {
    lib::StringView name = command_name(process);
    text.add_bytes(name.data, name.length);
}

void stat(sched::Process& process, Text& text) {
    Memory memory = memory_of(process);
    constexpr uint64_t ticks_per_second = 100;
    uint64_t start = process.start_ns / (1'000'000'000 / ticks_per_second);
    int threads = process.thread_count > 0 ? process.thread_count : 1;
    text.add("%d (", process.pid);
    add_name(text, process);
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt
    // majflt cmajflt utime stime cutime cstime priority nice num_threads
    // itrealvalue starttime vsize rss rsslim, then 28 more fields.
    text.add(") %c %d %d %d 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 %d 0 %lu %lu %lu 18446744073709551615", state_of(process),
             process.parent_pid, process.pgid, process.sid, threads, start, memory.size, memory.resident);
    text.add(" 0 0 0 0 0 0 %lu 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 %d\n", blocked_signals(process),
             process.state == sched::ProcessState::zombie ? process.wait_status : 0);
}

void statm(sched::Process& process, Text& text) {
    Memory memory = memory_of(process);
    text.add("%lu %lu 0 0 0 %lu 0\n", memory.size / mm::page_size, memory.resident, memory.size / mm::page_size);
}

void add_octal(Text& text, uint32_t value) {
    char digits[5] = {'0', '0', '0', '0', '\0'};
    for (int i = 3; i >= 0; --i, value >>= 3) digits[i] = static_cast<char>('0' + (value & 7));
    text.add_bytes(digits, 4);
}

void status(sched::Process& process, Text& text) {
    Memory memory = memory_of(process);
    text.add("Name:\t");
    add_name(text, process);
    text.add("\nUmask:\t");
    add_octal(text, process.umask);
    text.add("\nState:\t%s\n", state_name(state_of(process)));
    text.add("Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", process.pid, process.pid, process.parent_pid);
    const sched::Credentials& c = process.credentials;
    text.add("Uid:\t%u\t%u\t%u\t%u\n", c.uid, c.euid, c.suid, c.fsuid);
    text.add("Gid:\t%u\t%u\t%u\t%u\n", c.gid, c.egid, c.sgid, c.fsgid);
    text.add("FDSize:\t%d\nGroups:\t\n", object::FileTable::max_descriptors);
    text.add("VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\n", memory.size / 1024, memory.size / 1024);
    text.add("VmRSS:\t%8lu kB\n", memory.resident * 4);
    text.add("Threads:\t%d\n", process.thread_count > 0 ? process.thread_count : 1);
    text.add("SigQ:\t0/0\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n");
    text.add("SigBlk:\t%016lx\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n", blocked_signals(process));
}

}  // namespace

void generate_process_file(ProcKind kind, sched::Process& process, Text& text) {
    switch (kind) {
        case ProcKind::process_stat:
            return stat(process, text);
        case ProcKind::process_statm:
            return statm(process, text);
        case ProcKind::process_status:
            return status(process, text);
        case ProcKind::process_cmdline:
            // A zombie has no memory and shows an empty command line.
            if (process.state != sched::ProcessState::zombie)
                text.add_bytes(process.command_line.c_str(), process.command_line.length());
            return;
        case ProcKind::process_comm:
            add_name(text, process);
            text.add("\n");
            return;
        case ProcKind::mounts:
            return generate_system_file(kind, text);
        default:
            return;
    }
}

lib::Status process_link_target(ProcKind kind, sched::Process& process, int descriptor, Text& text) {
    if (process.state == sched::ProcessState::zombie) return lib::Error::not_found;
    if (kind == ProcKind::process_exe) {
        text.add("%s", process.executable);
        return lib::ok();
    }
    Vnode* directory = nullptr;
    object::FileReference file;
    if (kind == ProcKind::process_cwd) {
        directory = process.cwd.get();
    } else {
        file = TRY(process.files.get(descriptor));
        Vnode* vnode = file->vnode();
        if (vnode == nullptr) {
            auto status = TRY(file->status());
            constexpr uint32_t fifo = 0010000, socket = 0140000;
            const char* kind_name = (status.mode & type_mask) == fifo     ? "pipe"
                                    : (status.mode & type_mask) == socket ? "socket"
                                                                          : "anon_inode";
            text.add("%s:[%lu]", kind_name, status.inode);
            return lib::ok();
        }
        if (!vnode->is_directory()) {
            // Regular files show the path they were opened by (" (deleted)"
            // once unlinked, as Linux), memfds their memfd: name.
            lib::StringView opened(file->opened_path());
            if (!opened.empty()) {
                text.add_bytes(opened.data, opened.length);
                if (vnode->links == 0) text.add(" (deleted)");
            } else if (vnode->links == 0 && vnode->name.length() > 0) {
                text.add("/memfd:%s (deleted)", vnode->name.c_str());
            } else if (vnode->type() == type_character_device) {
                char name[64];
                device_node_name(vnode->device, name, sizeof name);
                if (name[0] != '\0')
                    text.add("/dev/%s", name);
                else
                    text.add("/dev/char/%u:%u", device_major(vnode->device), device_minor(vnode->device));
            } else {
                text.add("/inode:%lu", vnode->inode);
            }
            return lib::ok();
        }
        directory = vnode;
    }
    auto* buffer = static_cast<char*>(lib::allocate(max_path_length));
    if (buffer == nullptr) return lib::Error::no_memory;
    auto length = directory_path(directory, root_vnode(), buffer, max_path_length);
    if (!length.is_error()) text.add_bytes(buffer, length.value());
    lib::deallocate(buffer);
    if (length.is_error()) text.add("/ (deleted)");
    return lib::ok();
}

}  // namespace fs
