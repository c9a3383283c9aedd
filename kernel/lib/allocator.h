// The one allocation interface containers use. In the kernel it is the
// kernel heap (mm/kernel_heap.cpp); in host unit tests a malloc shim that
// can be told to fail (lib/test_allocator.cpp). Both return nullptr on
// failure: every caller handles it.
#pragma once
#include <stddef.h>

#include "lib/error.h"
#include "lib/new.h"

namespace lib {

void* allocate(size_t size);
void deallocate(void* pointer);

// Constructs a T on the heap; nullptr when out of memory.
template <typename T, typename... Args>
T* make(Args&&... arguments) {
    void* memory = allocate(sizeof(T));
    if (memory == nullptr) return nullptr;
    return new (memory) T(forward<Args>(arguments)...);
}

template <typename T>
void destroy(T* object) {
    if (object == nullptr) return;
    object->~T();
    deallocate(object);
}

}  // namespace lib
