// CPU features user programs need: SSE enabled (the kernel itself never
// touches it: -mgeneral-regs-only), and the syscall instruction.
#pragma once

namespace arch {

// Also SMEP when the CPU has it.
void enable_sse();
// STAR/LSTAR/SFMASK: syscall enters syscall_entry (syscall.S) with
// interrupts, direction and trap flags cleared.
void init_syscalls();

}  // namespace arch
