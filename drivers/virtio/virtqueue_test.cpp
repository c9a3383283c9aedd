#include "virtio/virtqueue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>

#include "device_models.h"
#include "test_support.h"

namespace tessera::virtio::testing {
namespace {

using namespace std::chrono_literals;
using Options = FakeVirtioDevice::Options;

// A driver with one queue against a device the test drives by hand (or with
// echo installed), with or without EVENT_IDX.
class VirtioQueue : public ::testing::TestWithParam<bool> {
protected:
    void start(std::uint16_t size, bool echo = false) {
        Options options;
        options.queue_sizes = {size};
        options.features = feature::version_1 | feature::event_idx;
        device = std::make_unique<FakeVirtioDevice>(platform, options);
        if (echo) install_echo(*device);
        transport = start_driver(platform, event_idx() ? feature::event_idx : 0, {size});
        ASSERT_TRUE(transport);
        queue = transport->queue(0);
        payload = dma(platform, 64 * 1024);
    }
    void TearDown() override {
        for (const std::string& violation : platform.violations()) ADD_FAILURE() << violation;
    }
    bool event_idx() const { return GetParam(); }

    Completion pop() {
        auto completion = queue->pop_used();
        EXPECT_FALSE(completion.is_error()) << error_name(completion.error());
        EXPECT_TRUE(!completion.is_error() && completion.value().has_value());
        return completion.is_error() || !completion.value() ? Completion{~0ull, 0} : *completion.value();
    }
    Error submit_one(std::uint64_t token, std::uint32_t offset = 0) {
        BufferRef out = buffer(payload, offset, 8);
        return queue->submit({}, {&out, 1}, token);
    }

    FakePlatform platform;
    std::unique_ptr<FakeVirtioDevice> device;
    std::unique_ptr<PciTransport> transport;
    SplitVirtqueue* queue = nullptr;
    DmaRegion payload;
};

INSTANTIATE_TEST_SUITE_P(EventIdx, VirtioQueue, ::testing::Bool(), [](const ::testing::TestParamInfo<bool>& info) {
    return info.param ? std::string("WithEventIdx") : std::string("WithoutEventIdx");
});

TEST_P(VirtioQueue, RequestAndResponseCarryTheToken) {
    start(8, true);
    std::memcpy(payload.data(), "hello", 5);
    BufferRef in = buffer(payload, 0, 5), out = buffer(payload, 100, 16);
    ASSERT_EQ(queue->submit({&in, 1}, {&out, 1}, 42), Error::none);
    EXPECT_EQ(queue->free_descriptors(), 6);
    EXPECT_TRUE(queue->notify_if_needed());
    Completion completion = pop();
    EXPECT_EQ(completion.token, 42u);
    EXPECT_EQ(completion.written, 5u);
    EXPECT_EQ(std::memcmp(payload.data() + 100, "hello", 5), 0);
    EXPECT_EQ(queue->free_descriptors(), 8);
    EXPECT_EQ(queue->in_flight(), 0);
    auto empty = queue->pop_used();
    ASSERT_FALSE(empty.is_error());
    EXPECT_FALSE(empty.value().has_value());
}

TEST_P(VirtioQueue, ChainsReadableThenWritableBuffersInOrder) {
    start(16);
    std::memcpy(payload.data(), "abcdefghi", 9);
    BufferRef in[] = {buffer(payload, 0, 3), buffer(payload, 3, 3), buffer(payload, 6, 3)};
    BufferRef out[] = {buffer(payload, 200, 4), buffer(payload, 300, 8)};
    ASSERT_EQ(queue->submit(in, out, 7), Error::none);
    EXPECT_EQ(queue->free_descriptors(), 11);
    queue->notify_if_needed();

    auto chain = device->pop_avail(0);
    ASSERT_TRUE(chain);
    ASSERT_EQ(chain->readable.size(), 3u);
    ASSERT_EQ(chain->writable.size(), 2u);
    std::vector<std::byte> bytes = chain->read_all();
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()), "abcdefghi");
    EXPECT_EQ(chain->writable[0].data, payload.data() + 200);
    EXPECT_EQ(chain->writable[1].length, 8u);
    device->push_used(0, chain->head, chain->write_all(bytes));

    Completion completion = pop();
    EXPECT_EQ(completion.token, 7u);
    EXPECT_EQ(completion.written, 9u);
    EXPECT_EQ(std::memcmp(payload.data() + 200, "abcd", 4), 0);
    EXPECT_EQ(std::memcmp(payload.data() + 300, "efghi", 5), 0);
    EXPECT_EQ(queue->free_descriptors(), 16);
}

TEST_P(VirtioQueue, CompletionsOutOfOrderReturnTheirOwnTokens) {
    start(8);
    for (std::uint64_t token = 100; token < 103; ++token) {
        BufferRef out = buffer(payload, static_cast<std::uint32_t>(token), 1);
        BufferRef in = buffer(payload, 0, 1);
        ASSERT_EQ(queue->submit({&in, 1}, {&out, 1}, token), Error::none);
    }
    queue->notify_if_needed();
    std::vector<DeviceChain> chains;
    while (auto chain = device->pop_avail(0)) chains.push_back(*chain);
    ASSERT_EQ(chains.size(), 3u);
    for (auto it = chains.rbegin(); it != chains.rend(); ++it) device->push_used(0, it->head, 1);
    EXPECT_EQ(pop().token, 102u);
    EXPECT_EQ(pop().token, 101u);
    EXPECT_EQ(pop().token, 100u);
    // The freed descriptors are reusable in any order.
    for (std::uint64_t token = 0; token < 4; ++token) EXPECT_EQ(submit_one(token), Error::none);
}

TEST_P(VirtioQueue, FullQueueIsAClearErrorAndChangesNothing) {
    start(4);
    for (std::uint64_t token = 0; token < 4; ++token) ASSERT_EQ(submit_one(token), Error::none);
    EXPECT_EQ(queue->free_descriptors(), 0);
    EXPECT_EQ(submit_one(99), Error::queue_full);
    EXPECT_EQ(queue->in_flight(), 4);

    BufferRef five[5] = {};
    EXPECT_EQ(queue->submit(five, {}, 1), Error::request_too_large);
    EXPECT_EQ(queue->submit({}, {}, 1), Error::invalid_argument);

    queue->notify_if_needed();
    auto chain = device->pop_avail(0);
    ASSERT_TRUE(chain);
    device->push_used(0, chain->head, 8);
    EXPECT_EQ(pop().token, 0u);
    // One descriptor free: a chain of two still does not fit, one does.
    BufferRef two[2] = {buffer(payload, 0, 1), buffer(payload, 1, 1)};
    EXPECT_EQ(queue->submit(two, {}, 5), Error::queue_full);
    EXPECT_EQ(submit_one(6), Error::none);
    // Three old entries, then the new one in the descriptor just freed;
    // nothing from the refused submissions.
    std::vector<std::uint16_t> heads;
    while (auto next = device->pop_avail(0)) heads.push_back(next->head);
    ASSERT_EQ(heads.size(), 4u);
    EXPECT_EQ(heads.back(), chain->head);
}

TEST_P(VirtioQueue, IndicesWrapPast65535) {
    start(4, true);
    // 70000 two-descriptor requests through a 4-entry queue: avail and used
    // idx both wrap, in batches of 1 or 2 so the ring slot of the wrap varies.
    std::uint64_t next_token = 0, expected_token = 0;
    while (expected_token < 70000) {
        std::uint32_t batch = 1 + (expected_token / 3) % 2;
        for (std::uint32_t i = 0; i < batch; ++i) {
            auto slot = static_cast<std::uint32_t>((next_token % 4) * 16);
            std::memcpy(payload.data() + slot, &next_token, 8);
            BufferRef in = buffer(payload, slot, 8), out = buffer(payload, 1024 + slot, 8);
            ASSERT_EQ(queue->submit({&in, 1}, {&out, 1}, next_token), Error::none);
            ++next_token;
        }
        queue->notify_if_needed();
        for (std::uint32_t i = 0; i < batch; ++i) {
            Completion completion = pop();
            ASSERT_EQ(completion.token, expected_token);
            std::uint64_t echoed;
            std::memcpy(&echoed, payload.data() + 1024 + (expected_token % 4) * 16, 8);
            ASSERT_EQ(echoed, expected_token);
            ++expected_token;
        }
    }
    ASSERT_GE(next_token, 70000u);
    EXPECT_EQ(device->queue(0).used_idx, static_cast<std::uint16_t>(next_token));
    EXPECT_EQ(device->queue(0).last_avail, static_cast<std::uint16_t>(next_token));
    EXPECT_EQ(queue->free_descriptors(), 4);
}

TEST_P(VirtioQueue, DeviceCanSuppressNotifications) {
    start(8);
    ASSERT_EQ(submit_one(1), Error::none);
    EXPECT_TRUE(queue->notify_if_needed());
    EXPECT_FALSE(queue->notify_if_needed());  // nothing new since
    EXPECT_EQ(device->queue(0).notifications, 1u);

    if (event_idx()) {
        // The device has not taken entry 0 yet, so avail_event is still 0:
        // entry 1 does not cross it.
        ASSERT_EQ(submit_one(2), Error::none);
        EXPECT_FALSE(queue->notify_if_needed());
        // Once the device consumed both, it wants to hear about entry 2.
        while (device->pop_avail(0)) {
        }
        ASSERT_EQ(submit_one(3), Error::none);
        EXPECT_TRUE(queue->notify_if_needed());
        // A device asking for a notification far ahead is not notified early.
        device->set_avail_event(0, 10);
        ASSERT_EQ(submit_one(4), Error::none);
        EXPECT_FALSE(queue->notify_if_needed());
    } else {
        device->set_no_notify(0, true);
        ASSERT_EQ(submit_one(2), Error::none);
        EXPECT_FALSE(queue->notify_if_needed());
        device->set_no_notify(0, false);
        ASSERT_EQ(submit_one(3), Error::none);
        EXPECT_TRUE(queue->notify_if_needed());
    }
    EXPECT_EQ(device->queue(0).notifications, 2u);
}

TEST_P(VirtioQueue, DriverCanSuppressInterrupts) {
    start(8);
    ASSERT_EQ(submit_one(1), Error::none);
    ASSERT_EQ(submit_one(2), Error::none);
    queue->notify_if_needed();
    auto first = device->pop_avail(0);
    auto second = device->pop_avail(0);
    ASSERT_TRUE(first && second);

    queue->disable_interrupts();
    device->push_used(0, first->head, 0);
    EXPECT_EQ(device->queue(0).interrupts, 0u);
    EXPECT_EQ(device->queue(0).suppressed_interrupts, 1u);
    EXPECT_EQ(wait_for_interrupt(platform, no_vector, 0ms), Error::timed_out);

    // Re-enabling reports the completion that arrived silently.
    EXPECT_TRUE(queue->enable_interrupts());
    EXPECT_EQ(pop().token, 1u);
    EXPECT_FALSE(queue->enable_interrupts());

    device->push_used(0, second->head, 0);
    EXPECT_EQ(device->queue(0).interrupts, 1u);
    EXPECT_EQ(wait_for_interrupt(platform, no_vector, 1000ms), Error::none);
    EXPECT_EQ(pop().token, 2u);
}

TEST_P(VirtioQueue, ImpossibleUsedEntriesAreProtocolErrors) {
    start(8);
    ASSERT_EQ(submit_one(1), Error::none);
    queue->notify_if_needed();
    auto chain = device->pop_avail(0);
    ASSERT_TRUE(chain);
    // An id that is not the head of anything outstanding.
    device->push_used(0, static_cast<std::uint16_t>(chain->head + 3), 0);
    EXPECT_EQ(queue->pop_used().error(), Error::device_protocol_error);
}

TEST_P(VirtioQueue, MoreUsedEntriesThanRequestsIsAProtocolError) {
    start(8);
    ASSERT_EQ(submit_one(1), Error::none);
    queue->notify_if_needed();
    auto chain = device->pop_avail(0);
    ASSERT_TRUE(chain);
    device->push_used(0, chain->head, 0);
    device->push_used(0, chain->head, 0);
    EXPECT_EQ(queue->pop_used().error(), Error::device_protocol_error);
}

TEST_P(VirtioQueue, WrittenLengthIsClampedToTheWritableBuffers) {
    start(8);
    ASSERT_EQ(submit_one(1), Error::none);
    queue->notify_if_needed();
    auto chain = device->pop_avail(0);
    ASSERT_TRUE(chain);
    device->push_used(0, chain->head, 100000);
    EXPECT_EQ(pop().written, 8u);
}

TEST(VirtioQueueCreate, RejectsSizesThatAreNotPowersOfTwo) {
    FakePlatform platform;
    EXPECT_EQ(SplitVirtqueue::create(platform, 0, false, {}).error(), Error::invalid_argument);
    EXPECT_EQ(SplitVirtqueue::create(platform, 12, false, {}).error(), Error::invalid_argument);
    EXPECT_EQ(SplitVirtqueue::create(platform, 65535, false, {}).error(), Error::invalid_argument);
    auto largest = SplitVirtqueue::create(platform, 32768, false, {});
    ASSERT_FALSE(largest.is_error());
    EXPECT_EQ(largest.value()->free_descriptors(), 32768);
    // Ring layout: descriptors 16-aligned, driver area 2-aligned, device area 4-aligned.
    EXPECT_EQ(largest.value()->driver_area_address() - largest.value()->descriptor_table_address(), 16u * 32768);
    EXPECT_EQ(largest.value()->device_area_address() % 4, 0u);
}

}  // namespace
}  // namespace tessera::virtio::testing
