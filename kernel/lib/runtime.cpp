// What a freestanding C++ program must provide itself: the memory functions
// the compiler emits calls to, and the hooks for pure virtual calls.
#include <stddef.h>
#include <stdint.h>

extern "C" {

// rep movsb/stosb: fast on every CPU with ERMS, and far fewer memory
// operations for a hypervisor that traps them than a byte loop.
void* memcpy(void* destination, const void* source, size_t count) {
    void* d = destination;
    if ((reinterpret_cast<uintptr_t>(d) | reinterpret_cast<uintptr_t>(source) | count) % 8 == 0) {
        size_t words = count / 8;
        asm volatile("rep movsq" : "+D"(d), "+S"(source), "+c"(words) : : "memory");
        return destination;
    }
    asm volatile("rep movsb" : "+D"(d), "+S"(source), "+c"(count) : : "memory");
    return destination;
}

void* memmove(void* destination, const void* source, size_t count) {
    auto* d = static_cast<uint8_t*>(destination);
    const auto* s = static_cast<const uint8_t*>(source);
    if (d <= s || d >= s + count) return memcpy(destination, source, count);
    for (size_t i = count; i > 0; --i) d[i - 1] = s[i - 1];
    return destination;
}

void* memset(void* destination, int value, size_t count) {
    void* d = destination;
    if ((reinterpret_cast<uintptr_t>(d) | count) % 8 == 0) {
        // Whole words (page zeroing, tables): an eighth of the stores.
        uint64_t pattern = 0x0101010101010101ull * static_cast<uint8_t>(value);
        size_t words = count / 8;
        asm volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
        return destination;
    }
    asm volatile("rep stosb" : "+D"(d), "+c"(count) : "a"(value) : "memory");
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

// Global objects with destructors register them here; the kernel never
// exits, so they are never run.
extern "C" {
void* __dso_handle = nullptr;
int __cxa_atexit(void (*)(void*), void*, void*) {
    return 0;
}
}

// Virtual destructors make the compiler reference the sized delete. Kernel
// objects are destroyed with lib::destroy, never with delete: reaching this
// is a bug.
void operator delete(void*, size_t) noexcept {
    for (;;) asm volatile("cli; hlt");
}
void operator delete(void*) noexcept {
    for (;;) asm volatile("cli; hlt");
}
