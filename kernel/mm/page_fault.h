// The page-fault entry from arch: resolves demand-zero and copy-on-write
// faults in the current process's address space.
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"
#include "mm/address_space.h"

namespace mm {

// resolved when the access can be retried; past_end for a page beyond the
// end of a mapped file (SIGBUS); refused otherwise (SIGSEGV).
FaultResult handle_page_fault(const arch::TrapFrame& frame, uint64_t address);

}  // namespace mm
