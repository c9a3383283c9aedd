#include "mm/memory_object.h"

#include <gtest/gtest.h>

#include <string.h>

#include <vector>

#include "mm/layout.h"
#include "mm/physical.h"
#include "mm/test_physical.h"

namespace {

using mm::MemoryObject;

// Every test checks that the object's frames all go back with it.
class MemoryObjectTest : public ::testing::Test {
protected:
    void SetUp() override { frames_before_ = mm::test::frames_in_use(); }
    void TearDown() override { EXPECT_EQ(mm::test::frames_in_use(), frames_before_); }

    static MemoryObject* make(uint64_t size) {
        auto object = MemoryObject::create(size);
        EXPECT_FALSE(object.is_error());
        return object.is_error() ? nullptr : object.value();
    }

private:
    int64_t frames_before_ = 0;
};

TEST_F(MemoryObjectTest, ReadsZerosWithoutCommittingPages) {
    MemoryObject* object = make(3 * mm::page_size);
    std::vector<uint8_t> buffer(3 * mm::page_size, 0xAA);
    auto count = object->read(0, buffer.data(), buffer.size());
    ASSERT_FALSE(count.is_error());
    EXPECT_EQ(count.value(), buffer.size());
    for (uint8_t byte : buffer) ASSERT_EQ(byte, 0);
    EXPECT_EQ(object->committed_pages(), 0u);
    object->release();
}

TEST_F(MemoryObjectTest, WriteGrowsAndReadsBackAcrossPages) {
    MemoryObject* object = make(0);
    std::vector<uint8_t> data(10000);
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
    auto written = object->write(100, data.data(), data.size());
    ASSERT_FALSE(written.is_error());
    EXPECT_EQ(written.value(), data.size());
    EXPECT_EQ(object->size(), 10100u);
    EXPECT_EQ(object->committed_pages(), 3u);
    std::vector<uint8_t> back(20000, 0xFF);
    auto count = object->read(0, back.data(), back.size());
    ASSERT_FALSE(count.is_error());
    EXPECT_EQ(count.value(), 10100u);
    for (size_t i = 0; i < 100; ++i) ASSERT_EQ(back[i], 0);
    EXPECT_EQ(memcmp(back.data() + 100, data.data(), data.size()), 0);
    auto past_end = object->read(10100, back.data(), 10);
    ASSERT_FALSE(past_end.is_error());
    EXPECT_EQ(past_end.value(), 0u);
    object->release();
}

TEST_F(MemoryObjectTest, SparseWriteCommitsOnlyTouchedPages) {
    MemoryObject* object = make(0);
    uint8_t byte = 42;
    ASSERT_FALSE(object->write(1ull << 30, &byte, 1).is_error());
    ASSERT_FALSE(object->write(5, &byte, 1).is_error());
    EXPECT_EQ(object->size(), (1ull << 30) + 1);
    EXPECT_EQ(object->committed_pages(), 2u);
    uint8_t back = 0;
    ASSERT_FALSE(object->read(1ull << 30, &back, 1).is_error());
    EXPECT_EQ(back, 42);
    object->release();
}

TEST_F(MemoryObjectTest, ShrinkFreesPagesAndZeroesThePartialTail) {
    MemoryObject* object = make(0);
    std::vector<uint8_t> ones(3 * mm::page_size, 1);
    ASSERT_FALSE(object->write(0, ones.data(), ones.size()).is_error());
    ASSERT_FALSE(object->resize(mm::page_size + 10).is_error());
    EXPECT_EQ(object->committed_pages(), 2u);
    ASSERT_FALSE(object->resize(3 * mm::page_size).is_error());
    std::vector<uint8_t> back(3 * mm::page_size);
    ASSERT_FALSE(object->read(0, back.data(), back.size()).is_error());
    for (size_t i = 0; i < back.size(); ++i) ASSERT_EQ(back[i], i < mm::page_size + 10 ? 1 : 0) << i;
    ASSERT_FALSE(object->resize(0).is_error());
    EXPECT_EQ(object->committed_pages(), 0u);
    object->release();
}

TEST_F(MemoryObjectTest, FrameForPageAllocatesOnlyWhenAsked) {
    MemoryObject* object = make(2 * mm::page_size);
    auto hole = object->frame_for_page(1, false);
    ASSERT_FALSE(hole.is_error());
    EXPECT_EQ(hole.value(), 0u);
    auto frame = object->frame_for_page(1, true);
    ASSERT_FALSE(frame.is_error());
    EXPECT_NE(frame.value(), 0u);
    auto again = object->frame_for_page(1, false);
    ASSERT_FALSE(again.is_error());
    EXPECT_EQ(again.value(), frame.value());
    EXPECT_EQ(object->frame_for_page(2, true).error(), lib::Error::out_of_range);
    // A mapper's reference keeps the frame after the object shrinks.
    mm::reference_frame(frame.value());
    ASSERT_FALSE(object->resize(0).is_error());
    EXPECT_EQ(mm::frame_references(frame.value()), 1u);
    mm::release_frame(frame.value());
    object->release();
}

TEST_F(MemoryObjectTest, UserCopiesFaultCleanly) {
    MemoryObject* object = make(0);
    char text[] = "hello";
    auto written = object->write_from_user(0, reinterpret_cast<uint64_t>(text), 5);
    ASSERT_FALSE(written.is_error());
    EXPECT_EQ(object->write_from_user(0, 0x1000, 5).error(), lib::Error::bad_address);
    EXPECT_EQ(object->read_to_user(0, 0x1000, 5).error(), lib::Error::bad_address);
    char back[6] = {};
    auto count = object->read_to_user(0, reinterpret_cast<uint64_t>(back), 5);
    ASSERT_FALSE(count.is_error());
    EXPECT_STREQ(back, "hello");
    object->release();
}

TEST_F(MemoryObjectTest, OutOfFramesFailsWithoutLeaking) {
    MemoryObject* object = make(0);
    uint8_t byte = 1;
    mm::test::fail_next_frame_allocations(1);
    EXPECT_EQ(object->write(0, &byte, 1).error(), lib::Error::no_memory);
    EXPECT_EQ(object->size(), 0u);
    object->release();
}

TEST_F(MemoryObjectTest, SizeLimitIsFileTooBig) {
    EXPECT_EQ(MemoryObject::create(MemoryObject::max_size + 1).error(), lib::Error::file_too_big);
    MemoryObject* object = make(0);
    EXPECT_EQ(object->resize(MemoryObject::max_size + 1).error(), lib::Error::file_too_big);
    uint8_t byte = 0;
    EXPECT_EQ(object->write(UINT64_MAX - 1, &byte, 1).error(), lib::Error::file_too_big);
    object->release();
}

TEST_F(MemoryObjectTest, SealsStopChanges) {
    MemoryObject* object = make(10);
    EXPECT_EQ(object->seals(), mm::seal_seal);
    EXPECT_EQ(object->add_seals(mm::seal_grow).error(), lib::Error::not_permitted);
    object->allow_sealing();
    EXPECT_EQ(object->add_seals(0x100).error(), lib::Error::invalid_argument);
    ASSERT_FALSE(object->add_seals(mm::seal_shrink | mm::seal_grow).is_error());
    EXPECT_EQ(object->resize(5).error(), lib::Error::not_permitted);
    EXPECT_EQ(object->resize(20).error(), lib::Error::not_permitted);
    uint8_t bytes[20] = {};
    EXPECT_EQ(object->write(5, bytes, 20).error(), lib::Error::not_permitted);
    ASSERT_FALSE(object->write(0, bytes, 10).is_error());
    object->writable_mapping_added();
    EXPECT_EQ(object->add_seals(mm::seal_write).error(), lib::Error::busy);
    object->writable_mapping_removed();
    ASSERT_FALSE(object->add_seals(mm::seal_write | mm::seal_seal).is_error());
    EXPECT_EQ(object->write(0, bytes, 1).error(), lib::Error::not_permitted);
    EXPECT_EQ(object->add_seals(mm::seal_future_write).error(), lib::Error::not_permitted);
    object->release();
}

}  // namespace
