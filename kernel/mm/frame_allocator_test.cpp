#include "mm/frame_allocator.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

TEST(FrameAllocator, CountsFreeFramesThroughAllocateAndFree) {
    std::vector<uint64_t> bitmap(mm::FrameAllocator::words_for(1000));
    mm::FrameAllocator frames;
    frames.init(bitmap.data(), 1000);
    EXPECT_EQ(frames.free_count(), 0u);
    frames.add_free_range(100, 900);
    frames.reserve_range(100, 10);
    EXPECT_EQ(frames.free_count(), 890u);
    auto first = frames.allocate();
    ASSERT_FALSE(first.is_error());
    EXPECT_EQ(first.value(), 110u);
    EXPECT_EQ(frames.free_count(), 889u);
    EXPECT_FALSE(frames.free(first.value()).is_error());
    EXPECT_EQ(frames.free_count(), 890u);
    EXPECT_TRUE(frames.free(first.value()).is_error()) << "double free must be detected";
    EXPECT_TRUE(frames.free(2000).is_error()) << "beyond the bitmap";
}

TEST(FrameAllocator, RunsOutAndFindsContiguousRuns) {
    std::vector<uint64_t> bitmap(mm::FrameAllocator::words_for(130));
    mm::FrameAllocator frames;
    frames.init(bitmap.data(), 130);
    frames.add_free_range(0, 130);
    frames.reserve_range(64, 1);  // splits the memory in two runs
    auto run = frames.allocate_contiguous(65);
    ASSERT_FALSE(run.is_error());
    EXPECT_EQ(run.value(), 65u);
    EXPECT_TRUE(frames.allocate_contiguous(65).is_error());
    for (int i = 0; i < 64; ++i) ASSERT_FALSE(frames.allocate().is_error());
    EXPECT_TRUE(frames.allocate().is_error());
    EXPECT_EQ(frames.free_count(), 0u);
    EXPECT_FALSE(frames.free_contiguous(65, 65).is_error());
    EXPECT_EQ(frames.free_count(), 65u);
}

}  // namespace
