/*
 * Interrupt and exception entry: one stub per vector pushes a dummy error
 * code where the CPU pushes none, then the vector, and joins trap_entry,
 * which saves the general registers as an arch::TrapFrame and calls
 * trap_dispatch(frame). trap_return is also how a new thread first enters
 * user mode (its kernel stack starts with a prepared frame).
 */
.section .text

#include "arch/x86_64/trap_registers.S.inc"

/* Offset of cs in the frame: 15 registers, vector, error code, rip. */
#define FRAME_CS (18 * 8)

.global trap_entry
trap_entry:
    SAVE_REGISTERS
    testb $3, FRAME_CS(%rsp)
    jz 1f
    swapgs
1:  movq %rsp, %rdi
    xorl %ebp, %ebp /* backtraces stop at the frame */
    cld
    call trap_dispatch
.global trap_return
trap_return:
    cli
    testb $3, FRAME_CS(%rsp)
    jz 1f
    swapgs
1:  RESTORE_REGISTERS
    addq $16, %rsp /* vector, error code */
    iretq

.altmacro
.macro STUB n
    .align 16
    .if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
    .else
    pushq $0
    .endif
    pushq $\n
    jmp trap_entry
.endm

.align 16
.global trap_stubs
trap_stubs:
.set current_vector, 0
.rept 256
    STUB %current_vector
    .set current_vector, current_vector + 1
.endr
