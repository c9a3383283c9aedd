#include "fs/procfs/text.h"

#include "lib/allocator.h"
#include "lib/format.h"

namespace fs {

bool Text::reserve(size_t needed) {
    if (length_ + needed <= capacity_) return true;
    size_t capacity = capacity_ == 0 ? 256 : capacity_;
    while (capacity < length_ + needed) capacity *= 2;
    auto* fresh = static_cast<char*>(lib::allocate(capacity));
    if (fresh == nullptr) {
        failed_ = true;
        return false;
    }
    if (length_ > 0) lib::copy_bytes(fresh, data_, length_);
    lib::deallocate(data_);
    data_ = fresh;
    capacity_ = capacity;
    return true;
}

void Text::add(const char* pattern, ...) {
    char line[256];
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = lib::format_to(line, sizeof line, pattern, arguments);
    va_end(arguments);
    add_bytes(line, lib::min(length, sizeof line - 1));
}

void Text::add_bytes(const char* bytes, size_t length) {
    if (failed_ || !reserve(length)) return;
    lib::copy_bytes(data_ + length_, bytes, length);
    length_ += length;
}

}  // namespace fs
