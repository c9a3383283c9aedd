// Strings without the C library: a view type and an owned, heap-allocated
// string whose creation can fail.
#pragma once
#include <stddef.h>

#include "lib/allocator.h"
#include "lib/error.h"

namespace lib {

size_t string_length(const char* text);
int compare_bytes(const void* a, const void* b, size_t count);
void copy_bytes(void* destination, const void* source, size_t count);
void fill_bytes(void* destination, unsigned char value, size_t count);

struct StringView {
    const char* data = nullptr;
    size_t length = 0;

    StringView() = default;
    StringView(const char* text) : data(text), length(text ? string_length(text) : 0) {}
    StringView(const char* text, size_t size) : data(text), length(size) {}

    bool empty() const { return length == 0; }
    bool equals(StringView other) const {
        return length == other.length && (length == 0 || compare_bytes(data, other.data, length) == 0);
    }
    bool starts_with(StringView prefix) const {
        return prefix.length <= length && compare_bytes(data, prefix.data, prefix.length) == 0;
    }
    char operator[](size_t index) const { return data[index]; }
};

// A NUL-terminated copy on the heap.
class String {
public:
    String() = default;
    String(const String&) = delete;
    String& operator=(const String&) = delete;
    String(String&& other) : data_(other.data_), length_(other.length_) {
        other.data_ = nullptr;
        other.length_ = 0;
    }
    String& operator=(String&& other) {
        if (this != &other) {
            deallocate(data_);
            data_ = other.data_;
            length_ = other.length_;
            other.data_ = nullptr;
            other.length_ = 0;
        }
        return *this;
    }
    ~String() { deallocate(data_); }

    static ErrorOr<String> copy(StringView text) {
        char* data = static_cast<char*>(allocate(text.length + 1));
        if (data == nullptr) return Error::no_memory;
        if (text.length) copy_bytes(data, text.data, text.length);
        data[text.length] = '\0';
        String result;
        result.data_ = data;
        result.length_ = text.length;
        return result;
    }

    const char* c_str() const { return data_ ? data_ : ""; }
    size_t length() const { return length_; }
    StringView view() const { return StringView(c_str(), length_); }

private:
    char* data_ = nullptr;
    size_t length_ = 0;
};

}  // namespace lib
