#include "boot/build_id.h"

#include <stdint.h>

// Start of .note.gnu.build-id, from the linker script.
extern "C" const uint8_t __build_id_note[];

namespace boot {

void build_id_hex(char* buffer, size_t capacity) {
    if (capacity == 0) return;
    const auto* words = reinterpret_cast<const uint32_t*>(__build_id_note);
    uint32_t name_size = words[0];
    uint32_t descriptor_size = words[1];
    uint32_t type = words[2];
    constexpr uint32_t nt_gnu_build_id = 3;
    const char* fallback = "unknown";
    if (type != nt_gnu_build_id || name_size != 4 || descriptor_size == 0 || descriptor_size > 64) {
        size_t i = 0;
        for (; fallback[i] != '\0' && i + 1 < capacity; ++i) buffer[i] = fallback[i];
        buffer[i] = '\0';
        return;
    }
    const uint8_t* descriptor = __build_id_note + 12 + 4;  // header, then "GNU\0"
    const char* digits = "0123456789abcdef";
    size_t out = 0;
    for (uint32_t i = 0; i < descriptor_size && out + 2 < capacity; ++i) {
        buffer[out++] = digits[descriptor[i] >> 4];
        buffer[out++] = digits[descriptor[i] & 0xF];
    }
    buffer[out] = '\0';
}

}  // namespace boot
