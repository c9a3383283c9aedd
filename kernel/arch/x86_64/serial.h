// COM1 (16550 UART at 0x3F8): the kernel log and, later, /dev/console.
#pragma once
#include <stddef.h>

namespace arch::serial {

void init();
void write(const char* bytes, size_t length);

}  // namespace arch::serial
