// x86-64 4-level page tables: entries, flags, and the walk that creates
// missing intermediate tables (fallibly).
#pragma once
#include <stdint.h>

#include "lib/error.h"

namespace mm {

constexpr uint64_t page_present = 1ull << 0;
constexpr uint64_t page_writable = 1ull << 1;
constexpr uint64_t page_user = 1ull << 2;
constexpr uint64_t page_write_through = 1ull << 3;
constexpr uint64_t page_cache_disable = 1ull << 4;
constexpr uint64_t page_huge = 1ull << 7;
constexpr uint64_t page_global = 1ull << 8;
// Software bit: the page is shared copy-on-write; it is mapped read-only
// and a write fault copies it (or takes it over if it is the last user).
constexpr uint64_t page_copy_on_write = 1ull << 9;
// Software bit: the page belongs to a shared mapping of fixed physical
// memory (DMA buffers, device registers): fork shares it, never copies it.
constexpr uint64_t page_shared = 1ull << 10;
// Software bit: the page is not RAM (device registers), so it has no frame
// reference count to drop when it is unmapped.
constexpr uint64_t page_device = 1ull << 11;
// Software bit: a page of a PROT_NONE region. The entry is not present
// (so every access faults, the kernel's user copies too) but keeps its
// frame and flags for when mprotect grants access again.
constexpr uint64_t page_parked = 1ull << 52;
constexpr uint64_t page_no_execute = 1ull << 63;
// Whether an entry holds a frame (present, or parked).
constexpr bool holds_frame(uint64_t entry) {
    return (entry & (page_present | page_parked)) != 0;
}
// Cache modes of 4 KiB pages through PAT (init_page_attributes programs
// entry 1 as write-combining, as Linux does; entry 3 stays uncached).
constexpr uint64_t page_uncached = page_cache_disable | page_write_through;
constexpr uint64_t page_write_combining = page_write_through;
constexpr uint64_t page_cache_bits = page_cache_disable | page_write_through;
constexpr uint64_t page_address_mask = 0x000FFFFFFFFFF000ull;

// The kernel's own top-level table (from boot.S); the kernel half of every
// address space is copied from it.
uint64_t* kernel_pml4();
uint64_t kernel_pml4_physical();

// The leaf entry for virtual in the tables rooted at pml4_physical,
// creating intermediate tables when create is set. nullptr when absent (or
// when a table could not be allocated: check with create).
lib::ErrorOr<uint64_t*> find_entry(uint64_t pml4_physical, uint64_t virtual_address, bool create);

// The leaf entry for virtual_address without creating tables, or nullptr
// when a table above it is absent; then *skip_to is the first address past
// the whole absent table, where a walk over a range goes on.
uint64_t* find_existing_entry(uint64_t pml4_physical, uint64_t virtual_address, uint64_t* skip_to);

// Calls visit(page, entry) for every nonzero leaf entry in [start, end)
// (page aligned), skipping absent tables whole: a walk over a hostile
// terabyte-sized range costs what is mapped, not its length (the kernel is
// not preempted, so a page-by-page walk would stall the machine).
template <typename Visit>
void for_each_leaf_entry(uint64_t pml4_physical, uint64_t start, uint64_t end, Visit visit) {
    for (uint64_t page = start; page < end && page >= start;) {
        uint64_t skip_to = 0;
        uint64_t* entry = find_existing_entry(pml4_physical, page, &skip_to);
        if (entry == nullptr) {
            page = skip_to;
            continue;
        }
        if (*entry != 0) visit(page, entry);
        page += 1ull << 12;
    }
}

// Programs the PAT: entry 1 (PWT alone) becomes write-combining, the
// others keep their reset values (WB, UC-, UC). Before any such mapping.
void init_page_attributes();

// Drops the identity map of the first GiB that boot.S needed.
void remove_boot_identity_map();

}  // namespace mm
