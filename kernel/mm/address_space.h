// One address space per process: its page tables (the kernel half shared
// from the kernel's PML4) and its regions, the ranges the process may touch
// with their protection. Pages are made present lazily: the page-fault
// handler fills a region's pages with zeroed frames on first touch
// (demand-zero) and resolves writes to copy-on-write pages.
//
// A region may be backed by a memory object (a file's pages, a memfd, or
// shared anonymous memory): MAP_SHARED regions map the object's frames
// themselves (forked children share them); MAP_PRIVATE ones map them
// copy-on-write, so the process sees the file until it writes a page.
// Touching a page wholly past the object's end is a bus error (SIGBUS).
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

class MemoryObject;

struct Region {
    uint64_t start;  // page aligned
    uint64_t end;    // page aligned, exclusive
    uint32_t protection;
    bool shared = false;  // MAP_SHARED: its pages are other spaces' too (never copy-on-write)
    // The memory behind the region, or null for private anonymous memory.
    // The region holds a reference (and, when shared and writable, counts
    // as a writable mapping of it, for memfd seals).
    MemoryObject* object = nullptr;
    uint64_t object_offset = 0;  // the object offset that start maps
    // What mprotect may grant: a shared mapping of a read-only file never
    // becomes writable (EACCES).
    uint32_t max_protection = protection_read | protection_write | protection_execute;
    bool physical = false;  // map_physical: fixed frames or device registers, never discarded
};

// The part [start, end) of region, its object offset moved along.
Region piece_of(const Region& region, uint64_t start, uint64_t end);

enum class FaultResult {
    resolved,  // retry the access
    refused,   // no region, or the protection forbids it (SIGSEGV, EFAULT)
    past_end,  // a page wholly past the end of its memory object (SIGBUS)
};

class AddressSpace {
public:
    static lib::ErrorOr<AddressSpace*> create();
    // Processes made with clone(CLONE_VM) (posix_spawn) share one space:
    // it goes with its last holder.
    void reference() { ++references_; }
    void release();
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
    // A region described by region (start, end, protection, object...),
    // taking a reference to its object. The range must be free.
    lib::Status add_mapping(const Region& region);
    // Unmaps and forgets [start, end), splitting regions as needed.
    lib::Status remove_range(uint64_t start, uint64_t end);
    // Changes the protection of every region piece inside [start, end);
    // ENOMEM-like error when part of the range is unmapped, as Linux does;
    // access_denied beyond a region's max_protection.
    lib::Status protect_range(uint64_t start, uint64_t end, uint32_t protection);
    // MADV_DONTNEED: drops the pages of [start, end), keeping the regions:
    // private anonymous memory reads as zeros again, file pages are
    // fetched again. no_memory when part of the range is unmapped.
    lib::Status discard_range(uint64_t start, uint64_t end);
    // Whether [start, end) is wholly covered by regions.
    bool range_is_mapped(uint64_t start, uint64_t end) const;
    // mremap's move: the part of one region at [from, from + length) moves
    // to the free range at to, its pages with it (nothing is copied).
    lib::Status move_range(uint64_t from, uint64_t length, uint64_t to);
    // mremap's growth in place: the region ending at end grows to new_end
    // (which must be free).
    lib::Status grow_region(uint64_t end, uint64_t new_end);
    // A free page-aligned range of length bytes, searched downwards from below.
    lib::ErrorOr<uint64_t> find_free_range(uint64_t length, uint64_t below) const;
    const Region* find_region(uint64_t address) const;
    // For shared futexes: the frame behind address if it lies in a shared
    // region (faulting it in), 0 for private memory; bad_address when unmapped.
    lib::ErrorOr<uint64_t> shared_frame(uint64_t address);
    bool range_is_free(uint64_t start, uint64_t end) const;

    // The page-fault path. False when the access is not allowed (the caller
    // signals or fails a user copy) or memory ran out.
    FaultResult handle_fault(uint64_t address, bool write, bool execute);

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
    // The first touch of a page of an object-backed region (mappings.cpp).
    FaultResult fault_in_object_page(const Region& region, uint64_t page, uint64_t* entry, bool write);
    // Bookkeeping for a region entering or leaving the list: the object
    // reference and the writable-mapping count (mappings.cpp).
    static void hold(const Region& region);
    static void drop(const Region& region);
    void unmap_pages(uint64_t start, uint64_t end);
    void apply_protection(uint64_t start, uint64_t end, uint32_t protection);

    uint64_t pml4_;
    uint32_t references_ = 1;
    lib::Vector<Region> regions_;  // sorted by start, never overlapping
};

// The page flags for a region protection: user, NX unless executable,
// writable only when writable.
uint64_t page_flags_for(uint32_t protection);

}  // namespace mm
