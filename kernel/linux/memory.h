// What linux/memory.cpp and linux/memory_advice.cpp share.
#pragma once
#include <stdint.h>

#include "lib/error.h"
#include "lib/utility.h"
#include "mm/layout.h"

namespace linux {

constexpr uint64_t protection_mask = 7;
// mmap without a hint places mappings downwards from here, below the stack.
constexpr uint64_t mmap_top = 0x00007F0000000000ull;

// Linux: a zero length is EINVAL, one that cannot fit the address space ENOMEM.
inline lib::ErrorOr<uint64_t> page_length(uint64_t length) {
    if (length == 0) return lib::Error::invalid_argument;
    if (length > mm::user_limit) return lib::Error::no_memory;
    return lib::align_up(length, mm::page_size);
}

}  // namespace linux
