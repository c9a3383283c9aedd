// Loading a program into a fresh address space: the ELF segments, the
// program break after them, and the initial stack.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

namespace mm {
class AddressSpace;
}

namespace exec {

struct LoadedProgram {
    uint64_t entry;
    uint64_t stack_pointer;
};

// The user stack: 8 MiB below stack_top, demand-zero.
constexpr uint64_t stack_top = 0x00007FFFFFFFE000ull;
constexpr uint64_t stack_size = 8ull << 20;
// Where static-PIE programs go (Linux uses about 2/3 of the address space).
constexpr uint64_t pie_base = 0x0000555555554000ull;

// Nothing in space is changed when the ELF is malformed (ENOEXEC): the
// image is validated before anything is mapped.
lib::ErrorOr<LoadedProgram> load_program(mm::AddressSpace& space, const uint8_t* file, size_t size,
                                         const char* const* arguments, size_t argument_count,
                                         const char* const* environment, size_t environment_count,
                                         const char* executable_name);

}  // namespace exec
