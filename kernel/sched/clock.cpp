#include "sched/clock.h"

#include "arch/x86_64/cpu.h"

namespace sched {
namespace {

uint64_t tsc_hz = 0;
uint64_t boot_tsc = 0;            // the TSC at kernel entry
uint64_t realtime_offset_ns = 0;  // realtime - monotonic

uint64_t tsc_to_ns(uint64_t ticks) {
    if (tsc_hz == 0) return 0;
    return static_cast<uint64_t>(static_cast<unsigned __int128>(ticks) * 1000000000u / tsc_hz);
}

}  // namespace

void init_clocks(uint64_t hz, uint64_t entry_tsc, uint64_t realtime_now_ns) {
    tsc_hz = hz;
    boot_tsc = entry_tsc;
    realtime_offset_ns = realtime_now_ns - monotonic_ns();
}

// Monotonic time counts from kernel entry, like Linux's from boot.
uint64_t monotonic_ns() {
    return tsc_to_ns(arch::read_tsc() - boot_tsc);
}

uint64_t realtime_ns() {
    return monotonic_ns() + realtime_offset_ns;
}

uint64_t microseconds_since_kernel_entry() {
    return monotonic_ns() / 1000;
}

}  // namespace sched
