// COM1 (16550 UART at 0x3F8): the kernel log and, later, /dev/console.
#pragma once
#include <stddef.h>

namespace arch::serial {

void init();
void write(const char* bytes, size_t length);

}  // namespace arch::serial

namespace arch::serial {

// Waits (halting between polls; the timer interrupt wakes the CPU) for one
// byte of console input.
char read_byte_blocking();
// Whether a byte of console input is waiting (never blocks).
bool input_ready();

}  // namespace arch::serial
