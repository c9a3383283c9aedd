// The Linux initial process stack, from its top down: the strings (the
// executable name, environment, arguments, the platform), 16 random bytes
// for AT_RANDOM, then, 16-byte aligned, argc, argv[], NULL, envp[], NULL,
// and the auxiliary vector ending in AT_NULL. Built in a kernel buffer
// (portable, unit-tested) and copied into the new address space.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

namespace exec {

constexpr uint64_t at_null = 0, at_phdr = 3, at_phent = 4, at_phnum = 5, at_pagesz = 6, at_base = 7, at_flags = 8,
                   at_entry = 9, at_uid = 11, at_euid = 12, at_gid = 13, at_egid = 14, at_platform = 15, at_hwcap = 16,
                   at_clktck = 17, at_secure = 23, at_random = 25, at_hwcap2 = 26, at_execfn = 31;

struct StackRequest {
    const char* const* arguments;
    size_t argument_count;
    const char* const* environment;
    size_t environment_count;
    const char* executable_name;  // AT_EXECFN
    uint8_t random[16];
    uint64_t program_headers;  // AT_PHDR, relocated
    uint64_t program_header_count;
    uint64_t program_header_size;
    uint64_t entry;  // AT_ENTRY, relocated
    uint64_t interpreter_base;  // AT_BASE: where ld.so was mapped, 0 for static programs
    uint64_t hwcap;
};

struct BuiltStack {
    uint64_t stack_pointer;  // where rsp starts (points at argc)
    size_t used;             // bytes from stack_pointer to top
};

// Lays the stack out in buffer, which stands for [top - capacity, top).
// Error::too_big when it does not fit (Linux's E2BIG).
lib::ErrorOr<BuiltStack> build_initial_stack(const StackRequest& request, uint8_t* buffer, size_t capacity,
                                             uint64_t top);

}  // namespace exec
