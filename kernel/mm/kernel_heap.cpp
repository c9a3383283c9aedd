#include "mm/kernel_heap.h"

#include "console/panic.h"
#include "lib/allocator.h"
#include "lib/spinlock.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/physical.h"

namespace mm {
namespace {

void* grow(size_t& bytes) {
    bytes = (bytes + page_size - 1) & ~(page_size - 1);
    auto frames = allocate_contiguous_frames(bytes / page_size);
    if (frames.is_error()) return nullptr;
    return physical_to_virtual(frames.value());
}

void release(void* chunk, size_t bytes) {
    free_contiguous_frames(virtual_to_physical(chunk), bytes / page_size);
}

lib::SpinlockProtected<Heap> heap(lib::LockRank::heap, grow, release);

}  // namespace

void init_kernel_heap() {}

size_t kernel_heap_bytes_allocated() {
    return heap.with([](Heap& h) { return h.bytes_allocated(); });
}

size_t kernel_heap_frames() {
    return heap.with([](Heap& h) { return h.chunk_bytes() / page_size; });
}

}  // namespace mm

namespace lib {

void* allocate(size_t size) {
    return mm::heap.with([&](mm::Heap& h) { return h.allocate(size); });
}

void deallocate(void* pointer) {
    lib::Status freed = mm::heap.with([&](mm::Heap& h) { return h.free(pointer); });
    if (freed.is_error()) console::panic("heap: free of %p, which is not a live allocation", pointer);
}

}  // namespace lib
