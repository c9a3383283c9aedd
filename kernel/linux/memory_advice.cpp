// mremap, madvise and msync: changing, advising and syncing mappings that
// mmap (linux/memory.cpp) made.
#include "linux/memory.h"
#include "linux/syscall.h"
#include "mm/address_space.h"
#include "sched/process.h"

namespace linux {
namespace {

mm::AddressSpace& space() {
    return *current_process().space;
}

}  // namespace

// mremap(old, old_size, new_size, flags, new_address)
Result sys_mremap(const Arguments& a) {
    constexpr uint64_t may_move = 1, fixed = 2, dont_unmap = 4;
    uint64_t old = a.a0, flags = a.a3, target = a.a4;
    if (flags & ~(may_move | fixed | dont_unmap)) return lib::Error::invalid_argument;
    if ((flags & (fixed | dont_unmap)) && !(flags & may_move)) return lib::Error::invalid_argument;
    if (old % mm::page_size != 0) return lib::Error::invalid_argument;
    uint64_t new_size = TRY(page_length(a.a2));
    // One too large for the address space is EFAULT below, as on Linux.
    uint64_t old_size = lib::align_up(a.a1, mm::page_size);
    if (old_size == 0 && a.a1 != 0) return lib::Error::bad_address;
    if (!mm::is_user_range(old, old_size)) return lib::Error::bad_address;
    const mm::Region* region = space().find_region(old);
    if (region == nullptr || old + old_size > region->end) return lib::Error::bad_address;

    if (old_size == 0) {
        // A second mapping of the same pages of a shared mapping (only those
        // can be duplicated: Linux refuses private ones).
        if (!region->shared || region->object == nullptr || (flags & dont_unmap)) return lib::Error::invalid_argument;
        if (!(flags & may_move)) return lib::Error::no_memory;  // it cannot grow in place over itself
        uint64_t destination = target;
        if (flags & fixed) {
            if (target % mm::page_size != 0 || !mm::is_user_range(target, new_size)) return lib::Error::invalid_argument;
            TRY(space().remove_range(target, target + new_size));
        } else {
            destination = TRY(space().find_free_range(new_size, mmap_top));
        }
        mm::Region copy = mm::piece_of(*region, old, old + new_size);
        copy.start = destination;
        copy.end = destination + new_size;
        TRY(space().add_mapping(copy));
        return destination;
    }

    if (flags & dont_unmap) {
        // The pages move; the old range stays mapped as it was, without
        // them (zeros, or the file's pages again). Same size only, and not
        // for fixed physical memory.
        if (new_size != old_size || region->physical) return lib::Error::invalid_argument;
        uint64_t destination = target;
        if (flags & fixed) {
            if (target % mm::page_size != 0 || !mm::is_user_range(target, new_size)) return lib::Error::invalid_argument;
            if (target < old + old_size && old < target + new_size) return lib::Error::invalid_argument;
            TRY(space().remove_range(target, target + new_size));
        } else {
            destination = TRY(space().find_free_range(new_size, mmap_top));
        }
        mm::Region left = mm::piece_of(*region, old, old + old_size);
        TRY(space().move_range(old, old_size, destination));
        TRY(space().add_mapping(left));
        return destination;
    }

    if (flags & fixed) {
        if (target % mm::page_size != 0 || !mm::is_user_range(target, new_size)) return lib::Error::invalid_argument;
        if (target < old + old_size && old < target + new_size) return lib::Error::invalid_argument;
        TRY(space().remove_range(target, target + new_size));
        if (new_size < old_size) {
            TRY(space().remove_range(old + new_size, old + old_size));
            old_size = new_size;
        }
        TRY(space().move_range(old, old_size, target));
        if (new_size > old_size) TRY(space().grow_region(target + old_size, target + new_size));
        return target;
    }
    if (new_size <= old_size) {
        if (new_size < old_size) TRY(space().remove_range(old + new_size, old + old_size));
        return old;
    }
    // Growing: in place when the region ends here and the space after is free.
    if (region->end == old + old_size && mm::is_user_range(old, new_size) &&
        space().range_is_free(old + old_size, old + new_size)) {
        TRY(space().grow_region(old + old_size, old + new_size));
        return old;
    }
    if (!(flags & may_move)) return lib::Error::no_memory;
    uint64_t moved = TRY(space().find_free_range(new_size, mmap_top));
    TRY(space().move_range(old, old_size, moved));
    TRY(space().grow_region(moved + old_size, moved + new_size));
    return moved;
}

Result sys_madvise(const Arguments& a) {
    constexpr uint64_t dont_need = 4, free = 8, collapse = 25;
    uint64_t advice = a.a2;
    // Linux's advice values: 0-4, 8-23 and MADV_COLLAPSE; the privileged
    // HWPOISON/SOFT_OFFLINE and unknown values are EINVAL.
    bool known = advice <= dont_need || (advice >= free && advice <= 23) || advice == collapse;
    if (!known || a.a0 % mm::page_size != 0) return lib::Error::invalid_argument;
    if (a.a1 == 0) return uint64_t(0);
    uint64_t length = lib::align_up(a.a1, mm::page_size);
    if (length == 0 || !mm::is_user_range(a.a0, length)) return lib::Error::invalid_argument;
    if (!space().range_is_mapped(a.a0, a.a0 + length)) return lib::Error::no_memory;
    // MADV_DONTNEED drops the pages: private anonymous memory reads as
    // zeros again, file pages come back from the file. The rest is advice
    // we may ignore (MADV_FREE may keep the pages, as it allows).
    if (advice == dont_need) TRY(space().discard_range(a.a0, a.a0 + length));
    return uint64_t(0);
}

// msync: mappings share the file's pages, so there is nothing to write
// back; the flags and the range are checked as Linux does.
Result sys_msync(const Arguments& a) {
    constexpr uint64_t async = 1, invalidate = 2, sync = 4;
    if (a.a2 & ~(async | invalidate | sync)) return lib::Error::invalid_argument;
    if ((a.a2 & async) && (a.a2 & sync)) return lib::Error::invalid_argument;
    if (a.a0 % mm::page_size != 0) return lib::Error::invalid_argument;
    // As Linux: a length that rounds up past 2^64 wraps to 0, which is nothing to do.
    uint64_t length = lib::align_up(a.a1, mm::page_size);
    if (length == 0) return uint64_t(0);
    if (!mm::is_user_range(a.a0, length) || !space().range_is_mapped(a.a0, a.a0 + length)) {
        return lib::Error::no_memory;
    }
    return uint64_t(0);
}

}  // namespace linux
