// The physical frame allocator: one bit per 4 KiB frame over the memory
// the loader reported, a running free count (the hostile-syscall test
// checks that it returns to its starting value), and a hint so that
// allocation does not rescan the low, already-used part of memory.
//
// Portable: the bitmap storage is the caller's, so the same code runs on
// the host under unit tests and in the kernel over the memory map.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

namespace mm {

constexpr uint64_t frame_size = 4096;

class FrameAllocator {
public:
    // words_for(frames) 64-bit words of bitmap cover frame_count frames.
    static constexpr uint64_t words_for(uint64_t frame_count) { return (frame_count + 63) / 64; }

    // Every frame starts out used; add_free_range makes RAM available.
    void init(uint64_t* bitmap, uint64_t frame_count);
    void add_free_range(uint64_t first_frame, uint64_t count);
    // Marks free frames used (the kernel image, modules, the bitmap itself).
    void reserve_range(uint64_t first_frame, uint64_t count);

    // Frame numbers, not addresses.
    lib::ErrorOr<uint64_t> allocate();
    lib::ErrorOr<uint64_t> allocate_contiguous(uint64_t count);
    // Freeing a frame that is not allocated is an error (a double free).
    lib::Status free(uint64_t frame);
    lib::Status free_contiguous(uint64_t first_frame, uint64_t count);

    bool is_free(uint64_t frame) const;
    uint64_t free_count() const { return free_count_; }
    uint64_t frame_count() const { return frame_count_; }

private:
    void set_used(uint64_t frame) { bitmap_[frame / 64] |= 1ull << (frame % 64); }
    void set_free(uint64_t frame) { bitmap_[frame / 64] &= ~(1ull << (frame % 64)); }

    uint64_t* bitmap_ = nullptr;  // bit set: used
    uint64_t frame_count_ = 0;
    uint64_t free_count_ = 0;
    uint64_t search_hint_ = 0;  // no free frame below this word
};

}  // namespace mm
