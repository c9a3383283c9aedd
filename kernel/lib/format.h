// printf-style formatting into a caller's buffer. No allocation, no floating
// point: usable before the heap exists and inside fault handlers.
//
// Supported: %% %c %s %d %i %u %x %X %p with the l, ll and z length
// modifiers, a '0' flag and a field width (e.g. %016lx).
#pragma once
#include <stdarg.h>
#include <stddef.h>

namespace lib {

// Writes at most capacity - 1 characters plus a NUL terminator (when
// capacity > 0) and returns the length the full result would have had,
// like vsnprintf.
size_t format_to(char* buffer, size_t capacity, const char* pattern, va_list arguments);
size_t format_to(char* buffer, size_t capacity, const char* pattern, ...) __attribute__((format(printf, 3, 4)));

}  // namespace lib
