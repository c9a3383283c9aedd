// Time sources: the TSC and the local APIC timer, both calibrated against
// the PIT (channel 2, which can be polled without interrupts), and the
// CMOS real-time clock.
#pragma once
#include <stdint.h>

namespace arch {

struct TimerCalibration {
    uint64_t tsc_hz;
    uint32_t apic_ticks_per_ms;
    bool tsc_deadline;  // the timer runs in TSC-deadline mode
};

// Enables the local APIC, calibrates, and starts a timer interrupt at hz
// on timer_vector: TSC-deadline mode where the CPU has it, else periodic.
TimerCalibration init_timer(uint32_t hz);
void acknowledge_interrupt();  // LAPIC end of interrupt
// Arms the next tick (TSC-deadline mode; nothing in periodic mode).
void rearm_timer();

// The RTC's current time as Unix seconds.
int64_t read_rtc_seconds();

}  // namespace arch
