// sysinfo: uptime, memory and process counts (busybox free and uptime use it).
#include "linux/syscall.h"
#include "mm/physical.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/process.h"

namespace linux {
namespace {

struct LinuxSysinfo {
    int64_t uptime;
    uint64_t loads[3];  // 1, 5 and 15 minutes, fixed point << 16
    uint64_t total_ram, free_ram, shared_ram, buffer_ram, total_swap, free_swap;
    uint16_t processes;
    uint16_t pad;
    uint64_t total_high, free_high;
    uint32_t memory_unit;
    char reserved[4];
};
static_assert(sizeof(LinuxSysinfo) == 112);

}  // namespace

Result sys_sysinfo(const Arguments& a) {
    LinuxSysinfo info = {};
    info.uptime = static_cast<int64_t>(sched::monotonic_ns() / 1'000'000'000);
    // FIXME: load averages are not computed yet (0, as /proc/loadavg says).
    info.total_ram = mm::total_frame_count() * 4096;
    info.free_ram = mm::free_frame_count() * 4096;
    int count = 0;
    sched::all_processes().for_each([&](sched::Process&) { ++count; });
    info.processes = static_cast<uint16_t>(count);
    info.memory_unit = 1;
    TRY(mm::copy_value_to_user(a.a0, info));
    return uint64_t(0);
}

}  // namespace linux
