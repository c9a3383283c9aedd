#include "mm/user_copy.h"

#include "mm/layout.h"

extern "C" int user_copy(void* destination, const void* source, size_t count);
extern "C" long user_string_copy(char* destination, const char* source, size_t capacity);
extern "C" int user_fill_zero(void* destination, size_t count);

namespace mm {

lib::Status copy_from_user(void* destination, uint64_t user_source, size_t length) {
    if (length == 0) return lib::ok();
    if (!is_user_range(user_source, length)) return lib::Error::bad_address;
    if (user_copy(destination, reinterpret_cast<const void*>(user_source), length) != 0) return lib::Error::bad_address;
    return lib::ok();
}

lib::Status copy_to_user(uint64_t user_destination, const void* source, size_t length) {
    if (length == 0) return lib::ok();
    if (!is_user_range(user_destination, length)) return lib::Error::bad_address;
    if (user_copy(reinterpret_cast<void*>(user_destination), source, length) != 0) return lib::Error::bad_address;
    return lib::ok();
}

lib::Status zero_user(uint64_t user_destination, size_t length) {
    if (length == 0) return lib::ok();
    if (!is_user_range(user_destination, length)) return lib::Error::bad_address;
    if (user_fill_zero(reinterpret_cast<void*>(user_destination), length) != 0) return lib::Error::bad_address;
    return lib::ok();
}

lib::ErrorOr<size_t> copy_string_from_user(char* destination, uint64_t user_source, size_t capacity) {
    if (capacity == 0) return lib::Error::name_too_long;
    if (user_source >= user_limit) return lib::Error::bad_address;
    // Never read past the end of user space, whatever the capacity.
    size_t limit = capacity;
    if (limit > user_limit - user_source) limit = user_limit - user_source;
    long length = user_string_copy(destination, reinterpret_cast<const char*>(user_source), limit);
    if (length == -1) return lib::Error::bad_address;
    if (length == -2) return limit < capacity ? lib::Error::bad_address : lib::Error::name_too_long;
    return static_cast<size_t>(length);
}

}  // namespace mm
