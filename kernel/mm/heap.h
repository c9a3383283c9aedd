// The kernel heap's allocator: first fit over an address-ordered free list
// with coalescing, 16-byte alignment, and memory obtained in chunks from a
// grow callback (contiguous frames in the kernel, malloc in unit tests).
// A chunk that becomes entirely free goes back through the release
// callback, so the frame allocator's free count returns to where it was
// once everything is freed.
//
// Allocation fails by returning nullptr; freeing a pointer that is not a
// live block is detected (block magic) and reported as an error.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

namespace mm {

class Heap {
public:
    // Returns at least `bytes` (it may round `bytes` up and says so), or nullptr.
    using Grow = void* (*)(size_t& bytes);
    using Release = void (*)(void* chunk, size_t bytes);

    Heap(Grow grow, Release release, size_t minimum_chunk = 64 * 1024)
        : grow_(grow), release_(release), minimum_chunk_(minimum_chunk) {}

    void* allocate(size_t size);
    lib::Status free(void* pointer);

    size_t bytes_allocated() const { return bytes_allocated_; }
    size_t chunk_count() const { return chunk_count_; }
    // Memory obtained from grow and not yet released, in bytes.
    size_t chunk_bytes() const { return chunk_bytes_; }

private:
    struct Block;
    struct Chunk;

    bool add_chunk(size_t at_least);
    Block* insert_free(Block* block);  // returns the block after merging
    void release_if_empty(Block* block);
    Chunk* chunk_of(void* address) const;

    Grow grow_;
    Release release_;
    size_t minimum_chunk_;
    Block* free_list_ = nullptr;  // sorted by address
    Chunk* chunks_ = nullptr;
    size_t bytes_allocated_ = 0;
    size_t chunk_count_ = 0;
    size_t chunk_bytes_ = 0;
};

}  // namespace mm
