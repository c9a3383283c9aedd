/*
 * switch_context(uint64_t* save_rsp, uint64_t new_rsp): saves the callee-
 * saved registers on the current kernel stack, stores its rsp, and resumes
 * the other thread where it called switch_context (or at thread_start for
 * a new one). Caller-saved registers are the compiler's business.
 */
.section .text
.global switch_context
switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

/* A new thread's first return lands here; its TrapFrame is right above. */
.global thread_start
thread_start:
    call thread_started
    jmp trap_return
