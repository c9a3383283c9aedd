#include "mm/page_fault.h"

#include "mm/address_space.h"
#include "mm/layout.h"
#include "sched/thread.h"

namespace mm {

FaultResult handle_page_fault(const arch::TrapFrame& frame, uint64_t address) {
    if (address >= user_top) return FaultResult::refused;  // kernel addresses never fault legitimately
    AddressSpace* space = sched::current_address_space();
    if (space == nullptr) return FaultResult::refused;
    bool write = frame.error_code & 2;
    bool execute = frame.error_code & 16;
    // A kernel access to a user page is either a user copy (allowed to
    // fault pages in) or a bug that handle_fault will refuse like any other.
    return space->handle_fault(address, write, execute);
}

}  // namespace mm
