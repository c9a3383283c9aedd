// The per-CPU block that GS points at in the kernel. syscall.S depends on
// the first two offsets.
#pragma once
#include <stdint.h>

namespace sched {

struct Thread;

struct PerCpu {
    uint64_t kernel_stack_top;  // offset 0: syscall_entry's stack
    uint64_t user_rsp;          // offset 8: scratch for syscall_entry
    Thread* current;
    Thread* idle;
};

static_assert(__builtin_offsetof(PerCpu, kernel_stack_top) == 0);
static_assert(__builtin_offsetof(PerCpu, user_rsp) == 8);

PerCpu& this_cpu();
void init_per_cpu();

}  // namespace sched
