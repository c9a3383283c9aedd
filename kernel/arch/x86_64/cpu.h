// Privileged CPU instructions as inline functions: control registers, MSRs,
// TSC, interrupt flag.
#pragma once
#include <stdint.h>

namespace arch {

constexpr uint32_t msr_efer = 0xC0000080;
constexpr uint32_t msr_star = 0xC0000081;
constexpr uint32_t msr_lstar = 0xC0000082;
constexpr uint32_t msr_sfmask = 0xC0000084;
constexpr uint32_t msr_fs_base = 0xC0000100;
constexpr uint32_t msr_gs_base = 0xC0000101;
constexpr uint32_t msr_kernel_gs_base = 0xC0000102;
constexpr uint32_t msr_apic_base = 0x1B;
constexpr uint32_t msr_pat = 0x277;

inline uint64_t read_msr(uint32_t msr) {
    uint32_t low, high;
    asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
    return static_cast<uint64_t>(high) << 32 | low;
}

inline void write_msr(uint32_t msr, uint64_t value) {
    asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<uint32_t>(value)), "d"(static_cast<uint32_t>(value >> 32)));
}

inline uint64_t read_cr2() {
    uint64_t value;
    asm volatile("mov %%cr2, %0" : "=r"(value));
    return value;
}

inline uint64_t read_cr3() {
    uint64_t value;
    asm volatile("mov %%cr3, %0" : "=r"(value));
    return value;
}

inline void write_cr3(uint64_t value) {
    asm volatile("mov %0, %%cr3" : : "r"(value) : "memory");
}

inline uint64_t read_cr0() {
    uint64_t value;
    asm volatile("mov %%cr0, %0" : "=r"(value));
    return value;
}
inline void write_cr0(uint64_t value) {
    asm volatile("mov %0, %%cr0" : : "r"(value));
}
inline uint64_t read_cr4() {
    uint64_t value;
    asm volatile("mov %%cr4, %0" : "=r"(value));
    return value;
}
inline void write_cr4(uint64_t value) {
    asm volatile("mov %0, %%cr4" : : "r"(value));
}

inline void invalidate_page(uint64_t address) {
    asm volatile("invlpg (%0)" : : "r"(address) : "memory");
}

inline uint64_t read_tsc() {
    uint32_t low, high;
    asm volatile("rdtsc" : "=a"(low), "=d"(high));
    return static_cast<uint64_t>(high) << 32 | low;
}

struct CpuidResult {
    uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
    CpuidResult r;
    asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
    return r;
}

inline void enable_interrupts() {
    asm volatile("sti" : : : "memory");
}
inline void disable_interrupts() {
    asm volatile("cli" : : : "memory");
}
inline bool interrupts_enabled() {
    uint64_t flags;
    asm volatile("pushfq; popq %0" : "=r"(flags));
    return flags & (1u << 9);
}
// Interrupts off for a scope, then back as they were: for the few places
// that share data with interrupt handlers on this CPU.
struct InterruptsOff {
    uint64_t flags;
    InterruptsOff() { asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory"); }
    ~InterruptsOff() {
        if (flags & (1u << 9)) asm volatile("sti" : : : "memory");
    }
    InterruptsOff(const InterruptsOff&) = delete;
    InterruptsOff& operator=(const InterruptsOff&) = delete;
};

// Enables interrupts and halts in one step, so a wakeup interrupt between
// the two cannot be lost (sti delays interrupts by one instruction).
inline void wait_for_interrupt() {
    asm volatile("sti; hlt" : : : "memory");
}

}  // namespace arch
