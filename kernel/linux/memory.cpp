// mmap (anonymous, private copies of files, shared DMA memory), munmap, mprotect, brk, madvise.
#include "fs/node.h"
#include "lib/utility.h"
#include "linux/syscall.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr uint64_t map_shared = 0x01, map_private = 0x02, map_fixed = 0x10, map_anonymous = 0x20,
                   map_fixed_noreplace = 0x100000;
constexpr uint64_t protection_mask = 7;
// mmap without a hint places mappings downwards from here, below the stack.
constexpr uint64_t mmap_top = 0x00007F0000000000ull;

mm::AddressSpace& space() {
    return *current_process().space;
}

// Linux: a zero length is EINVAL, one that cannot fit the address space ENOMEM.
lib::ErrorOr<uint64_t> page_length(uint64_t length) {
    if (length == 0) return lib::Error::invalid_argument;
    if (length > mm::user_limit) return lib::Error::no_memory;
    return lib::align_up(length, mm::page_size);
}

}  // namespace

Result sys_mmap(const Arguments& a) {
    uint64_t address = a.a0, protection = a.a2, flags = a.a3, offset = a.a5;
    int descriptor = static_cast<int>(a.a4);
    uint64_t length = TRY(page_length(a.a1));
    if ((protection & ~protection_mask) != 0 || offset % mm::page_size != 0) return lib::Error::invalid_argument;
    uint64_t kind = flags & 3;
    if (kind != map_private && kind != map_shared) return lib::Error::invalid_argument;
    bool anonymous = flags & map_anonymous;
    const fs::Node* node = nullptr;
    object::PhysicalRange physical;
    if (!anonymous) {
        auto file = TRY(current_process().files.get(descriptor));
        physical = file->physical_range();
    }
    if (physical.size != 0) {
        // DMA memory: the same frames in every process that maps it.
        if (kind != map_shared) return lib::Error::invalid_argument;
        if (offset > physical.size || length > physical.size - offset) return lib::Error::invalid_argument;
    } else if (!anonymous) {
        auto file = TRY(current_process().files.get(descriptor));
        node = file->node();
        if (node == nullptr || !node->is_regular()) return lib::Error::access_denied;  // ENODEV on Linux
        // The ramdisk is read-only: a shared writable mapping could not be written back.
        if (kind == map_shared && (protection & mm::protection_write)) return lib::Error::access_denied;
    }
    uint64_t start;
    if (flags & (map_fixed | map_fixed_noreplace)) {
        if (address % mm::page_size != 0) return lib::Error::invalid_argument;
        if (!mm::is_user_range(address, length)) return lib::Error::no_memory;
        if (flags & map_fixed_noreplace) {
            if (!space().range_is_free(address, address + length)) return lib::Error::exists;
        } else {
            TRY(space().remove_range(address, address + length));
        }
        start = address;
    } else if (address != 0 && address % mm::page_size == 0 && mm::is_user_range(address, length) &&
               space().range_is_free(address, address + length)) {
        start = address;
    } else {
        start = TRY(space().find_free_range(length, mmap_top));
    }
    if (physical.size != 0) {
        TRY(space().map_physical(start, length, physical.physical + offset, static_cast<uint32_t>(protection), 0,
                                 false));
        return start;
    }
    TRY(space().add_region(start, start + length, static_cast<uint32_t>(protection)));
    if (node != nullptr && offset < node->size) {
        uint64_t count = lib::min(length, node->size - offset);
        lib::Status copied = space().write(start, node->data + offset, count);
        if (copied.is_error()) {
            (void)space().remove_range(start, start + length);
            return copied.error();
        }
    }
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

Result sys_madvise(const Arguments& a) {
    constexpr uint64_t dont_need = 4;
    if (a.a0 % mm::page_size != 0) return lib::Error::invalid_argument;
    if (a.a2 == dont_need && a.a1 != 0) {
        // Dropping the pages and mapping the range again makes them demand-zero.
        uint64_t length = TRY(page_length(a.a1));
        const mm::Region* region = space().find_region(a.a0);
        if (region == nullptr || region->end < a.a0 + length) return lib::Error::no_memory;
        uint32_t protection = region->protection;
        TRY(space().remove_range(a.a0, a.a0 + length));
        TRY(space().add_region(a.a0, a.a0 + length, protection));
    }
    return uint64_t(0);  // other advice is a hint we may ignore
}

}  // namespace linux
