#include "lib/format.h"

#include <stdint.h>

namespace lib {
namespace {

// Appends to the buffer while counting every character, so the caller
// learns the length it would have needed.
class Sink {
public:
    Sink(char* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) {}

    void put(char c) {
        if (length_ + 1 < capacity_) buffer_[length_] = c;
        ++length_;
    }

    size_t finish() {
        if (capacity_ > 0) buffer_[length_ < capacity_ ? length_ : capacity_ - 1] = '\0';
        return length_;
    }

private:
    char* buffer_;
    size_t capacity_;
    size_t length_ = 0;
};

void put_number(Sink& sink, uint64_t value, bool negative, unsigned base, bool upper, int width, char pad) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char reversed[24];
    int count = 0;
    do {
        reversed[count++] = digits[value % base];
        value /= base;
    } while (value != 0);
    int total = count + (negative ? 1 : 0);
    if (negative && pad == '0') sink.put('-');
    for (; total < width; ++total) sink.put(pad);
    if (negative && pad != '0') sink.put('-');
    while (count > 0) sink.put(reversed[--count]);
}

}  // namespace

size_t format_to(char* buffer, size_t capacity, const char* pattern, va_list arguments) {
    Sink sink(buffer, capacity);
    for (const char* p = pattern; *p != '\0'; ++p) {
        if (*p != '%') {
            sink.put(*p);
            continue;
        }
        ++p;
        char pad = ' ';
        if (*p == '0') {
            pad = '0';
            ++p;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        int longs = 0;
        bool size = false;
        while (*p == 'l') {
            ++longs;
            ++p;
        }
        if (*p == 'z') {
            size = true;
            ++p;
        }
        auto next_unsigned = [&]() -> uint64_t {
            if (size || longs > 0) return va_arg(arguments, unsigned long);
            return va_arg(arguments, unsigned int);
        };
        switch (*p) {
            case '%':
                sink.put('%');
                break;
            case 'c':
                sink.put(static_cast<char>(va_arg(arguments, int)));
                break;
            case 's': {
                const char* text = va_arg(arguments, const char*);
                if (text == nullptr) text = "(null)";
                size_t length = 0;
                while (text[length] != '\0') ++length;
                for (size_t i = length; i < static_cast<size_t>(width); ++i) sink.put(' ');
                for (size_t i = 0; i < length; ++i) sink.put(text[i]);
                break;
            }
            case 'd':
            case 'i': {
                int64_t value = (size || longs > 0) ? va_arg(arguments, long) : va_arg(arguments, int);
                uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
                put_number(sink, magnitude, value < 0, 10, false, width, pad);
                break;
            }
            case 'u':
                put_number(sink, next_unsigned(), false, 10, false, width, pad);
                break;
            case 'x':
                put_number(sink, next_unsigned(), false, 16, false, width, pad);
                break;
            case 'X':
                put_number(sink, next_unsigned(), false, 16, true, width, pad);
                break;
            case 'p':
                sink.put('0');
                sink.put('x');
                put_number(sink, reinterpret_cast<uintptr_t>(va_arg(arguments, void*)), false, 16, false, 16, '0');
                break;
            case '\0':
                return sink.finish();  // a lone '%' ends the pattern
            default:
                // Unknown conversions are shown rather than silently dropped.
                sink.put('%');
                sink.put(*p);
                break;
        }
    }
    return sink.finish();
}

size_t format_to(char* buffer, size_t capacity, const char* pattern, ...) {
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = format_to(buffer, capacity, pattern, arguments);
    va_end(arguments);
    return length;
}

}  // namespace lib
