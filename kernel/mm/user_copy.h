// Copies across the user/kernel boundary. A bad user pointer (outside user
// space, unmapped, or without the needed permission) gives
// Error::bad_address, which the syscall layer turns into EFAULT; the
// kernel never faults on it (arch/x86_64/user_copy.S).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/string.h"

namespace mm {

lib::Status copy_from_user(void* destination, uint64_t user_source, size_t length);
lib::Status copy_to_user(uint64_t user_destination, const void* source, size_t length);
lib::Status zero_user(uint64_t user_destination, size_t length);
// A NUL-terminated string of at most capacity - 1 characters; too long
// gives Error::name_too_long. Returns its length.
lib::ErrorOr<size_t> copy_string_from_user(char* destination, uint64_t user_source, size_t capacity);

// Where the bytes of a write come from: user memory (write, writev, send)
// or a kernel buffer (sendfile's page). The write paths of files take one,
// so sendfile hands them kernel bytes without a user mapping to copy from.
class ByteSource {
public:
    static ByteSource user(uint64_t address, size_t length) { return ByteSource(address, nullptr, length); }
    static ByteSource kernel(const void* data, size_t length) {
        return ByteSource(0, static_cast<const uint8_t*>(data), length);
    }

    size_t length() const { return length_; }
    bool in_user_memory() const { return kernel_ == nullptr; }
    uint64_t user_address() const { return user_; }
    const uint8_t* kernel_bytes() const { return kernel_; }

    // Copies count bytes, starting offset bytes in, to destination;
    // bad_address when the user memory is not there.
    lib::Status copy_to(void* destination, size_t offset, size_t count) const {
        if (kernel_ == nullptr) return copy_from_user(destination, user_ + offset, count);
        lib::copy_bytes(destination, kernel_ + offset, count);
        return lib::ok();
    }

private:
    ByteSource(uint64_t user, const uint8_t* kernel, size_t length) : user_(user), kernel_(kernel), length_(length) {}
    uint64_t user_;
    const uint8_t* kernel_;
    size_t length_;
};

template <typename T>
lib::Status copy_value_to_user(uint64_t destination, const T& value) {
    return copy_to_user(destination, &value, sizeof(T));
}
template <typename T>
lib::Status copy_value_from_user(T& value, uint64_t source) {
    return copy_from_user(&value, source, sizeof(T));
}

}  // namespace mm
