// The I/O APIC: legacy ISA interrupts (COM1's IRQ 4) routed to a vector on
// the boot CPU. PCI devices use MSI-X instead (device/capabilities.cpp).
#pragma once
#include <stdint.h>

namespace arch {

// Routes ISA irq (edge-triggered, active high) to vector on this CPU.
// FIXME: assumes QEMU's layout: the I/O APIC at 0xFEC00000 and ISA IRQs
// 1-15 on the same GSI (the MADT's overrides are not read; only IRQ 0 has
// one on QEMU).
void route_isa_interrupt(uint8_t irq, uint8_t vector);

}  // namespace arch
