// The interrupt descriptor table and the dispatch of every vector.
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"

namespace arch {

// Vectors the kernel programs devices with (the 8259 PICs are masked).
constexpr uint8_t timer_vector = 0x40;
constexpr uint8_t serial_vector = 0x41;  // COM1 receive (IRQ 4 through the I/O APIC)
constexpr uint8_t spurious_vector = 0xFF;

void init_idt();

// An IRQ handler runs with interrupts disabled and must acknowledge the
// interrupt controller itself.
using IrqHandler = void (*)(TrapFrame& frame);
void set_irq_handler(uint8_t vector, IrqHandler handler);

}  // namespace arch
