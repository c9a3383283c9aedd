// mmap (anonymous private and shared memory, file and memfd mappings
// through their memory objects, shared DMA memory), munmap, mprotect,
// brk. mremap, madvise and msync are in memory_advice.cpp.
#include "lib/utility.h"
#include "linux/memory.h"
#include "linux/syscall.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "mm/memory_object.h"
#include "object/file.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr uint64_t map_shared = 0x01, map_private = 0x02, map_fixed = 0x10, map_anonymous = 0x20,
                   map_fixed_noreplace = 0x100000;
constexpr uint64_t map_shared_validate = 0x03, map_type = 0x0F;
// Flags accepted and ignored: MAP_32BIT would need a placement policy we
// do not have, the rest are hints (MAP_POPULATE: pages come on first touch).
constexpr uint64_t map_growsdown = 0x100, map_denywrite = 0x800, map_executable = 0x1000, map_locked = 0x2000,
                   map_noreserve = 0x4000, map_populate = 0x8000, map_nonblock = 0x10000, map_stack = 0x20000,
                   map_hugetlb = 0x40000, map_sync = 0x80000, map_uninitialized = 0x4000000;
constexpr uint64_t known_flags = map_type | map_fixed | map_anonymous | map_fixed_noreplace | map_growsdown |
                                 map_denywrite | map_executable | map_locked | map_noreserve | map_populate |
                                 map_nonblock | map_stack | map_hugetlb | map_sync | map_uninitialized;
constexpr int access_mode_mask = 3, access_write_only = 1, access_read_write = 2, open_path = 010000000;

// Where a mapping of length bytes goes: MAP_FIXED replaces what is there,
// MAP_FIXED_NOREPLACE refuses (EEXIST); a free hint is taken, else the
// highest free range below mmap_top.
mm::AddressSpace& space() {
    return *current_process().space;
}

lib::ErrorOr<uint64_t> place(uint64_t address, uint64_t length, uint64_t flags) {
    if (flags & (map_fixed | map_fixed_noreplace)) {
        if (address % mm::page_size != 0) return lib::Error::invalid_argument;
        if (!mm::is_user_range(address, length)) return lib::Error::no_memory;
        if (flags & map_fixed_noreplace) {
            if (!space().range_is_free(address, address + length)) return lib::Error::exists;
        } else {
            TRY(space().remove_range(address, address + length));
        }
        return address;
    }
    if (address != 0 && address % mm::page_size == 0 && mm::is_user_range(address, length) &&
        space().range_is_free(address, address + length)) {
        return address;
    }
    return space().find_free_range(length, mmap_top);
}

}  // namespace

Result sys_mmap(const Arguments& a) {
    uint64_t address = a.a0, protection = a.a2, flags = a.a3, offset = a.a5;
    int descriptor = static_cast<int>(a.a4);
    if (offset % mm::page_size != 0) return lib::Error::invalid_argument;
    bool anonymous = flags & map_anonymous;
    object::FileReference file;
    if (!anonymous) {
        file = TRY(current_process().files.get(descriptor));
        if (file->status_flags & open_path) return lib::Error::bad_descriptor;
    }
    uint64_t length = TRY(page_length(a.a1));
    if ((protection & ~protection_mask) != 0) return lib::Error::invalid_argument;
    uint64_t kind = flags & map_type;
    if (kind != map_private && kind != map_shared && kind != map_shared_validate) return lib::Error::invalid_argument;
    // MAP_SHARED_VALIDATE is for files (unknown flags: EOPNOTSUPP); Linux
    // refuses it for anonymous memory.
    if (kind == map_shared_validate && anonymous) return lib::Error::invalid_argument;
    if (kind == map_shared_validate && (flags & ~known_flags)) return lib::Error::not_supported;
    bool shared = kind != map_private;
    if (!anonymous && offset + length < offset) return lib::Error::overflow;

    object::PhysicalRange physical;
    mm::MemoryObject* memory = nullptr;
    // A memory object made here (shared anonymous memory): ours to
    // release once the region holds its own reference, or on failure.
    struct Owned {
        mm::MemoryObject* object = nullptr;
        ~Owned() {
            if (object != nullptr) object->release();
        }
    } owned;
    uint32_t max_protection = protection_mask;
    if (!anonymous) physical = file->physical_range();
    if (physical.size != 0) {
        // DMA memory: the same frames in every process that maps it.
        if (!shared) return lib::Error::invalid_argument;
        if (offset > physical.size || length > physical.size - offset) return lib::Error::invalid_argument;
    } else if (!anonymous) {
        // Reading is needed for any file mapping; writing for a shared writable one.
        int access = file->status_flags & access_mode_mask;
        if (access == access_write_only) return lib::Error::access_denied;
        if (access != access_read_write) {
            if (shared && (protection & mm::protection_write)) return lib::Error::access_denied;
            if (shared) max_protection &= ~mm::protection_write;
        }
        memory = TRY(file->memory_object());
        if (shared && (protection & mm::protection_write) && memory->writes_sealed()) return lib::Error::not_permitted;
    }

    uint64_t start = TRY(place(address, length, flags));
    uint32_t granted = static_cast<uint32_t>(protection);
    if (physical.size != 0) {
        TRY(space().map_physical(start, length, physical.physical + offset, granted, 0, false));
        return start;
    }
    mm::Region region{start, start + length, granted};
    region.shared = shared;
    region.max_protection = max_protection;
    if (memory != nullptr) {
        region.object = memory;
        region.object_offset = offset;
        TRY(space().add_mapping(region));
        return start;
    }
    if (shared) {
        // Shared anonymous memory: an object of its own, shared across fork.
        region.object = owned.object = TRY(mm::MemoryObject::create(length));
        TRY(space().add_mapping(region));
        return start;
    }
    TRY(space().add_region(start, start + length, granted));
    return start;
}

Result sys_munmap(const Arguments& a) {
    if (a.a0 % mm::page_size != 0 || a.a1 == 0 || a.a1 > mm::user_limit) return lib::Error::invalid_argument;
    uint64_t length = TRY(page_length(a.a1));
    if (!mm::is_user_range(a.a0, length)) return lib::Error::invalid_argument;
    TRY(space().remove_range(a.a0, a.a0 + length));
    return uint64_t(0);
}

Result sys_mprotect(const Arguments& a) {
    if (a.a0 % mm::page_size != 0 || (a.a2 & ~protection_mask) != 0) return lib::Error::invalid_argument;
    if (a.a1 == 0) return uint64_t(0);
    uint64_t length = TRY(page_length(a.a1));
    if (!mm::is_user_range(a.a0, length)) return lib::Error::no_memory;
    TRY(space().protect_range(a.a0, a.a0 + length, static_cast<uint32_t>(a.a2)));
    return uint64_t(0);
}

// brk never fails with an error: it returns the current break when it
// cannot move it, and glibc checks that.
Result sys_brk(const Arguments& a) {
    mm::AddressSpace& s = space();
    uint64_t wanted = a.a0;
    if (wanted < s.break_start || wanted >= mmap_top) return s.break_end;
    uint64_t old_top = lib::align_up(s.break_end, mm::page_size);
    uint64_t new_top = lib::align_up(wanted, mm::page_size);
    if (new_top > old_top) {
        if (!s.range_is_free(old_top, new_top) ||
            s.add_region(old_top, new_top, mm::protection_read | mm::protection_write).is_error()) {
            return s.break_end;
        }
    } else if (new_top < old_top) {
        if (s.remove_range(new_top, old_top).is_error()) return s.break_end;
    }
    s.break_end = wanted;
    return s.break_end;
}

}  // namespace linux
