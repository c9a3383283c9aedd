// The kernel's own symbol table, generated from the linked ELF at build
// time (arch/x86_64/generate_symbols.sh) and linked into a second image, so
// panics name functions without a debugger.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace console {

// "function+0x1c", or "?" when the address is outside the kernel's text.
void symbolize(uint64_t address, char* buffer, size_t capacity);

// Walks the frame-pointer chain from rbp (the kernel builds with frame
// pointers) and prints one symbolized line per return address.
void print_backtrace(uint64_t rbp);

}  // namespace console
