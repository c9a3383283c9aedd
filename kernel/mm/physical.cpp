#include "mm/physical.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/layout.h"
#include "console/log.h"
#include "console/panic.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/frame_allocator.h"
#include "mm/layout.h"
#include "mm/paging.h"

extern "C" char __image_start[], __bss_end[];

namespace mm {
namespace {

struct PhysicalMemory {
    FrameAllocator frames;
    uint16_t* references = nullptr;  // per frame
};

lib::SpinlockProtected<PhysicalMemory> memory(lib::LockRank::physical_memory);

// Page tables for the physmap: one PDPT, and 2 MiB pages in as many page
// directories as memory needs (static: they exist before any allocator).
alignas(4096) uint64_t physmap_pdpt[512];
alignas(4096) uint64_t physmap_directories[physmap_size >> 30][512];

uint64_t image_physical(const void* symbol) {
    return reinterpret_cast<uint64_t>(symbol) - KERNEL_VIRTUAL_BASE;
}

void build_physmap(uint64_t top) {
    uint64_t gigabytes = lib::min<uint64_t>((top + (1ull << 30) - 1) >> 30, physmap_size >> 30);
    for (uint64_t g = 0; g < gigabytes; ++g) {
        for (uint64_t i = 0; i < 512; ++i) {
            uint64_t physical = (g << 30) | (i << 21);
            // Memory-mapped devices live in the top of the first 4 GiB; map
            // them uncached so the LAPIC and friends behave.
            uint64_t cache = physical >= 0xC0000000ull && physical < 0x100000000ull ? page_cache_disable : 0;
            physmap_directories[g][i] =
                physical | page_present | page_writable | page_huge | page_global | page_no_execute | cache;
        }
        physmap_pdpt[g] = image_physical(physmap_directories[g]) | page_present | page_writable;
    }
    kernel_pml4()[256] = image_physical(physmap_pdpt) | page_present | page_writable;
    arch::write_cr3(arch::read_cr3());
}

}  // namespace

void set_physmap_uncached(uint64_t physical, uint64_t size) {
    uint64_t end = lib::min(physical + size, physmap_size);
    for (uint64_t address = physical & ~((2ull << 20) - 1); address < end; address += 2ull << 20) {
        uint64_t& entry = physmap_directories[address >> 30][(address >> 21) & 511];
        if (entry & page_present) entry |= page_cache_disable;
        arch::invalidate_page(physmap_base + address);
    }
}

void init_physical_memory(const boot::BootInfo& info) {
    uint64_t top = 0;
    for (size_t i = 0; i < info.memory_count; ++i) {
        const auto& range = info.memory[i];
        if (range.available) top = lib::max(top, range.base + range.length);
    }
    if (top == 0) console::panic("boot: the memory map has no usable RAM");
    if (top > physmap_size) {
        console::log("mm: using the first %lu GiB of %lu MiB\n", physmap_size >> 30, top >> 20);
        top = physmap_size;
    }
    // Devices sit just under 4 GiB; the physmap covers them as well.
    build_physmap(lib::max<uint64_t>(top, 0x100000000ull));

    uint64_t frame_count = top / frame_size;
    uint64_t bitmap_bytes = FrameAllocator::words_for(frame_count) * 8;
    uint64_t metadata_bytes = lib::align_up(bitmap_bytes + frame_count * sizeof(uint16_t), frame_size);

    // Where the metadata goes: the first available range above the image
    // and the modules with room for it.
    uint64_t reserved_end = image_physical(__bss_end);
    for (size_t i = 0; i < info.module_count; ++i) reserved_end = lib::max(reserved_end, info.modules[i].end);
    reserved_end = lib::align_up(reserved_end, frame_size);
    uint64_t metadata = 0;
    for (size_t i = 0; i < info.memory_count && metadata == 0; ++i) {
        const auto& range = info.memory[i];
        if (!range.available) continue;
        uint64_t start = lib::align_up(lib::max(range.base, reserved_end), frame_size);
        if (start + metadata_bytes <= lib::min(range.base + range.length, top)) metadata = start;
    }
    if (metadata == 0) console::panic("mm: no room for %lu KiB of frame metadata", metadata_bytes >> 10);

    memory.with([&](PhysicalMemory& m) {
        auto* bitmap = static_cast<uint64_t*>(physical_to_virtual(metadata));
        m.frames.init(bitmap, frame_count);
        m.references = reinterpret_cast<uint16_t*>(reinterpret_cast<char*>(bitmap) + bitmap_bytes);
        lib::fill_bytes(m.references, 0, frame_count * sizeof(uint16_t));
        for (size_t i = 0; i < info.memory_count; ++i) {
            const auto& range = info.memory[i];
            if (!range.available) continue;
            uint64_t first = lib::align_up(range.base, frame_size) / frame_size;
            uint64_t end = lib::align_down(range.base + range.length, frame_size) / frame_size;
            if (end > first) m.frames.add_free_range(first, end - first);
        }
        // Reserved ranges are marked after all RAM is added: map entries may overlap.
        m.frames.reserve_range(0, 0x100000 / frame_size);
        uint64_t image = image_physical(__image_start) / frame_size;
        m.frames.reserve_range(image, lib::align_up(image_physical(__bss_end), frame_size) / frame_size - image);
        for (size_t i = 0; i < info.module_count; ++i) {
            uint64_t first = info.modules[i].start / frame_size;
            m.frames.reserve_range(first, lib::align_up(info.modules[i].end, frame_size) / frame_size - first);
        }
        m.frames.reserve_range(metadata / frame_size, metadata_bytes / frame_size);
    });
    console::log("mm: %lu MiB of RAM, %lu frames free\n", top >> 20, free_frame_count());
}

lib::ErrorOr<uint64_t> allocate_frame() {
    return allocate_contiguous_frames(1);
}

lib::ErrorOr<uint64_t> allocate_contiguous_frames(uint64_t count) {
    auto frame = memory.with([&](PhysicalMemory& m) -> lib::ErrorOr<uint64_t> {
        uint64_t first = TRY(m.frames.allocate_contiguous(count));
        for (uint64_t i = 0; i < count; ++i) m.references[first + i] = 1;
        return first;
    });
    if (frame.is_error()) return frame.error();
    uint64_t physical = frame.value() * frame_size;
    lib::fill_bytes(physical_to_virtual(physical), 0, count * frame_size);
    return physical;
}

void free_contiguous_frames(uint64_t physical, uint64_t count) {
    memory.with([&](PhysicalMemory& m) {
        uint64_t first = physical / frame_size;
        for (uint64_t i = 0; i < count; ++i) m.references[first + i] = 0;
        if (m.frames.free_contiguous(first, count).is_error()) {
            console::panic("mm: freeing frames at 0x%lx that are not allocated", physical);
        }
    });
}

void reference_frame(uint64_t physical) {
    memory.with([&](PhysicalMemory& m) {
        uint64_t frame = physical / frame_size;
        KERNEL_ASSERT(frame < m.frames.frame_count() && m.references[frame] > 0 && m.references[frame] < 0xFFFF);
        ++m.references[frame];
    });
}

void release_frame(uint64_t physical) {
    memory.with([&](PhysicalMemory& m) {
        uint64_t frame = physical / frame_size;
        KERNEL_ASSERT(frame < m.frames.frame_count() && m.references[frame] > 0);
        if (--m.references[frame] == 0 && m.frames.free(frame).is_error()) {
            console::panic("mm: double free of frame 0x%lx", physical);
        }
    });
}

uint32_t frame_references(uint64_t physical) {
    return memory.with([&](PhysicalMemory& m) -> uint32_t { return m.references[physical / frame_size]; });
}

uint64_t free_frame_count() {
    return memory.with([](PhysicalMemory& m) { return m.frames.free_count(); });
}

uint64_t total_frame_count() {
    return memory.with([](PhysicalMemory& m) { return m.frames.frame_count(); });
}

}  // namespace mm
