// The virtual address map.
//
//   0 .. user_top                 user space, one address space per process
//   physmap_base ..               all physical memory (up to physmap_size),
//                                 2 MiB pages, so the kernel reaches any frame
//   framebuffer_window ..         the boot framebuffer, uncached
//                                 (console/framebuffer_console.cpp)
//   KERNEL_VIRTUAL_BASE ..        the kernel image (arch/x86_64/layout.h)
#pragma once
#include <stdint.h>

namespace mm {

constexpr uint64_t page_size = 4096;
constexpr uint64_t user_top = 0x0000800000000000ull;  // first non-canonical address
// Highest user address we hand out; the last page below user_top stays
// unmapped (sysret to a rip near the hole is a known hazard).
constexpr uint64_t user_limit = user_top - page_size;
constexpr uint64_t physmap_base = 0xFFFF800000000000ull;
constexpr uint64_t physmap_size = 64ull << 30;
constexpr uint64_t framebuffer_window = 0xFFFFC00000000000ull;
constexpr uint64_t framebuffer_window_size = 1ull << 30;

inline void* physical_to_virtual(uint64_t physical) {
    return reinterpret_cast<void*>(physmap_base + physical);
}
inline uint64_t virtual_to_physical(const void* pointer) {
    return reinterpret_cast<uint64_t>(pointer) - physmap_base;
}

constexpr bool is_user_range(uint64_t address, uint64_t length) {
    return address < user_limit && length <= user_limit - address;
}

}  // namespace mm
