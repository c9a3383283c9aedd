#include "arch/x86_64/syscall_setup.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"

extern "C" char syscall_entry[];

namespace arch {

void enable_sse() {
    uint64_t cr0 = read_cr0();
    cr0 &= ~(1ull << 2);  // EM: no x87 emulation
    cr0 |= 1ull << 1;     // MP
    cr0 &= ~(1ull << 3);  // TS: no lazy switching, state is saved on every switch
    write_cr0(cr0);
    // OSFXSR, OSXMMEXCPT. XSAVE stays off, so programs see no AVX and the
    // 512-byte fxsave image is the whole per-thread state.
    write_cr4(read_cr4() | (1ull << 9) | (1ull << 10));
    asm volatile("fninit");
    // SMEP: the kernel never executes user pages, so a jump there faults
    // instead of running attacker-chosen code with privilege.
    if (cpuid(0).eax >= 7 && (cpuid(7).ebx & (1u << 7)) != 0) write_cr4(read_cr4() | (1ull << 20));
}

void init_syscalls() {
    write_msr(msr_efer, read_msr(msr_efer) | 1);  // SCE
    // sysret: CS = base + 16, SS = base + 8, both with RPL 3.
    uint64_t sysret_base = user_data_selector - 8 - 3;
    write_msr(msr_star, (sysret_base << 48) | (static_cast<uint64_t>(kernel_code_selector) << 32));
    write_msr(msr_lstar, reinterpret_cast<uint64_t>(syscall_entry));
    write_msr(msr_sfmask, (1u << 9) | (1u << 10) | (1u << 8) | (1u << 18));  // IF, DF, TF, AC
}

}  // namespace arch
