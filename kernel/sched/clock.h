// Clocks: monotonic time from the TSC (calibrated against the PIT at boot)
// and the realtime clock, which is the CMOS RTC read at boot plus
// monotonic time since.
#pragma once
#include <stdint.h>

namespace sched {

void init_clocks(uint64_t tsc_hz, uint64_t boot_tsc, uint64_t realtime_at_calibration_ns);
uint64_t monotonic_ns();
uint64_t realtime_ns();
// Milliseconds since kernel entry (the boot timeline's unit), in µs.
uint64_t microseconds_since_kernel_entry();

}  // namespace sched
