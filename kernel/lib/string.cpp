#include "lib/string.h"

namespace lib {

size_t string_length(const char* text) {
    size_t length = 0;
    while (text[length] != '\0') ++length;
    return length;
}

int compare_bytes(const void* a, const void* b, size_t count) {
    const auto* left = static_cast<const unsigned char*>(a);
    const auto* right = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < count; ++i) {
        if (left[i] != right[i]) return left[i] < right[i] ? -1 : 1;
    }
    return 0;
}

// The compiler's memcpy/memset: the kernel's are rep movsb/stosb
// (lib/runtime.cpp), the host's are libc's.
void copy_bytes(void* destination, const void* source, size_t count) {
    __builtin_memcpy(destination, source, count);
}

void fill_bytes(void* destination, unsigned char value, size_t count) {
    __builtin_memset(destination, value, count);
}

}  // namespace lib
