// Segments and the TSS. Long mode ignores segment bases and limits, but
// the privilege levels, the TSS (kernel stack for ring-3 interrupts, IST
// stacks) and the selector order that syscall/sysret require still matter.
#pragma once
#include <stdint.h>

namespace arch {

constexpr uint16_t kernel_code_selector = 0x08;
constexpr uint16_t kernel_data_selector = 0x10;
// sysret loads SS from STAR[63:48] + 8 and CS from STAR[63:48] + 16, so user
// data must sit right below user code.
constexpr uint16_t user_data_selector = 0x18 | 3;
constexpr uint16_t user_code_selector = 0x20 | 3;
constexpr uint16_t tss_selector = 0x28;

// Interrupt stack table slots.
constexpr int ist_double_fault = 1;
constexpr int ist_nmi = 2;

void init_gdt();
// The stack the CPU switches to on an interrupt or exception from ring 3.
void set_kernel_stack(uint64_t top);

}  // namespace arch
