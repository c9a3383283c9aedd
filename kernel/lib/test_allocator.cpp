// The host side of lib/allocator.h for unit tests: malloc, with a countdown
// that makes the Nth allocation fail so tests can prove failure is handled.
#include "lib/test_allocator.h"

#include <cstdlib>

namespace lib {

namespace {
long failing_after = -1;
long live_allocations = 0;
}  // namespace

void fail_allocations_after(long count) {
    failing_after = count;
}
long live_allocation_count() {
    return live_allocations;
}

void* allocate(size_t size) {
    if (failing_after == 0) return nullptr;
    if (failing_after > 0) --failing_after;
    void* memory = std::malloc(size == 0 ? 1 : size);
    if (memory) ++live_allocations;
    return memory;
}

void deallocate(void* pointer) {
    if (pointer == nullptr) return;
    --live_allocations;
    std::free(pointer);
}

}  // namespace lib
