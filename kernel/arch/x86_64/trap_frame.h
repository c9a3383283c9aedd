// The registers saved on kernel entry, by interrupts.S (traps and IRQs) and
// syscall.S (system calls) alike, so both return through the same paths.
#pragma once
#include <stdint.h>

namespace arch {

struct TrapFrame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    // Pushed by the CPU (or built by syscall_entry in the same shape).
    uint64_t rip, cs, rflags, rsp, ss;

    bool from_user() const { return (cs & 3) == 3; }
};

static_assert(sizeof(TrapFrame) == 22 * 8);

// Vector number syscall_entry stores, so a frame shows how it was entered.
constexpr uint64_t syscall_vector = 0x100;

}  // namespace arch
