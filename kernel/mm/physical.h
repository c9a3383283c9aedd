// Physical memory for the kernel: the frame allocator built from the boot
// memory map, behind a lock, plus one reference count per frame so that
// copy-on-write pages can be shared between address spaces.
#pragma once
#include <stdint.h>

#include "boot/multiboot.h"
#include "lib/error.h"

namespace mm {

// Builds the physmap, then the allocator from the memory map, reserving
// the first MiB, the kernel image, the boot modules and its own metadata.
void init_physical_memory(const boot::BootInfo& info);

// A zero-filled frame with reference count 1; its physical address.
lib::ErrorOr<uint64_t> allocate_frame();
// count zero-filled contiguous frames (kernel stacks, heap chunks).
lib::ErrorOr<uint64_t> allocate_contiguous_frames(uint64_t count);
void free_contiguous_frames(uint64_t physical, uint64_t count);

// Reference counting for shared (copy-on-write) frames. The frame is freed
// when the last reference goes.
void reference_frame(uint64_t physical);
void release_frame(uint64_t physical);
uint32_t frame_references(uint64_t physical);

uint64_t free_frame_count();
// Makes the physmap's 2 MiB pages over [physical, physical + size) uncached
// (device registers the firmware placed below 0xC0000000, such as ECAM).
void set_physmap_uncached(uint64_t physical, uint64_t size);
uint64_t total_frame_count();

}  // namespace mm
