// The driver and a device running at the same time on two threads, as on
// real hardware: the device polls the avail ring while the driver submits,
// and the driver sleeps on its interrupt fd with interrupts re-enabled only
// when it has nothing to do. A smoke test of the ring protocol under real
// concurrency: a lost completion shows up as a wait that times out, a
// publication race as wrong data. It cannot force the narrow windows; the
// single-threaded tests in virtqueue_test.cpp pin the protocol down exactly.
//
// Only ring memory, the eventfds and separate fields of the fake are shared
// between the threads; MSI-X is used so the driver never reads the ISR
// register the device thread writes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

#include "device_models.h"
#include "test_support.h"

namespace tessera::virtio::testing {
namespace {

using namespace std::chrono_literals;

class VirtioQueueThreaded : public ::testing::TestWithParam<bool> {};

INSTANTIATE_TEST_SUITE_P(EventIdx, VirtioQueueThreaded, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                             return info.param ? std::string("WithEventIdx") : std::string("WithoutEventIdx");
                         });

TEST_P(VirtioQueueThreaded, EveryRequestCompletesWithItsOwnData) {
    constexpr std::uint64_t requests = 20000;
    FakePlatform platform(2);
    FakeVirtioDevice::Options options;
    options.features = feature::version_1 | feature::event_idx;
    options.queue_sizes = {16};
    FakeVirtioDevice device(platform, options);
    auto transport = start_driver(platform, GetParam() ? feature::event_idx : 0, {16});
    ASSERT_TRUE(transport);
    SplitVirtqueue* queue = transport->queue(0);
    std::uint16_t vector = transport->queue_vector(0);
    ASSERT_NE(vector, no_vector);
    DmaRegion payload = dma(platform);

    std::atomic<bool> stop{false};
    std::thread device_thread([&] {
        while (!stop.load(std::memory_order_relaxed)) {
            if (auto chain = device.pop_avail(0)) {
                device.push_used(0, chain->head, chain->write_all(chain->read_all()));
            } else {
                std::this_thread::yield();
            }
        }
    });

    // At most 8 two-descriptor requests are in flight and they complete in
    // order, so token % 16 picks a slot no other in-flight request uses.
    auto slot = [](std::uint64_t token) { return static_cast<std::uint32_t>((token % 16) * 32); };
    std::uint64_t submitted = 0, completed = 0;
    int sleeps = 0;
    bool lost = false;
    queue->disable_interrupts();
    while (completed < requests && !lost) {
        while (submitted < requests) {
            std::memcpy(payload.data() + slot(submitted), &submitted, 8);
            BufferRef in = buffer(payload, slot(submitted), 8), out = buffer(payload, slot(submitted) + 16, 8);
            if (queue->submit({&in, 1}, {&out, 1}, submitted) != Error::none) break;
            ++submitted;
        }
        queue->notify_if_needed();

        bool progress = false;
        while (true) {
            auto completion = queue->pop_used();
            ASSERT_FALSE(completion.is_error()) << error_name(completion.error());
            if (!completion.value()) break;
            ASSERT_EQ(completion.value()->token, completed);
            std::uint64_t echoed;
            std::memcpy(&echoed, payload.data() + slot(completed) + 16, 8);
            ASSERT_EQ(echoed, completed);
            ++completed;
            progress = true;
        }
        if (progress || completed == requests) continue;

        // Nothing to do: re-enable, recheck, and only then sleep.
        if (queue->enable_interrupts()) {
            queue->disable_interrupts();
            continue;
        }
        ++sleeps;
        if (wait_for_interrupt(platform, vector, 5000ms) != Error::none) lost = true;
        ASSERT_FALSE(transport->acknowledge_interrupt(vector).is_error());
        queue->disable_interrupts();
    }
    stop = true;
    device_thread.join();
    EXPECT_FALSE(lost) << "a completion arrived without an interrupt after " << completed << " requests";
    EXPECT_EQ(completed, requests);
    EXPECT_EQ(queue->in_flight(), 0);
    for (const std::string& violation : platform.violations()) ADD_FAILURE() << violation;
    RecordProperty("sleeps", sleeps);
}

}  // namespace
}  // namespace tessera::virtio::testing
