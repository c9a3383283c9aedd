#include "arch/x86_64/gdt.h"

namespace arch {
namespace {

struct [[gnu::packed]] Tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_map_base;
};

struct [[gnu::packed]] DescriptorPointer {
    uint16_t limit;
    uint64_t base;
};

// The double-fault and NMI handlers run on stacks of their own: a double
// fault is often a kernel stack overflow, and the faulting stack is unusable.
alignas(16) uint8_t double_fault_stack[16384];
alignas(16) uint8_t nmi_stack[8192];

Tss tss;
uint64_t gdt[7];

}  // namespace

void init_gdt() {
    gdt[0] = 0;
    gdt[1] = 0x00AF9A000000FFFF;    // kernel code: 64-bit, DPL 0
    gdt[2] = 0x00CF92000000FFFF;    // kernel data
    gdt[3] = 0x00CFF2000000FFFF;    // user data: DPL 3
    gdt[4] = 0x00AFFA000000FFFF;    // user code: 64-bit, DPL 3
    tss.io_map_base = sizeof(Tss);  // no I/O permission bitmap
    tss.ist[ist_double_fault - 1] = reinterpret_cast<uint64_t>(double_fault_stack + sizeof double_fault_stack);
    tss.ist[ist_nmi - 1] = reinterpret_cast<uint64_t>(nmi_stack + sizeof nmi_stack);
    uint64_t base = reinterpret_cast<uint64_t>(&tss);
    uint64_t limit = sizeof(Tss) - 1;
    gdt[5] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | 0x89ull << 40 | ((limit >> 16) & 0xF) << 48 |
             ((base >> 24) & 0xFF) << 56;
    gdt[6] = base >> 32;

    DescriptorPointer pointer{sizeof gdt - 1, reinterpret_cast<uint64_t>(gdt)};
    asm volatile(
        "lgdt %0\n"
        "pushq %1\n"
        "leaq 1f(%%rip), %%rax\n"
        "pushq %%rax\n"
        "lretq\n"
        "1:\n"
        "movw %2, %%ax\n"
        "movw %%ax, %%ds\n"
        "movw %%ax, %%es\n"
        "movw %%ax, %%ss\n"
        "ltr %3\n"
        :
        : "m"(pointer), "i"(static_cast<uint64_t>(kernel_code_selector)), "i"(kernel_data_selector), "r"(tss_selector)
        : "rax", "memory");
}

void set_kernel_stack(uint64_t top) {
    tss.rsp[0] = top;
}

}  // namespace arch
