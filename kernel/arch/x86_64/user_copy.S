/*
 * Copies between kernel and user memory that survive bad user pointers.
 * A page fault inside [user_copy_begin, user_copy_end) that the address
 * space cannot resolve resumes at user_copy_fault, which returns failure;
 * callers turn that into EFAULT. Callers check that the range lies in the
 * user half before calling.
 */
.section .text
.global user_copy_begin
user_copy_begin:

/* int user_copy(void* destination, const void* source, size_t count): 0 or -1 */
.global user_copy
user_copy:
    movq %rdx, %rcx
    rep movsb
    xorl %eax, %eax
    ret

/* long user_string_copy(char* destination, const char* source, size_t capacity):
 * length without the NUL, -1 on a fault, -2 when no NUL within capacity. */
.global user_string_copy
user_string_copy:
    xorl %eax, %eax
1:  cmpq %rdx, %rax
    jae 2f
    movb (%rsi, %rax), %cl
    movb %cl, (%rdi, %rax)
    testb %cl, %cl
    jz 3f
    incq %rax
    jmp 1b
2:  movq $-2, %rax
3:  ret

/* int user_fill_zero(void* destination, size_t count): 0 or -1 */
.global user_fill_zero
user_fill_zero:
    movq %rsi, %rcx
    xorl %eax, %eax
    rep stosb
    ret

.global user_copy_end
user_copy_end:

.global user_copy_fault
user_copy_fault:
    movq $-1, %rax
    ret
