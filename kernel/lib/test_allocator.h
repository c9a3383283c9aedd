// Controls for the host allocator behind lib/allocator.h in unit tests.
#pragma once

namespace lib {

// After count more successful allocations every allocation fails; -1 turns
// failure off.
void fail_allocations_after(long count);
// Allocations not yet freed, to catch leaks.
long live_allocation_count();

}  // namespace lib
