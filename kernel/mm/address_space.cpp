#include "mm/address_space.h"

#include "arch/x86_64/cpu.h"
#include "lib/allocator.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/physical.h"

namespace mm {

uint64_t page_flags_for(uint32_t protection) {
    uint64_t flags = page_present | page_user;
    if (protection & protection_write) flags |= page_writable;
    if ((protection & protection_execute) == 0) flags |= page_no_execute;
    return flags;
}

lib::ErrorOr<AddressSpace*> AddressSpace::create() {
    uint64_t pml4 = TRY(allocate_frame());
    auto* table = static_cast<uint64_t*>(physical_to_virtual(pml4));
    for (int i = 256; i < 512; ++i) table[i] = kernel_pml4()[i];
    void* memory = lib::allocate(sizeof(AddressSpace));
    AddressSpace* space = memory ? new (memory) AddressSpace(pml4) : nullptr;
    if (space == nullptr) {
        release_frame(pml4);
        return lib::Error::no_memory;
    }
    return space;
}

namespace {

// Frees a user page-table subtree; level 3 is a PDPT, 1 a page table.
void free_table(uint64_t table_physical, int level) {
    auto* table = static_cast<uint64_t*>(physical_to_virtual(table_physical));
    for (int i = 0; i < 512; ++i) {
        uint64_t entry = table[i];
        if (level > 1 ? (entry & page_present) == 0 : !holds_frame(entry)) continue;
        if (level > 1) {
            free_table(entry & page_address_mask, level - 1);
        } else if ((entry & page_device) == 0) {
            release_frame(entry & page_address_mask);
        }
    }
    release_frame(table_physical);
}

}  // namespace

AddressSpace::~AddressSpace() {
    for (const Region& region : regions_) drop(region);
    auto* table = static_cast<uint64_t*>(physical_to_virtual(pml4_));
    for (int i = 0; i < 256; ++i) {
        if (table[i] & page_present) free_table(table[i] & page_address_mask, 3);
    }
    if (arch::read_cr3() == pml4_) arch::write_cr3(kernel_pml4_physical());
    release_frame(pml4_);
}

void AddressSpace::release() {
    if (--references_ == 0) lib::destroy(this);
}

void AddressSpace::activate() const {
    if (arch::read_cr3() != pml4_) arch::write_cr3(pml4_);
}

const Region* AddressSpace::find_region(uint64_t address) const {
    for (const Region& region : regions_) {
        if (address >= region.start && address < region.end) return &region;
        if (region.start > address) break;
    }
    return nullptr;
}

lib::ErrorOr<uint64_t> AddressSpace::shared_frame(uint64_t address) {
    const Region* region = find_region(address);
    if (region == nullptr) return lib::Error::bad_address;
    if (!region->shared) return uint64_t(0);
    uint64_t page = address & ~(page_size - 1);
    uint64_t* entry = TRY(find_entry(pml4_, page, true));
    if ((*entry & page_present) == 0 && handle_fault(page, false, false) != FaultResult::resolved) {
        return lib::Error::bad_address;
    }
    return *entry & page_address_mask;
}

bool AddressSpace::range_is_free(uint64_t start, uint64_t end) const {
    for (const Region& region : regions_) {
        if (region.start < end && start < region.end) return false;
    }
    return true;
}

lib::Status AddressSpace::add_region(uint64_t start, uint64_t end, uint32_t protection) {
    if ((start | end) % page_size != 0 || start >= end || !is_user_range(start, end - start)) {
        return lib::Error::invalid_argument;
    }
    if (!range_is_free(start, end)) return lib::Error::exists;
    size_t index = 0;
    while (index < regions_.size() && regions_[index].start < start) ++index;
    return regions_.try_insert(index, Region{start, end, protection});
}

void AddressSpace::unmap_pages(uint64_t start, uint64_t end) {
    for_each_leaf_entry(pml4_, start, end, [](uint64_t page, uint64_t* entry) {
        uint64_t value = *entry;
        if (!holds_frame(value)) return;
        *entry = 0;
        arch::invalidate_page(page);
        if ((value & page_device) == 0) release_frame(value & page_address_mask);
    });
}

lib::Status AddressSpace::remove_range(uint64_t start, uint64_t end) {
    if ((start | end) % page_size != 0 || start >= end || !is_user_range(start, end - start)) {
        return lib::Error::invalid_argument;
    }
    // A region split in two needs one more slot: reserve it first so that
    // nothing is changed when that allocation fails.
    TRY(regions_.try_reserve(regions_.size() + 1));
    for (size_t i = 0; i < regions_.size();) {
        Region region = regions_[i];
        if (region.end <= start || region.start >= end) {
            ++i;
            continue;
        }
        if (region.start < start && region.end > end) {
            regions_[i].end = start;
            Region tail = piece_of(region, end, region.end);
            hold(tail);
            TRY(regions_.try_insert(i + 1, tail));
            break;
        }
        if (region.start < start) {
            regions_[i].end = start;
            ++i;
        } else if (region.end > end) {
            regions_[i] = piece_of(region, end, region.end);
            ++i;
        } else {
            drop(region);
            regions_.remove(i);
        }
    }
    unmap_pages(start, end);
    return lib::ok();
}

void AddressSpace::apply_protection(uint64_t start, uint64_t end, uint32_t protection) {
    for_each_leaf_entry(pml4_, start, end, [&](uint64_t page, uint64_t* entry) {
        uint64_t value = *entry;
        if (!holds_frame(value)) return;
        // Cache mode and the software bits of fixed mappings stay.
        uint64_t flags = page_flags_for(protection) | (value & (page_cache_bits | page_shared | page_device));
        // A shared page stays read-only until its copy-on-write fault.
        if (value & page_copy_on_write) flags = (flags & ~page_writable) | page_copy_on_write;
        // PROT_NONE parks the page: not present, everything else kept.
        if (protection == 0) flags = (flags & ~page_present) | page_parked;
        *entry = (value & page_address_mask) | flags;
        arch::invalidate_page(page);
    });
}

lib::Status AddressSpace::map_physical(uint64_t start, uint64_t length, uint64_t physical, uint32_t protection,
                                       uint64_t cache_bits, bool device) {
    if (physical % page_size != 0 || length % page_size != 0) return lib::Error::invalid_argument;
    TRY(add_region(start, start + length, protection));
    const_cast<Region*>(find_region(start))->physical = true;
    uint64_t flags = page_flags_for(protection) | (cache_bits & page_cache_bits) | page_shared | (device ? page_device : 0);
    for (uint64_t offset = 0; offset < length; offset += page_size) {
        auto entry = find_entry(pml4_, start + offset, true);
        if (entry.is_error()) {
            (void)remove_range(start, start + length);
            return entry.error();
        }
        if (!device) reference_frame(physical + offset);
        *entry.value() = (physical + offset) | flags;
    }
    return lib::ok();
}

lib::Status AddressSpace::protect_range(uint64_t start, uint64_t end, uint32_t protection) {
    if ((start | end) % page_size != 0 || start >= end || !is_user_range(start, end - start)) {
        return lib::Error::invalid_argument;
    }
    // The whole range must be mapped, and may not gain what a region forbids.
    if (!range_is_mapped(start, end)) return lib::Error::no_memory;
    for (const Region& region : regions_) {
        if (region.end > start && region.start < end && (protection & ~region.max_protection) != 0) {
            return lib::Error::access_denied;
        }
    }
    TRY(regions_.try_reserve(regions_.size() + 2));
    for (size_t i = 0; i < regions_.size(); ++i) {
        Region region = regions_[i];
        if (region.end <= start || region.start >= end || region.protection == protection) continue;
        if (region.start < start) {
            regions_[i].end = start;
            Region rest = piece_of(region, start, region.end);
            hold(rest);
            TRY(regions_.try_insert(i + 1, rest));
            continue;  // the new piece is handled next
        }
        if (region.end > end) {
            regions_[i].end = end;
            Region rest = piece_of(region, end, region.end);
            hold(rest);
            TRY(regions_.try_insert(i + 1, rest));
        }
        // Held before the old form is dropped: that may be the object's last reference.
        Region changed = regions_[i];
        changed.protection = protection;
        hold(changed);
        drop(regions_[i]);
        regions_[i] = changed;
    }
    apply_protection(start, end, protection);
    return lib::ok();
}

lib::ErrorOr<uint64_t> AddressSpace::find_free_range(uint64_t length, uint64_t below) const {
    if (length == 0 || length > below) return lib::Error::no_memory;
    uint64_t candidate = (below - length) & ~(page_size - 1);
    // Walk the regions from the top down, sliding below each conflict.
    for (size_t i = regions_.size(); i > 0; --i) {
        const Region& region = regions_[i - 1];
        if (region.start >= candidate + length) continue;
        if (region.end <= candidate) break;
        if (region.start < length) return lib::Error::no_memory;
        candidate = (region.start - length) & ~(page_size - 1);
    }
    if (candidate < 0x10000) return lib::Error::no_memory;
    return candidate;
}

lib::ErrorOr<uint64_t> AddressSpace::make_present(uint64_t page, uint32_t protection) {
    uint64_t* entry = TRY(find_entry(pml4_, page, true));
    if (holds_frame(*entry)) return *entry & page_address_mask;  // parked pages too: the kernel ignores protection
    uint64_t frame = TRY(allocate_frame());
    *entry = frame | page_flags_for(protection);
    return frame;
}

FaultResult AddressSpace::handle_fault(uint64_t address, bool write, bool execute) {
    constexpr FaultResult refused = FaultResult::refused, resolved = FaultResult::resolved;
    const Region* region = find_region(address);
    if (region == nullptr) return refused;
    if (write && (region->protection & protection_write) == 0) return refused;
    if (execute && (region->protection & protection_execute) == 0) return refused;
    if (region->protection == 0) return refused;
    uint64_t page = address & ~(page_size - 1);
    auto entry_or = find_entry(pml4_, page, true);
    if (entry_or.is_error()) return refused;
    uint64_t* entry = entry_or.value();
    // Parked pages belong to PROT_NONE regions, refused above.
    if (*entry & page_parked) return refused;
    if ((*entry & page_present) == 0) {
        if (region->object != nullptr) return fault_in_object_page(*region, page, entry, write);
        // Demand-zero: first touch of an anonymous page.
        auto frame = allocate_frame();
        if (frame.is_error()) return refused;
        *entry = frame.value() | page_flags_for(region->protection);
        return resolved;
    }
    if (write && (*entry & page_copy_on_write)) {
        uint64_t old_frame = *entry & page_address_mask;
        uint64_t flags = page_flags_for(region->protection);
        if (frame_references(old_frame) == 1) {
            // The other sharers are gone: take the page over.
            *entry = old_frame | flags;
        } else {
            auto copy = allocate_frame();
            if (copy.is_error()) return refused;
            lib::copy_bytes(physical_to_virtual(copy.value()), physical_to_virtual(old_frame), page_size);
            *entry = copy.value() | flags;
            release_frame(old_frame);
        }
        arch::invalidate_page(page);
        return resolved;
    }
    // Present and allowed: another thread resolved it, or a stale TLB entry.
    arch::invalidate_page(page);
    return (*entry & page_user) != 0 && (!write || (*entry & page_writable)) ? resolved : refused;
}

lib::Status AddressSpace::write(uint64_t address, const void* data, size_t length) {
    if (!is_user_range(address, length)) return lib::Error::bad_address;
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (length > 0) {
        const Region* region = find_region(address);
        if (region == nullptr) return lib::Error::bad_address;
        uint64_t page = address & ~(page_size - 1);
        auto existing = find_entry(pml4_, page, false);
        if (!existing.is_error() && existing.value() != nullptr && (*existing.value() & page_copy_on_write)) {
            // Writing a shared page: give this space its own copy first.
            bool resolved = (region->protection & protection_write) &&
                            handle_fault(page, true, false) == FaultResult::resolved;
            if (!resolved) return lib::Error::no_memory;
        }
        uint64_t frame = TRY(make_present(page, region->protection));
        uint64_t offset = address - page;
        size_t chunk = lib::min<size_t>(length, page_size - offset);
        lib::copy_bytes(static_cast<uint8_t*>(physical_to_virtual(frame)) + offset, bytes, chunk);
        bytes += chunk;
        address += chunk;
        length -= chunk;
    }
    return lib::ok();
}

lib::Status AddressSpace::read(uint64_t address, void* buffer, size_t length) const {
    if (!is_user_range(address, length)) return lib::Error::bad_address;
    auto* bytes = static_cast<uint8_t*>(buffer);
    while (length > 0) {
        uint64_t page = address & ~(page_size - 1);
        uint64_t* entry = TRY(find_entry(pml4_, page, false));
        if (entry == nullptr || (*entry & page_present) == 0) return lib::Error::bad_address;
        uint64_t offset = address - page;
        size_t chunk = lib::min<size_t>(length, page_size - offset);
        lib::copy_bytes(bytes, static_cast<uint8_t*>(physical_to_virtual(*entry & page_address_mask)) + offset, chunk);
        bytes += chunk;
        address += chunk;
        length -= chunk;
    }
    return lib::ok();
}

lib::ErrorOr<AddressSpace*> AddressSpace::clone_copy_on_write() {
    AddressSpace* copy = TRY(create());
    struct Undo {
        AddressSpace* space;
        ~Undo() { lib::destroy(space); }
    } undo{copy};
    TRY(copy->regions_.try_reserve(regions_.size()));
    for (const Region& region : regions_) {
        TRY(copy->regions_.try_append(region));
        hold(region);
    }
    copy->break_start = break_start;
    copy->break_end = break_end;
    for (const Region& region : regions_) {
        for (uint64_t next = region.start; next < region.end;) {
            uint64_t page = next, skip_to = 0;
            uint64_t* source = find_existing_entry(pml4_, page, &skip_to);
            next = source == nullptr ? skip_to : page + page_size;  // absent tables are skipped whole
            if (source == nullptr || !holds_frame(*source)) continue;
            uint64_t* destination = TRY(find_entry(copy->pml4_, page, true));
            uint64_t value = *source;
            if (value & page_shared) {
                // Shared mappings (DMA memory, device registers) stay shared.
                if ((value & page_device) == 0) reference_frame(value & page_address_mask);
                *destination = value;
                continue;
            }
            if (value & (page_writable | page_copy_on_write)) {
                value = (value & ~page_writable) | page_copy_on_write;
                *source = value;
                arch::invalidate_page(page);
            }
            reference_frame(value & page_address_mask);
            *destination = value;
        }
    }
    undo.space = nullptr;
    return copy;
}

}  // namespace mm
