/*
 * The syscall instruction's entry (LSTAR). The CPU leaves the user rip in
 * rcx and rflags in r11, masks IF (SFMASK) and does not switch stacks, so we
 * swap to the per-CPU block (GS), save the user rsp there, load the thread's
 * kernel stack, and build the same TrapFrame an interrupt would: the
 * dispatcher, execve and the debugger see one shape.
 *
 * Per-CPU block (sched/per_cpu.h): 0 kernel stack top, 8 user rsp scratch.
 */
#include "arch/x86_64/gdt_selectors.h"
#include "arch/x86_64/trap_registers.S.inc"

.section .text
.global syscall_entry
syscall_entry:
    swapgs
    movq %rsp, %gs:8
    movq %gs:0, %rsp
    pushq $USER_DATA_SELECTOR
    pushq %gs:8
    pushq %r11
    pushq $USER_CODE_SELECTOR
    pushq %rcx
    pushq $0      /* error code */
    pushq $0x100  /* arch::syscall_vector */
    SAVE_REGISTERS
    movq %rsp, %rdi
    xorl %ebp, %ebp
    cld
    sti
    call syscall_dispatch
    cli
    /*
     * sysret to a non-canonical rip faults in ring 0 on the user stack, so
     * frames whose rip the kernel changed to something unusual (or whose
     * cs is not the user's) go out through iretq instead. So do frames
     * whose rcx and r11 are not the rip and rflags that sysret would put
     * there (rt_sigreturn back into code interrupted anywhere): iretq
     * restores every register.
     */
    movq 17 * 8(%rsp), %rax
    shrq $47, %rax
    jnz trap_return
    cmpq $USER_CODE_SELECTOR, 18 * 8(%rsp)
    jne trap_return
    movq 17 * 8(%rsp), %rax
    cmpq %rax, 12 * 8(%rsp)
    jne trap_return
    movq 19 * 8(%rsp), %rax
    cmpq %rax, 4 * 8(%rsp)
    jne trap_return
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11 /* overwritten below with rflags */
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx /* overwritten below with rip */
    popq %rbx
    popq %rax
    addq $16, %rsp
    popq %rcx      /* rip */
    addq $8, %rsp  /* cs */
    popq %r11      /* rflags */
    movq (%rsp), %rsp
    swapgs
    sysretq
