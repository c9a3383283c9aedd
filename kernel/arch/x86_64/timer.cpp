#include "arch/x86_64/timer.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/io.h"
#include "lib/calendar.h"
#include "mm/layout.h"

namespace arch {
namespace {

constexpr uint64_t pit_hz = 1193182;
constexpr uint32_t apic_eoi = 0xB0, apic_spurious = 0xF0, apic_lvt_timer = 0x320, apic_timer_initial = 0x380,
                   apic_timer_current = 0x390, apic_timer_divide = 0x3E0;

volatile uint32_t* apic = nullptr;
constexpr uint32_t msr_tsc_deadline = 0x6E0;
// With TSC-deadline mode the timer is one-shot at a TSC value: each tick
// arms the next one period later (no drift from APIC-clock rounding).
bool use_tsc_deadline = false;
uint64_t tsc_period = 0;
uint64_t next_deadline = 0;

uint32_t apic_read(uint32_t reg) {
    return apic[reg / 4];
}
void apic_write(uint32_t reg, uint32_t value) {
    apic[reg / 4] = value;
}

// Starts PIT channel 2 counting down `ticks` with the speaker gate, then
// returns; pit_done() says when it reached zero.
void pit_start(uint16_t ticks) {
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);  // gate on, speaker off
    outb(0x43, 0xB0);                        // channel 2, lobyte/hibyte, mode 0
    outb(0x42, ticks & 0xFF);
    outb(0x42, ticks >> 8);
}
bool pit_done() {
    return (inb(0x61) & 0x20) != 0;
}

uint8_t cmos(uint8_t reg) {
    outb(0x70, reg);
    return inb(0x71);
}

}  // namespace

TimerCalibration init_timer(uint32_t hz) {
    uint64_t base = read_msr(msr_apic_base);
    write_msr(msr_apic_base, base | (1u << 11));  // enable
    apic = static_cast<volatile uint32_t*>(mm::physical_to_virtual(base & 0xFFFFF000));
    apic_write(apic_spurious, 0x100 | spurious_vector);
    apic_write(apic_timer_divide, 0x3);    // divide by 16
    apic_write(apic_lvt_timer, 1u << 16);  // masked while calibrating

    // 10 ms of PIT against both the TSC and the APIC counter. The PIT gate
    // restarts the count when it goes from low to high: toggle it off first.
    constexpr uint16_t ticks = pit_hz / 100;
    outb(0x61, inb(0x61) & ~0x01);
    pit_start(ticks);
    apic_write(apic_timer_initial, 0xFFFFFFFF);
    uint64_t tsc_start = read_tsc();
    while (!pit_done()) {
    }
    uint64_t tsc_end = read_tsc();
    uint32_t apic_elapsed = 0xFFFFFFFF - apic_read(apic_timer_current);
    apic_write(apic_timer_initial, 0);

    TimerCalibration calibration;
    calibration.tsc_hz = (tsc_end - tsc_start) * 100;
    calibration.apic_ticks_per_ms = apic_elapsed / 10;
    if (calibration.apic_ticks_per_ms == 0) calibration.apic_ticks_per_ms = 1;

    calibration.tsc_deadline = (cpuid(1).ecx & (1u << 24)) != 0;
    if (calibration.tsc_deadline) {
        use_tsc_deadline = true;
        tsc_period = calibration.tsc_hz / hz;
        apic_write(apic_lvt_timer, timer_vector | (2u << 17));  // TSC-deadline
        next_deadline = read_tsc() + tsc_period;
        write_msr(msr_tsc_deadline, next_deadline);
    } else {
        apic_write(apic_lvt_timer, timer_vector | (1u << 17));  // periodic
        apic_write(apic_timer_initial, calibration.apic_ticks_per_ms * 1000 / hz);
    }
    return calibration;
}

void acknowledge_interrupt() {
    apic_write(apic_eoi, 0);
}

void rearm_timer() {
    if (!use_tsc_deadline) return;
    // Skip deadlines already missed (a slow emulator, a long halt) rather
    // than firing a burst of late ticks.
    uint64_t now = read_tsc();
    next_deadline += tsc_period;
    if (next_deadline <= now) next_deadline = now + tsc_period;
    write_msr(msr_tsc_deadline, next_deadline);
}

int64_t read_rtc_seconds() {
    // Wait for the end of an update, then read until two reads agree.
    uint8_t values[7], again[7];
    auto read_all = [](uint8_t* v) {
        while (cmos(0x0A) & 0x80) {
        }
        const uint8_t regs[7] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
        for (int i = 0; i < 7; ++i) v[i] = cmos(regs[i]);
    };
    read_all(values);
    for (int tries = 0; tries < 5; ++tries) {
        read_all(again);
        bool same = true;
        for (int i = 0; i < 7; ++i) same = same && values[i] == again[i];
        if (same) break;
        for (int i = 0; i < 7; ++i) values[i] = again[i];
    }
    uint8_t status_b = cmos(0x0B);
    bool pm = values[2] & 0x80;
    values[2] &= 0x7F;
    if ((status_b & 0x04) == 0) {  // BCD
        for (int i = 0; i < 7; ++i) values[i] = (values[i] & 0x0F) + (values[i] >> 4) * 10;
    }
    if ((status_b & 0x02) == 0 && pm) values[2] = (values[2] + 12) % 24;  // 12-hour mode
    int64_t year = values[6] >= 19 && values[6] <= 30 ? values[6] * 100 + values[5] : 2000 + values[5];
    return lib::unix_seconds(year, values[4], values[3], values[2], values[1], values[0]);
}

}  // namespace arch
