#include "mm/frame_allocator.h"

namespace mm {

void FrameAllocator::init(uint64_t* bitmap, uint64_t frame_count) {
    bitmap_ = bitmap;
    frame_count_ = frame_count;
    free_count_ = 0;
    search_hint_ = 0;
    for (uint64_t i = 0; i < words_for(frame_count); ++i) bitmap_[i] = ~0ull;
}

// Both walk the range a bitmap word at a time: at boot they cover all of
// memory, and one store per 64 frames matters when a hypervisor traps stores.
void FrameAllocator::add_free_range(uint64_t first_frame, uint64_t count) {
    uint64_t end = first_frame + count < frame_count_ ? first_frame + count : frame_count_;
    for (uint64_t frame = first_frame; frame < end;) {
        uint64_t bit = frame % 64;
        uint64_t bits = end - frame < 64 - bit ? end - frame : 64 - bit;
        uint64_t mask = (bits == 64 ? ~0ull : ((1ull << bits) - 1)) << bit;
        uint64_t& word = bitmap_[frame / 64];
        free_count_ += __builtin_popcountll(word & mask);
        word &= ~mask;
        frame += bits;
    }
    search_hint_ = 0;
}

void FrameAllocator::reserve_range(uint64_t first_frame, uint64_t count) {
    uint64_t end = first_frame + count < frame_count_ ? first_frame + count : frame_count_;
    for (uint64_t frame = first_frame; frame < end;) {
        uint64_t bit = frame % 64;
        uint64_t bits = end - frame < 64 - bit ? end - frame : 64 - bit;
        uint64_t mask = (bits == 64 ? ~0ull : ((1ull << bits) - 1)) << bit;
        uint64_t& word = bitmap_[frame / 64];
        free_count_ -= bits - __builtin_popcountll(word & mask);
        word |= mask;
        frame += bits;
    }
}

bool FrameAllocator::is_free(uint64_t frame) const {
    return frame < frame_count_ && (bitmap_[frame / 64] & (1ull << (frame % 64))) == 0;
}

lib::ErrorOr<uint64_t> FrameAllocator::allocate() {
    uint64_t words = words_for(frame_count_);
    for (uint64_t word = search_hint_; word < words; ++word) {
        if (bitmap_[word] == ~0ull) continue;
        uint64_t frame = word * 64 + __builtin_ctzll(~bitmap_[word]);
        if (frame >= frame_count_) break;
        set_used(frame);
        --free_count_;
        search_hint_ = word;
        return frame;
    }
    return lib::Error::no_memory;
}

lib::ErrorOr<uint64_t> FrameAllocator::allocate_contiguous(uint64_t count) {
    if (count == 0 || count > free_count_) return lib::Error::no_memory;
    if (count == 1) return allocate();
    uint64_t run_start = 0, run_length = 0;
    for (uint64_t frame = search_hint_ * 64; frame < frame_count_; ++frame) {
        if (!is_free(frame)) {
            run_length = 0;
            continue;
        }
        if (run_length == 0) run_start = frame;
        if (++run_length == count) {
            for (uint64_t f = run_start; f < run_start + count; ++f) set_used(f);
            free_count_ -= count;
            return run_start;
        }
    }
    return lib::Error::no_memory;
}

lib::Status FrameAllocator::free(uint64_t frame) {
    if (frame >= frame_count_ || is_free(frame)) return lib::Error::invalid_argument;
    set_free(frame);
    ++free_count_;
    if (frame / 64 < search_hint_) search_hint_ = frame / 64;
    return lib::ok();
}

lib::Status FrameAllocator::free_contiguous(uint64_t first_frame, uint64_t count) {
    for (uint64_t frame = first_frame; frame < first_frame + count; ++frame) {
        if (frame >= frame_count_ || is_free(frame)) return lib::Error::invalid_argument;
    }
    for (uint64_t frame = first_frame; frame < first_frame + count; ++frame) TRY(free(frame));
    return lib::ok();
}

}  // namespace mm
