#include "lib/random.h"

#include "arch/x86_64/cpu.h"

namespace lib {
namespace {

uint64_t state = 0;

uint64_t next_word() {
    static bool checked = false, has_rdrand = false;
    if (!checked) {
        checked = true;
        has_rdrand = (arch::cpuid(1).ecx & (1u << 30)) != 0;
    }
    if (has_rdrand) {
        for (int tries = 0; tries < 10; ++tries) {
            uint64_t value;
            unsigned char ok;
            asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
            if (ok) return value;
        }
    }
    if (state == 0) state = arch::read_tsc() | 1;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state ^ arch::read_tsc();
}

}  // namespace

void random_bytes(void* buffer, size_t length) {
    auto* bytes = static_cast<unsigned char*>(buffer);
    while (length > 0) {
        uint64_t word = next_word();
        for (int i = 0; i < 8 && length > 0; ++i, --length) *bytes++ = static_cast<unsigned char>(word >> (8 * i));
    }
}

}  // namespace lib
