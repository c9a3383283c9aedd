// The parts of AddressSpace that deal with memory objects (file, memfd and
// shared anonymous mappings) and with moving and discarding pages (mremap,
// madvise). See address_space.h.
#include "arch/x86_64/cpu.h"
#include "lib/string.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "mm/memory_object.h"
#include "mm/paging.h"
#include "mm/physical.h"

namespace mm {

Region piece_of(const Region& region, uint64_t start, uint64_t end) {
    Region piece = region;
    piece.start = start;
    piece.end = end;
    piece.object_offset = region.object_offset + (start - region.start);
    return piece;
}

namespace {

bool counts_as_writable(const Region& region) {
    return region.object != nullptr && region.shared && (region.protection & protection_write);
}

}  // namespace

void AddressSpace::hold(const Region& region) {
    if (region.object == nullptr) return;
    region.object->reference();
    if (counts_as_writable(region)) region.object->writable_mapping_added();
}

void AddressSpace::drop(const Region& region) {
    if (region.object == nullptr) return;
    if (counts_as_writable(region)) region.object->writable_mapping_removed();
    region.object->release();
}

lib::Status AddressSpace::add_mapping(const Region& region) {
    TRY(add_region(region.start, region.end, region.protection));
    Region* added = const_cast<Region*>(find_region(region.start));
    *added = region;
    hold(*added);
    return lib::ok();
}

FaultResult AddressSpace::fault_in_object_page(const Region& region, uint64_t page, uint64_t* entry, bool write) {
    uint64_t offset = region.object_offset + (page - region.start);
    if (offset >= region.object->size()) return FaultResult::past_end;
    uint64_t flags = page_flags_for(region.protection);
    uint64_t index = offset / page_size;
    if (region.shared) {
        // The object's own frame, made if it is a hole: writes reach the file.
        auto frame = region.object->frame_for_page(index, true);
        if (frame.is_error()) return FaultResult::refused;
        reference_frame(frame.value());
        *entry = frame.value() | flags | page_shared;
        return FaultResult::resolved;
    }
    auto frame = region.object->frame_for_page(index, false);
    if (frame.is_error()) return FaultResult::refused;
    if (frame.value() != 0 && !write) {
        // Read: share the file's frame until the first write copies it.
        reference_frame(frame.value());
        *entry = frame.value() | ((flags & ~page_writable) | page_copy_on_write);
        return FaultResult::resolved;
    }
    // A write (or a hole, which reads as zeros): a private copy at once.
    auto copy = allocate_frame();
    if (copy.is_error()) return FaultResult::refused;
    void* bytes = physical_to_virtual(copy.value());
    if (frame.value() != 0) {
        lib::copy_bytes(bytes, physical_to_virtual(frame.value()), page_size);
    } else {
        lib::fill_bytes(bytes, 0, page_size);
    }
    *entry = copy.value() | flags;
    return FaultResult::resolved;
}

bool AddressSpace::range_is_mapped(uint64_t start, uint64_t end) const {
    for (uint64_t address = start; address < end;) {
        const Region* region = find_region(address);
        if (region == nullptr) return false;
        address = region->end;
    }
    return true;
}

lib::Status AddressSpace::discard_range(uint64_t start, uint64_t end) {
    if ((start | end) % page_size != 0 || start >= end || !is_user_range(start, end - start)) {
        return lib::Error::invalid_argument;
    }
    if (!range_is_mapped(start, end)) return lib::Error::no_memory;
    for (const Region& region : regions_) {
        if (region.start < end && start < region.end && region.physical) return lib::Error::invalid_argument;
    }
    unmap_pages(start, end);
    return lib::ok();
}

lib::Status AddressSpace::grow_region(uint64_t end, uint64_t new_end) {
    if (end % page_size != 0 || new_end % page_size != 0 || new_end <= end || !is_user_range(end, new_end - end)) {
        return lib::Error::invalid_argument;
    }
    if (!range_is_free(end, new_end)) return lib::Error::no_memory;
    for (Region& region : regions_) {
        if (region.end == end) {
            region.end = new_end;
            return lib::ok();
        }
    }
    return lib::Error::bad_address;
}

lib::Status AddressSpace::move_range(uint64_t from, uint64_t length, uint64_t to) {
    const Region* found = find_region(from);
    if (found == nullptr || from + length > found->end) return lib::Error::bad_address;
    if (!range_is_free(to, to + length)) return lib::Error::no_memory;
    Region moved = piece_of(*found, from, from + length);
    moved.end = to + length;
    moved.start = to;
    // The new region first (it may fail); then the page table entries move
    // over, and removing the old range finds nothing left to free.
    TRY(add_mapping(moved));
    // Only entries that hold frames move; absent tables are skipped whole,
    // so moving a huge sparse region costs what it maps.
    for (uint64_t offset = 0; offset < length;) {
        uint64_t skip_to = 0;
        uint64_t* source = find_existing_entry(pml4_, from + offset, &skip_to);
        if (source == nullptr || !holds_frame(*source)) {
            offset = source == nullptr ? skip_to - from : offset + page_size;
            continue;
        }
        auto destination = find_entry(pml4_, to + offset, true);
        if (destination.is_error()) {
            // Out of page-table memory midway: undo the moves so far.
            for_each_leaf_entry(pml4_, to, to + offset, [&](uint64_t page, uint64_t* moved) {
                if (!holds_frame(*moved)) return;
                uint64_t* undo_from = find_entry(pml4_, from + (page - to), false).value();
                *undo_from = *moved;
                *moved = 0;
                arch::invalidate_page(page);
            });
            (void)remove_range(to, to + length);
            return destination.error();
        }
        *destination.value() = *source;
        *source = 0;
        arch::invalidate_page(from + offset);
        offset += page_size;
    }
    return remove_range(from, from + length);
}

}  // namespace mm
