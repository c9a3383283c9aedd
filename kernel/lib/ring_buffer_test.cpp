#include "lib/ring_buffer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace {

// Writes text through the spans (as a pipe does, possibly in two pieces).
size_t put(lib::RingBuffer& ring, const std::string& text) {
    size_t done = 0;
    while (done < text.size()) {
        lib::ByteSpan span = ring.writable();
        if (span.length == 0) break;
        size_t n = std::min(span.length, text.size() - done);
        std::memcpy(span.data, text.data() + done, n);
        ring.commit(n);
        done += n;
    }
    return done;
}

std::string take(lib::RingBuffer& ring, size_t most) {
    std::string out;
    while (out.size() < most) {
        lib::ByteSpan span = ring.readable();
        if (span.length == 0) break;
        size_t n = std::min(span.length, most - out.size());
        out.append(reinterpret_cast<const char*>(span.data), n);
        ring.consume(n);
    }
    return out;
}

TEST(RingBuffer, KeepsOrderAcrossTheWrap) {
    uint8_t storage[8];
    lib::RingBuffer ring(storage, sizeof storage);
    EXPECT_EQ(put(ring, "abcdef"), 6u);
    EXPECT_EQ(take(ring, 4), "abcd");
    // 2 bytes left at indexes 4..5; the next 6 wrap around the end.
    EXPECT_EQ(put(ring, "ghijkl"), 6u);
    EXPECT_EQ(ring.used(), 8u);
    EXPECT_EQ(ring.readable().length, 4u) << "the first span stops at the end of the storage";
    EXPECT_EQ(take(ring, 100), "efghijkl");
    EXPECT_TRUE(ring.empty());
}

TEST(RingBuffer, FullRingTakesNothingMore) {
    uint8_t storage[4];
    lib::RingBuffer ring(storage, sizeof storage);
    EXPECT_EQ(put(ring, "wxyz!"), 4u);
    EXPECT_EQ(ring.free_space(), 0u);
    EXPECT_EQ(ring.writable().length, 0u);
    ring.commit(3);  // committing past the room is clamped
    EXPECT_EQ(ring.used(), 4u);
    EXPECT_EQ(take(ring, 2), "wx");
    EXPECT_EQ(ring.free_space(), 2u);
    EXPECT_EQ(put(ring, "12"), 2u);
    EXPECT_EQ(take(ring, 10), "yz12");
}

TEST(RingBuffer, PartialConsumeAndEmptyResetKeepWritesContiguous) {
    uint8_t storage[16];
    lib::RingBuffer ring(storage, sizeof storage);
    EXPECT_EQ(put(ring, "0123456789"), 10u);
    ring.consume(3);
    EXPECT_EQ(ring.readable().length, 7u);
    ring.consume(100);  // clamped to what is readable
    EXPECT_TRUE(ring.empty());
    // Emptied: the whole capacity is one contiguous span again.
    EXPECT_EQ(ring.writable().length, 16u);
}

}  // namespace
