// The kernel heap: mm::Heap over contiguous frames reached through the
// physmap. lib::allocate/deallocate (lib/allocator.h) are its interface.
#pragma once
#include <stddef.h>

namespace mm {

void init_kernel_heap();
size_t kernel_heap_bytes_allocated();
// Frames the heap holds (its chunks), whether in use or free inside them.
size_t kernel_heap_frames();

}  // namespace mm
