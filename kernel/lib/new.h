// Placement new without the C++ library: the kernel constructs objects in
// memory it obtained fallibly (the heap, frames), never with a throwing new.
#pragma once
#include <stddef.h>

#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 1
#include <new>
#else
inline void* operator new(size_t, void* where) noexcept {
    return where;
}
inline void* operator new[](size_t, void* where) noexcept {
    return where;
}
#endif
