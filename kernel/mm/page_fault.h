// The page-fault entry from arch: resolves demand-zero and copy-on-write
// faults in the current process's address space.
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"

namespace mm {

// True when the fault was resolved and the access can be retried.
bool handle_page_fault(const arch::TrapFrame& frame, uint64_t address);

}  // namespace mm
