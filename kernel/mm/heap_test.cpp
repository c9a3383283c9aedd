#include "mm/heap.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

int chunks_live = 0;
int grow_budget = 1000;

void* grow(size_t& bytes) {
    if (grow_budget-- <= 0) return nullptr;
    ++chunks_live;
    return std::aligned_alloc(4096, (bytes + 4095) & ~size_t(4095));
}

void release(void* chunk, size_t) {
    --chunks_live;
    std::free(chunk);
}

TEST(Heap, AllocatesAlignedDistinctBlocksAndReturnsChunks) {
    chunks_live = 0;
    grow_budget = 1000;
    {
        mm::Heap heap(grow, release, 4096);
        std::vector<void*> blocks;
        for (size_t size : {1, 16, 100, 4000, 70000, 3}) {
            void* p = heap.allocate(size);
            ASSERT_NE(p, nullptr);
            EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 16, 0u);
            std::memset(p, 0xAB, size);
            blocks.push_back(p);
        }
        EXPECT_GT(heap.bytes_allocated(), 74000u);
        for (void* p : blocks) EXPECT_FALSE(heap.free(p).is_error());
        EXPECT_EQ(heap.bytes_allocated(), 0u);
        EXPECT_EQ(chunks_live, 0) << "empty chunks go back to the frame allocator";
    }
}

TEST(Heap, DetectsBadFreeAndReportsExhaustion) {
    chunks_live = 0;
    grow_budget = 1;
    mm::Heap heap(grow, release, 8192);
    void* p = heap.allocate(100);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(heap.allocate(1 << 20), nullptr) << "growth failure is an ordinary nullptr";
    EXPECT_FALSE(heap.free(p).is_error());
    EXPECT_TRUE(heap.free(p).is_error()) << "double free";
    int local;
    EXPECT_TRUE(heap.free(&local).is_error());
}

TEST(Heap, CoalescesSoALargeBlockFitsAfterFrees) {
    chunks_live = 0;
    grow_budget = 1;
    mm::Heap heap(grow, release, 64 * 1024);
    std::vector<void*> blocks;
    for (int i = 0; i < 8; ++i) blocks.push_back(heap.allocate(4000));
    void* keep = heap.allocate(16);  // keeps the chunk alive
    for (void* p : blocks) ASSERT_FALSE(heap.free(p).is_error());
    EXPECT_NE(heap.allocate(30000), nullptr) << "neighbouring free blocks merge";
    (void)keep;
}

}  // namespace
