#include "arch/x86_64/idt.h"

#include "arch/x86_64/exceptions.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/io.h"
#include "sched/process.h"

extern "C" char trap_stubs[];

namespace arch {
namespace {

struct [[gnu::packed]] Gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
};

struct [[gnu::packed]] IdtPointer {
    uint16_t limit;
    uint64_t base;
};

constexpr int stub_size = 16;             // each stub is .align 16 in interrupts.S
constexpr uint8_t interrupt_gate = 0x8E;  // present, DPL 0, clears IF
// int3 and into are instructions user code may execute (debuggers, the
// int3 test): their gates take DPL 3, so they raise #BP/#OF (SIGTRAP,
// SIGSEGV) rather than a #GP for the gate.
constexpr uint8_t user_interrupt_gate = 0xEE;

Gate idt[256];
IrqHandler irq_handlers[256];

void set_gate(int vector, int ist, uint8_t type = interrupt_gate) {
    uint64_t address = reinterpret_cast<uint64_t>(trap_stubs) + vector * stub_size;
    idt[vector] = Gate{static_cast<uint16_t>(address),
                       kernel_code_selector,
                       static_cast<uint8_t>(ist),
                       type,
                       static_cast<uint16_t>(address >> 16),
                       static_cast<uint32_t>(address >> 32),
                       0};
}

// The legacy PICs would deliver IRQs 0-15 on vectors 8-15, which collide
// with exceptions; remap them out of the way and mask everything.
void disable_legacy_pics() {
    outb(0x20, 0x11);
    outb(0xA0, 0x11);
    outb(0x21, 0xF0);
    outb(0xA1, 0xF8);
    outb(0x21, 0x04);
    outb(0xA1, 0x02);
    outb(0x21, 0x01);
    outb(0xA1, 0x01);
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
}

}  // namespace

void init_idt() {
    disable_legacy_pics();
    for (int vector = 0; vector < 256; ++vector) set_gate(vector, 0);
    set_gate(2, ist_nmi);
    set_gate(8, ist_double_fault);
    set_gate(3, 0, user_interrupt_gate);
    set_gate(4, 0, user_interrupt_gate);
    IdtPointer pointer{sizeof idt - 1, reinterpret_cast<uint64_t>(idt)};
    asm volatile("lidt %0" : : "m"(pointer));
}

void set_irq_handler(uint8_t vector, IrqHandler handler) {
    irq_handlers[vector] = handler;
}

}  // namespace arch

namespace {

void dispatch(arch::TrapFrame* frame) {
    if (frame->vector < 32) {
        arch::handle_exception(*frame);
        return;
    }
    arch::IrqHandler handler = arch::irq_handlers[frame->vector];
    if (handler != nullptr) {
        handler(*frame);
        return;
    }
    if (frame->vector == arch::spurious_vector) return;
    arch::report_unexpected_interrupt(*frame);
}

}  // namespace

extern "C" void trap_dispatch(arch::TrapFrame* frame) {
    dispatch(frame);
    // Every return to user mode is a chance to leave (exit_group) or to
    // take signals: a fault's own, or one that came while it was preempted.
    if (frame->from_user()) sched::before_user_return(*frame);
}
