// A growable text buffer for procfs files (heap, fallible).
#pragma once
#include <stdarg.h>

#include "lib/error.h"
#include "lib/string.h"

namespace fs {

class Text {
public:
    Text() = default;
    ~Text() { lib::deallocate(data_); }
    Text(const Text&) = delete;
    Text& operator=(const Text&) = delete;

    // Appends formatted text; false once memory ran out (the text is then cut).
    void add(const char* pattern, ...) __attribute__((format(printf, 2, 3)));
    void add_bytes(const char* bytes, size_t length);
    bool failed() const { return failed_; }
    const char* data() const { return data_; }
    size_t length() const { return length_; }
    // Hands the buffer over (lib::deallocate it).
    char* take() {
        char* data = data_;
        data_ = nullptr;
        length_ = capacity_ = 0;
        return data;
    }

private:
    bool reserve(size_t needed);
    char* data_ = nullptr;
    size_t length_ = 0;
    size_t capacity_ = 0;
    bool failed_ = false;
};

}  // namespace fs
