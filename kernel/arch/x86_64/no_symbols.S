/* The symbol table of the first link: empty (see generate_symbols.sh). */
.section .kernel_symbols, "a"
.balign 8
.global kernel_symbol_count
kernel_symbol_count: .quad 0
.global kernel_symbols
kernel_symbols:
.global kernel_symbol_names
kernel_symbol_names: .byte 0
