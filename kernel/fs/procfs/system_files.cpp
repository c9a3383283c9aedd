// /proc/meminfo, uptime, loadavg, stat, mounts, filesystems.
#include "fs/procfs/generators.h"
#include "fs/vfs/mount.h"
#include "mm/kernel_heap.h"
#include "mm/physical.h"
#include "sched/clock.h"
#include "sched/process.h"

namespace fs {
namespace {

void meminfo(Text& text) {
    uint64_t total = mm::total_frame_count() * 4, free = mm::free_frame_count() * 4;  // KiB
    uint64_t heap = mm::kernel_heap_bytes_allocated() / 1024;
    text.add("MemTotal:       %8lu kB\n", total);
    text.add("MemFree:        %8lu kB\n", free);
    text.add("MemAvailable:   %8lu kB\n", free);
    text.add("Buffers:        %8lu kB\n", 0ul);
    text.add("Cached:         %8lu kB\n", 0ul);
    text.add("SwapCached:     %8lu kB\n", 0ul);
    text.add("Active:         %8lu kB\n", 0ul);
    text.add("Inactive:       %8lu kB\n", 0ul);
    text.add("SwapTotal:      %8lu kB\n", 0ul);
    text.add("SwapFree:       %8lu kB\n", 0ul);
    text.add("Dirty:          %8lu kB\n", 0ul);
    text.add("Shmem:          %8lu kB\n", 0ul);
    text.add("Slab:           %8lu kB\n", heap);
    text.add("SReclaimable:   %8lu kB\n", 0ul);
    text.add("SUnreclaim:     %8lu kB\n", heap);
}

void uptime(Text& text) {
    uint64_t centiseconds = sched::monotonic_ns() / 10'000'000;
    // FIXME: idle time is not counted yet.
    text.add("%lu.%02lu 0.00\n", centiseconds / 100, centiseconds % 100);
}

int process_count() {
    int count = 0;
    sched::all_processes().for_each([&](sched::Process&) { ++count; });
    return count;
}

int newest_pid() {
    int newest = 0;
    sched::all_processes().for_each([&](sched::Process& p) {
        if (p.pid > newest) newest = p.pid;
    });
    return newest;
}

void loadavg(Text& text) {
    // FIXME: load averages are not computed yet.
    text.add("0.00 0.00 0.00 1/%d %d\n", process_count(), newest_pid());
}

void stat(Text& text) {
    // Clock ticks (USER_HZ, 100 per second). FIXME: the scheduler does not
    // account time per state yet; all of it shows as idle.
    uint64_t ticks = sched::monotonic_ns() / 10'000'000;
    text.add("cpu  0 0 0 %lu 0 0 0 0 0 0\n", ticks);
    text.add("cpu0 0 0 0 %lu 0 0 0 0 0 0\n", ticks);
    text.add("intr 0\nctxt 0\n");
    uint64_t boot = (sched::realtime_ns() - sched::monotonic_ns()) / 1'000'000'000;
    text.add("btime %lu\n", boot);
    text.add("processes %d\nprocs_running 1\nprocs_blocked 0\n", newest_pid());
}

void mounts(Text& text) {
    for (size_t i = 0;; ++i) {
        const MountEntry* entry = mount_entry(i);
        if (entry == nullptr) break;
        text.add("%s %s %s %s 0 0\n", entry->source.c_str(), entry->path.c_str(), entry->filesystem->type_name(),
                 entry->filesystem->read_only() ? "ro" : "rw");
    }
}

}  // namespace

void generate_system_file(ProcKind kind, Text& text) {
    switch (kind) {
        case ProcKind::meminfo:
            return meminfo(text);
        case ProcKind::uptime:
            return uptime(text);
        case ProcKind::loadavg:
            return loadavg(text);
        case ProcKind::stat:
            return stat(text);
        case ProcKind::mounts:
            return mounts(text);
        case ProcKind::filesystems:
            text.add("nodev\ttmpfs\nnodev\tproc\nnodev\tdevtmpfs\n");
            return;
        default:
            return;
    }
}

}  // namespace fs
