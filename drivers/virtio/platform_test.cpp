#include "virtio/platform.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "fake_platform.h"

namespace tessera::virtio::testing {
namespace {

TEST(VirtioPlatform, VolatileMmioRegionAccessesEachWidthInPlace) {
    alignas(8) std::array<std::uint8_t, 16> memory{};
    VolatileMmioRegion region(memory.data(), memory.size());
    EXPECT_EQ(region.size(), 16u);
    region.write8(1, 0xAB);
    region.write16(2, 0x1234);
    region.write32(4, 0xDEADBEEF);
    region.write64(8, 0x0102030405060708);
    EXPECT_EQ(memory[1], 0xAB);
    std::uint32_t word;
    std::memcpy(&word, &memory[4], 4);
    EXPECT_EQ(word, 0xDEADBEEFu);
    EXPECT_EQ(region.read8(1), 0xAB);
    EXPECT_EQ(region.read16(2), 0x1234);
    EXPECT_EQ(region.read32(4), 0xDEADBEEFu);
    EXPECT_EQ(region.read64(8), 0x0102030405060708u);
}

TEST(VirtioPlatform, DmaRegionFreesOnceAndMoves) {
    FakePlatform platform;
    {
        auto region = DmaRegion::allocate(platform, 100);
        ASSERT_FALSE(region.is_error());
        EXPECT_GE(region.value().size(), 100u);
        EXPECT_EQ(region.value().device_address() % 4096, 0u);
        // Device addresses are not the process's pointers.
        EXPECT_NE(region.value().device_address(), reinterpret_cast<std::uintptr_t>(region.value().data()));
        DmaRegion moved = region.release_value();
        EXPECT_EQ(platform.live_dma_allocations(), 1u);
        DmaRegion other = std::move(moved);
        EXPECT_EQ(moved.data(), nullptr);
    }
    EXPECT_EQ(platform.live_dma_allocations(), 0u);
    EXPECT_TRUE(platform.violations().empty());
}

TEST(VirtioPlatform, DmaExhaustionIsAnError) {
    FakePlatform platform;
    platform.set_dma_exhausted(true);
    EXPECT_EQ(DmaRegion::allocate(platform, 4096).error(), Error::out_of_memory);
}

TEST(VirtioPlatform, InterruptFdBecomesReadableAndAcknowledgeDrainsIt) {
    FakePlatform platform(2);
    using namespace std::chrono_literals;
    EXPECT_EQ(wait_for_interrupt(platform, 1, 0ms), Error::timed_out);
    platform.raise(1);
    platform.raise(1);
    EXPECT_EQ(wait_for_interrupt(platform, 1, 1000ms), Error::none);
    EXPECT_EQ(wait_for_interrupt(platform, 0, 0ms), Error::timed_out);  // another vector
    EXPECT_EQ(platform.acknowledge_interrupt(1), Error::none);
    EXPECT_EQ(wait_for_interrupt(platform, 1, 0ms), Error::timed_out);
    EXPECT_EQ(wait_for_interrupt(platform, 7, 0ms), Error::interrupt_unavailable);
}

}  // namespace
}  // namespace tessera::virtio::testing
