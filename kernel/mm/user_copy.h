// Copies across the user/kernel boundary. A bad user pointer (outside user
// space, unmapped, or without the needed permission) gives
// Error::bad_address, which the syscall layer turns into EFAULT; the
// kernel never faults on it (arch/x86_64/user_copy.S).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

namespace mm {

lib::Status copy_from_user(void* destination, uint64_t user_source, size_t length);
lib::Status copy_to_user(uint64_t user_destination, const void* source, size_t length);
lib::Status zero_user(uint64_t user_destination, size_t length);
// A NUL-terminated string of at most capacity - 1 characters; too long
// gives Error::name_too_long. Returns its length.
lib::ErrorOr<size_t> copy_string_from_user(char* destination, uint64_t user_source, size_t capacity);

template <typename T>
lib::Status copy_value_to_user(uint64_t destination, const T& value) {
    return copy_to_user(destination, &value, sizeof(T));
}
template <typename T>
lib::Status copy_value_from_user(T& value, uint64_t source) {
    return copy_from_user(&value, source, sizeof(T));
}

}  // namespace mm
