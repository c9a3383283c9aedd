/*
 * Entry from the boot loader: Multiboot v1 (QEMU -kernel) or Multiboot2 (GRUB).
 *
 * Both loaders enter in 32-bit protected mode with paging off. We build a
 * minimal set of page tables (identity map of the first 1 GiB plus the same
 * gigabyte at the higher-half kernel base), switch to long mode, jump to the
 * higher half and call kernel_main(magic, boot_info_physical).
 *
 * The kernel is booted as a flat binary (objcopy -O binary), so both headers
 * use the "address" fields to tell the loader where the image goes.
 */
#include "arch/x86_64/layout.h"

#define PHYS(symbol) ((symbol) - KERNEL_VIRTUAL_BASE)

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS ((1 << 1) | (1 << 16)) /* memory map, address fields */
#define MB2_MAGIC 0xE85250D6

.section .multiboot, "a"
.align 4
multiboot1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long PHYS(multiboot1_header) /* header_addr */
    .long PHYS(__image_start)     /* load_addr */
    .long PHYS(__data_end)        /* load_end_addr */
    .long PHYS(__bss_end)         /* bss_end_addr */
    .long PHYS(_start32)          /* entry_addr */

.align 8
multiboot2_header:
    .long MB2_MAGIC
    .long 0 /* i386 protected mode */
    .long multiboot2_header_end - multiboot2_header
    .long -(MB2_MAGIC + (multiboot2_header_end - multiboot2_header))
    /* address tag */
    .align 8
    .word 2, 0
    .long 24
    .long PHYS(multiboot2_header)
    .long PHYS(__image_start)
    .long PHYS(__data_end)
    .long PHYS(__bss_end)
    /* entry address tag */
    .align 8
    .word 3, 0
    .long 12
    .long PHYS(_start32)
    /* framebuffer tag: 1024x768x32 for panic reports; optional (flags bit
     * 0), so a loader that can only offer text mode still boots us */
    .align 8
    .word 5, 1
    .long 20
    .long 1024, 768, 32
    /* end tag */
    .align 8
    .word 0, 0
    .long 8
multiboot2_header_end:

.section .boot.text, "ax"
.code32
.global _start32
_start32:
    cli
    cld
    movl %eax, %edi /* loader magic: first argument of kernel_main */
    movl %ebx, %esi /* boot information, physical */
    movl $PHYS(boot_stack_top), %esp

    /* PML4[0] and PML4[511] both point at their PDPTs. */
    movl $PHYS(boot_pdpt_low), %eax
    orl $0x3, %eax
    movl %eax, PHYS(boot_pml4)
    movl $PHYS(boot_pdpt_high), %eax
    orl $0x3, %eax
    movl %eax, PHYS(boot_pml4) + 511 * 8

    /* PDPT_low[0] and PDPT_high[510] share one directory of 2 MiB pages. */
    movl $PHYS(boot_pd), %eax
    orl $0x3, %eax
    movl %eax, PHYS(boot_pdpt_low)
    movl %eax, PHYS(boot_pdpt_high) + 510 * 8

    movl $PHYS(boot_pd), %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax /* present, writable, 2 MiB */
    movl %eax, (%ebx, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b

    movl %cr4, %eax
    orl $(1 << 5), %eax /* PAE */
    movl %eax, %cr4
    movl $PHYS(boot_pml4), %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx /* EFER */
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax /* LME, NXE */
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
    movl %eax, %cr0

    lgdt PHYS(boot_gdt_pointer)
    ljmp $0x08, $PHYS(long_mode_low)

.code64
long_mode_low:
    movabsq $long_mode_high, %rax
    jmp *%rax

.section .text
long_mode_high:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp
    /* %edi = magic, %esi = boot information (zero-extended by the 32-bit moves) */
    call kernel_main
2:  cli
    hlt
    jmp 2b

.section .rodata
.align 16
boot_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF /* 0x10: data */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long PHYS(boot_gdt)

.section .bss
.align 4096
.global boot_pml4 /* the kernel's top-level table for good (mm/paging.cpp) */
boot_pml4: .skip 4096
boot_pdpt_low: .skip 4096
boot_pdpt_high: .skip 4096
boot_pd: .skip 4096
.align 16
boot_stack: .skip 16384
boot_stack_top:
