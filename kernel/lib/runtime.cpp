// What a freestanding C++ program must provide itself: the memory functions
// the compiler emits calls to, and the hooks for pure virtual calls.
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* destination, const void* source, size_t count) {
    auto* d = static_cast<uint8_t*>(destination);
    const auto* s = static_cast<const uint8_t*>(source);
    for (size_t i = 0; i < count; ++i) d[i] = s[i];
    return destination;
}

void* memmove(void* destination, const void* source, size_t count) {
    auto* d = static_cast<uint8_t*>(destination);
    const auto* s = static_cast<const uint8_t*>(source);
    if (d < s) {
        for (size_t i = 0; i < count; ++i) d[i] = s[i];
    } else {
        for (size_t i = count; i > 0; --i) d[i - 1] = s[i - 1];
    }
    return destination;
}

void* memset(void* destination, int value, size_t count) {
    auto* d = static_cast<uint8_t*>(destination);
    for (size_t i = 0; i < count; ++i) d[i] = static_cast<uint8_t>(value);
    return destination;
}

int memcmp(const void* left, const void* right, size_t count) {
    const auto* a = static_cast<const uint8_t*>(left);
    const auto* b = static_cast<const uint8_t*>(right);
    for (size_t i = 0; i < count; ++i) {
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char* text) {
    size_t length = 0;
    while (text[length] != '\0') ++length;
    return length;
}

void __cxa_pure_virtual() {
    for (;;) asm volatile("cli; hlt");
}

}  // extern "C"
