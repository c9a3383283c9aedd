// COM1 (16550 UART at 0x3F8): the kernel log and, later, /dev/console.
#pragma once
#include <stddef.h>

namespace arch::serial {

void init();
void write(const char* bytes, size_t length);

}  // namespace arch::serial

namespace arch::serial {

// The waiting byte of console input (call when input_ready()).
char read_byte();
// Bytes as they are (the terminal's output processing did the CRLF).
void write_raw(const char* bytes, size_t length);
// Raises IRQ 4 when a byte arrives (the receive-data interrupt, OUT2 on).
void enable_receive_interrupt();
// Whether a byte of console input is waiting (never blocks).
bool input_ready();

}  // namespace arch::serial
