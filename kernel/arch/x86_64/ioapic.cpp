#include "arch/x86_64/ioapic.h"

#include "arch/x86_64/cpu.h"
#include "mm/layout.h"

namespace arch {
namespace {

constexpr uint64_t ioapic_base = 0xFEC00000;
constexpr uint32_t redirection_table = 0x10;
constexpr uint32_t lapic_id_register = 0x20;

void write_register(uint32_t index, uint32_t value) {
    auto* registers = static_cast<volatile uint32_t*>(mm::physical_to_virtual(ioapic_base));
    registers[0] = index;       // IOREGSEL
    registers[4] = value;       // IOWIN at +0x10
}

uint32_t boot_cpu_apic_id() {
    uint64_t base = read_msr(msr_apic_base) & 0xFFFFF000;
    auto* lapic = static_cast<volatile uint32_t*>(mm::physical_to_virtual(base));
    return lapic[lapic_id_register / 4] >> 24;
}

}  // namespace

void route_isa_interrupt(uint8_t irq, uint8_t vector) {
    uint32_t entry = redirection_table + 2u * irq;
    // High word: the destination APIC id; low word: fixed delivery,
    // physical destination, active high, edge, unmasked.
    write_register(entry + 1, boot_cpu_apic_id() << 24);
    write_register(entry, vector);
}

}  // namespace arch
