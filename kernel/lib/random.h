// Random bytes for AT_RANDOM and getrandom: RDRAND when the CPU has it,
// otherwise a xorshift generator seeded from the TSC. Not a CSPRNG
// without RDRAND; good enough for stack canaries and malloc hardening.
#pragma once
#include <stddef.h>

namespace lib {

void random_bytes(void* buffer, size_t length);

}  // namespace lib
