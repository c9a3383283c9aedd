// One address space per process: its page tables (the kernel half shared
// from the kernel's PML4) and its regions, the ranges the process may touch
// with their protection. Pages are made present lazily: the page-fault
// handler fills a region's pages with zeroed frames on first touch
// (demand-zero) and resolves writes to copy-on-write pages.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/vector.h"

namespace mm {

// Region protection bits, with the same values as Linux's PROT_*.
constexpr uint32_t protection_read = 1;
constexpr uint32_t protection_write = 2;
constexpr uint32_t protection_execute = 4;

struct Region {
    uint64_t start;  // page aligned
    uint64_t end;    // page aligned, exclusive
    uint32_t protection;
    bool shared = false;  // MAP_SHARED: its pages are other spaces' too (never copy-on-write)
};

class AddressSpace {
public:
    static lib::ErrorOr<AddressSpace*> create();
    // Frees every user page (dropping copy-on-write references) and table.
    ~AddressSpace();
    AddressSpace(const AddressSpace&) = delete;
    AddressSpace& operator=(const AddressSpace&) = delete;

    uint64_t page_table_root() const { return pml4_; }
    void activate() const;

    // [start, end) must be page aligned, inside user space and not overlap
    // an existing region.
    lib::Status add_region(uint64_t start, uint64_t end, uint32_t protection);
    // A new region [start, start + length) whose pages are present at once
    // and map physical memory from `physical` on: shared with forked
    // children, never copy-on-write, with the given cache bits (paging.h).
    // RAM pages take a frame reference each; device pages (MMIO) have none.
    // The range must be free; on failure nothing stays mapped.
    lib::Status map_physical(uint64_t start, uint64_t length, uint64_t physical, uint32_t protection,
                             uint64_t cache_bits, bool device);
    // Unmaps and forgets [start, end), splitting regions as needed.
    lib::Status remove_range(uint64_t start, uint64_t end);
    // Changes the protection of every region piece inside [start, end);
    // ENOMEM-like error when part of the range is unmapped, as Linux does.
    lib::Status protect_range(uint64_t start, uint64_t end, uint32_t protection);
    // A free page-aligned range of length bytes, searched downwards from below.
    lib::ErrorOr<uint64_t> find_free_range(uint64_t length, uint64_t below) const;
    const Region* find_region(uint64_t address) const;
    // For shared futexes: the frame behind address if it lies in a shared
    // region (faulting it in), 0 for private memory; bad_address when unmapped.
    lib::ErrorOr<uint64_t> shared_frame(uint64_t address);
    bool range_is_free(uint64_t start, uint64_t end) const;

    // The page-fault path. False when the access is not allowed (the caller
    // signals or fails a user copy) or memory ran out.
    bool handle_fault(uint64_t address, bool write, bool execute);

    // Writes into this address space through the physmap, making pages
    // present as needed: for the ELF loader and the initial stack, before
    // the space is active. Ignores protection (the kernel is building it).
    lib::Status write(uint64_t address, const void* data, size_t length);
    // Reads present pages through the physmap (no faulting in); for the
    // kernel's self-tests and debugging.
    lib::Status read(uint64_t address, void* buffer, size_t length) const;

    // A copy of this space in which every private writable page is shared
    // copy-on-write (for fork). Both spaces see the old contents until one
    // writes.
    lib::ErrorOr<AddressSpace*> clone_copy_on_write();

    // The program break, kept here because brk is a property of the space.
    uint64_t break_start = 0;
    uint64_t break_end = 0;

    const lib::Vector<Region>& regions() const { return regions_; }

private:
    explicit AddressSpace(uint64_t pml4) : pml4_(pml4) {}
    lib::ErrorOr<uint64_t> make_present(uint64_t page, uint32_t protection);
    void unmap_pages(uint64_t start, uint64_t end);
    void apply_protection(uint64_t start, uint64_t end, uint32_t protection);

    uint64_t pml4_;
    lib::Vector<Region> regions_;  // sorted by start, never overlapping
};

// The page flags for a region protection: user, NX unless executable,
// writable only when writable.
uint64_t page_flags_for(uint32_t protection);

}  // namespace mm
