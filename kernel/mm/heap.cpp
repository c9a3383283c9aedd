#include "mm/heap.h"

namespace mm {

// Every block, free or used, starts with this header; sizes include it.
struct Heap::Block {
    size_t size;
    union {
        Block* next;     // when free
        uint64_t magic;  // when allocated
    };
};

// Each chunk starts with this header, followed by its blocks.
struct Heap::Chunk {
    size_t size;
    Chunk* next;
};

namespace {
constexpr uint64_t allocated_magic = 0xA110CA7EDB10C4ull;
constexpr size_t alignment = 16;
static_assert(sizeof(size_t) * 2 == alignment);

size_t round_up(size_t value) {
    return (value + alignment - 1) & ~(alignment - 1);
}
}  // namespace

Heap::Chunk* Heap::chunk_of(void* address) const {
    auto a = reinterpret_cast<uintptr_t>(address);
    for (Chunk* chunk = chunks_; chunk != nullptr; chunk = chunk->next) {
        auto start = reinterpret_cast<uintptr_t>(chunk);
        if (a >= start && a < start + chunk->size) return chunk;
    }
    return nullptr;
}

bool Heap::add_chunk(size_t at_least) {
    size_t bytes = at_least + sizeof(Chunk);
    if (bytes < minimum_chunk_) bytes = minimum_chunk_;
    void* memory = grow_(bytes);
    if (memory == nullptr) return false;
    auto* chunk = static_cast<Chunk*>(memory);
    chunk->size = bytes;
    chunk->next = chunks_;
    chunks_ = chunk;
    ++chunk_count_;
    chunk_bytes_ += bytes;
    auto* block = reinterpret_cast<Block*>(reinterpret_cast<char*>(chunk) + sizeof(Chunk));
    block->size = (bytes - sizeof(Chunk)) & ~(alignment - 1);
    insert_free(block);
    return true;
}

void* Heap::allocate(size_t size) {
    if (size > (size_t(1) << 40)) return nullptr;
    size_t needed = round_up(size == 0 ? 1 : size) + sizeof(Block);
    for (int attempt = 0; attempt < 2; ++attempt) {
        Block** link = &free_list_;
        for (Block* block = free_list_; block != nullptr; link = &block->next, block = block->next) {
            if (block->size < needed) continue;
            if (block->size - needed >= sizeof(Block) + alignment) {
                // Split: the tail stays free in the same list position.
                auto* rest = reinterpret_cast<Block*>(reinterpret_cast<char*>(block) + needed);
                rest->size = block->size - needed;
                rest->next = block->next;
                *link = rest;
                block->size = needed;
            } else {
                *link = block->next;
            }
            block->magic = allocated_magic;
            bytes_allocated_ += block->size;
            return reinterpret_cast<char*>(block) + sizeof(Block);
        }
        if (attempt == 0 && !add_chunk(needed)) return nullptr;
    }
    return nullptr;
}

lib::Status Heap::free(void* pointer) {
    if (pointer == nullptr) return lib::ok();
    auto* block = reinterpret_cast<Block*>(static_cast<char*>(pointer) - sizeof(Block));
    if ((reinterpret_cast<uintptr_t>(pointer) & (alignment - 1)) != 0 || block->magic != allocated_magic) {
        return lib::Error::invalid_argument;
    }
    bytes_allocated_ -= block->size;
    release_if_empty(insert_free(block));
    return lib::ok();
}

Heap::Block* Heap::insert_free(Block* block) {
    Chunk* chunk = chunk_of(block);
    // Insert in address order, merging with neighbours in the same chunk.
    Block* previous = nullptr;
    Block* next = free_list_;
    while (next != nullptr && next < block) {
        previous = next;
        next = next->next;
    }
    block->next = next;
    if (previous)
        previous->next = block;
    else
        free_list_ = block;
    if (next != nullptr && reinterpret_cast<char*>(block) + block->size == reinterpret_cast<char*>(next) &&
        chunk_of(next) == chunk) {
        block->size += next->size;
        block->next = next->next;
    }
    if (previous != nullptr && reinterpret_cast<char*>(previous) + previous->size == reinterpret_cast<char*>(block) &&
        chunk_of(previous) == chunk) {
        previous->size += block->size;
        previous->next = block->next;
        block = previous;
    }
    return block;
}

void Heap::release_if_empty(Block* block) {
    Chunk* chunk = chunk_of(block);
    if (chunk == nullptr || release_ == nullptr) return;
    auto* first = reinterpret_cast<char*>(chunk) + sizeof(Chunk);
    size_t usable = (chunk->size - sizeof(Chunk)) & ~(alignment - 1);
    if (reinterpret_cast<char*>(block) != first || block->size != usable) return;
    // Unlink the block and the chunk, then hand the memory back.
    Block** link = &free_list_;
    while (*link != block) link = &(*link)->next;
    *link = block->next;
    Chunk** chunk_link = &chunks_;
    while (*chunk_link != chunk) chunk_link = &(*chunk_link)->next;
    *chunk_link = chunk->next;
    --chunk_count_;
    chunk_bytes_ -= chunk->size;
    release_(chunk, chunk->size);
}

}  // namespace mm
