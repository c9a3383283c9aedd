#include "virtio/transport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "device_models.h"
#include "test_support.h"
#include "virtio/spec.h"

namespace tessera::virtio::testing {
namespace {

using namespace std::chrono_literals;
using Options = FakeVirtioDevice::Options;

std::unique_ptr<PciTransport> open(FakePlatform& platform) {
    auto transport = PciTransport::open(platform);
    EXPECT_FALSE(transport.is_error()) << error_name(transport.error());
    return transport.is_error() ? nullptr : transport.release_value();
}

void expect_no_violations(FakePlatform& platform) {
    for (const std::string& violation : platform.violations()) ADD_FAILURE() << violation;
}

// One echo request on queue 0; returns the completion.
std::optional<Completion> echo_once(FakePlatform& platform, PciTransport& transport, std::uint64_t token) {
    DmaRegion payload = dma(platform);
    std::memcpy(payload.data(), "ping", 4);
    BufferRef in = buffer(payload, 0, 4), out = buffer(payload, 64, 16);
    SplitVirtqueue* queue = transport.queue(0);
    EXPECT_EQ(queue->submit({&in, 1}, {&out, 1}, token), Error::none);
    queue->notify_if_needed();
    auto completion = queue->pop_used();
    EXPECT_FALSE(completion.is_error());
    return completion.is_error() ? std::nullopt : completion.value();
}

TEST(VirtioTransport, InitialisesInTheSpecifiedOrder) {
    FakePlatform platform;
    FakeVirtioDevice device(platform, {});
    auto transport = start_driver(platform, 0, {64});
    ASSERT_TRUE(transport);
    using namespace status;
    std::vector<std::uint8_t> expected = {0, acknowledge, acknowledge | driver, acknowledge | driver | features_ok,
                                          acknowledge | driver | features_ok | driver_ok};
    EXPECT_EQ(device.status_writes(), expected);
    EXPECT_EQ(transport->status(), acknowledge | driver | features_ok | driver_ok);
    expect_no_violations(platform);
}

TEST(VirtioTransport, NegotiatesTheIntersectionIncludingHighBits) {
    FakePlatform platform;
    Options options;
    options.features = feature::version_1 | feature::access_platform | feature::event_idx | (1u << 0) | (1u << 5);
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    auto negotiated = transport->negotiate(feature::access_platform | feature::event_idx | (1u << 0) | (1u << 7));
    ASSERT_FALSE(negotiated.is_error()) << error_name(negotiated.error());
    std::uint64_t expected = feature::version_1 | feature::access_platform | feature::event_idx | (1u << 0);
    EXPECT_EQ(negotiated.value(), expected);
    EXPECT_EQ(device.driver_features(), expected);
    EXPECT_EQ(transport->negotiated_features(), expected);
    EXPECT_EQ(transport->device_features(), options.features);
}

TEST(VirtioTransport, DeclinesFeaturesTheLibraryCannotDrive) {
    FakePlatform platform;
    Options options;
    options.features = feature::version_1 | feature::ring_packed | feature::indirect_desc | feature::notification_data |
                       feature::in_order;
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    auto negotiated = transport->negotiate(~std::uint64_t{0});
    ASSERT_FALSE(negotiated.is_error());
    EXPECT_EQ(negotiated.value(), feature::version_1);
}

TEST(VirtioTransport, MissingVersion1FailsTheDevice) {
    FakePlatform platform;
    Options options;
    options.features = 1u << 0;  // a legacy-only device
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    EXPECT_EQ(transport->negotiate(1u << 0).error(), Error::missing_version_1);
    EXPECT_TRUE(device.status() & status::failed);
    EXPECT_FALSE(device.status() & status::features_ok);
}

TEST(VirtioTransport, DeviceRefusingFeaturesOkFailsTheDevice) {
    FakePlatform platform;
    Options options;
    options.accept_features = false;
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    EXPECT_EQ(transport->negotiate(0).error(), Error::features_rejected);
    EXPECT_TRUE(device.status() & status::failed);
    EXPECT_FALSE(device.status() & status::driver_ok);
    // Queues cannot be set up on a device that did not accept features.
    EXPECT_EQ(transport->setup_queue(0, 64).error(), Error::invalid_argument);
}

TEST(VirtioTransport, DeviceRequiringAFeatureWeDeclineRefusesFeaturesOk) {
    FakePlatform platform;
    Options options;
    options.features = feature::version_1 | (1u << 3);
    options.required_features = 1u << 3;
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    EXPECT_EQ(transport->negotiate(0).error(), Error::features_rejected);
    // Asking again with the feature works, and starts with a reset.
    auto negotiated = transport->negotiate(1u << 3);
    ASSERT_FALSE(negotiated.is_error());
    EXPECT_FALSE(device.status() & status::failed);
    EXPECT_EQ(device.resets(), 2);
}

TEST(VirtioTransport, ResetWaitsForTheDeviceToReadZero) {
    FakePlatform platform;
    Options options;
    options.reset_delay_reads = 150;  // past the fast polls, into the sleeping ones
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    ASSERT_FALSE(transport->negotiate(0).is_error());
    // The second negotiation resets a device that is mid-initialisation.
    ASSERT_FALSE(transport->negotiate(0).is_error());
    EXPECT_EQ(device.resets(), 2);
    expect_no_violations(platform);
}

TEST(VirtioTransport, ResetThatNeverCompletesTimesOut) {
    FakePlatform platform;
    Options options;
    options.reset_delay_reads = -1;
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    ASSERT_FALSE(transport->negotiate(0).is_error());  // from status 0: immediate
    EXPECT_EQ(transport->reset(), Error::reset_timeout);
    // negotiate() starts with the same reset and must not go on without it.
    EXPECT_EQ(transport->negotiate(0).error(), Error::reset_timeout);
}

TEST(VirtioTransport, SetsUpQueuesWithPowerOfTwoSizes) {
    FakePlatform platform;
    Options options;
    options.queue_sizes = {64, 16, 0};
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    ASSERT_FALSE(transport->negotiate(0).is_error());
    EXPECT_EQ(transport->num_queues(), 3);

    auto first = transport->setup_queue(0, 256);
    ASSERT_FALSE(first.is_error());
    EXPECT_EQ(first.value()->size(), 64);
    auto second = transport->setup_queue(1, 12);
    ASSERT_FALSE(second.is_error());
    EXPECT_EQ(second.value()->size(), 8);

    EXPECT_TRUE(device.queue(0).enabled);
    EXPECT_EQ(device.queue(0).size, 64);
    EXPECT_EQ(device.queue(0).desc, first.value()->descriptor_table_address());
    EXPECT_EQ(device.queue(0).driver, first.value()->driver_area_address());
    EXPECT_EQ(device.queue(0).device, first.value()->device_area_address());
    EXPECT_EQ(device.queue(1).size, 8);
    EXPECT_EQ(transport->queue(1), second.value());

    EXPECT_EQ(transport->setup_queue(2, 64).error(), Error::queue_unavailable);  // size 0
    EXPECT_EQ(transport->setup_queue(3, 64).error(), Error::queue_unavailable);  // no such queue
    EXPECT_EQ(transport->setup_queue(0, 64).error(), Error::queue_already_enabled);
    transport->driver_ok();
    EXPECT_EQ(transport->setup_queue(1, 8).error(), Error::invalid_argument);  // too late once live
    expect_no_violations(platform);
}

TEST(VirtioTransport, NotifiesEachQueueAtItsOwnAddress) {
    FakePlatform platform;
    Options options;
    options.queue_sizes = {8, 8, 8};
    FakeVirtioDevice device(platform, options);
    install_echo(device);
    auto transport = start_driver(platform, 0, {8, 8, 8});
    ASSERT_TRUE(transport);
    DmaRegion payload = dma(platform);
    for (std::uint16_t index = 0; index < 3; ++index) {
        BufferRef in = buffer(payload, 0, 4), out = buffer(payload, 8, 4);
        ASSERT_EQ(transport->queue(index)->submit({&in, 1}, {&out, 1}, index), Error::none);
        EXPECT_TRUE(transport->queue(index)->notify_if_needed());
        EXPECT_EQ(device.queue(index).notifications, 1u);
    }
    expect_no_violations(platform);  // the fake checks address == notify_off * multiplier
}

TEST(VirtioTransport, ZeroNotifyMultiplierSharesOneAddress) {
    FakePlatform platform;
    Options options;
    options.queue_sizes = {8, 8};
    options.notify_off_multiplier = 0;
    FakeVirtioDevice device(platform, options);
    install_echo(device);
    auto transport = start_driver(platform, 0, {8, 8});
    ASSERT_TRUE(transport);
    DmaRegion payload = dma(platform);
    BufferRef in = buffer(payload, 0, 4), out = buffer(payload, 8, 4);
    ASSERT_EQ(transport->queue(1)->submit({&in, 1}, {&out, 1}, 1), Error::none);
    transport->queue(1)->notify_if_needed();
    EXPECT_EQ(device.queue(1).notifications, 1u);
    EXPECT_EQ(device.queue(0).notifications, 0u);
    expect_no_violations(platform);
}

TEST(VirtioTransport, NotifyAddressOutsideTheCapabilityIsRejected) {
    FakePlatform platform;
    Options options;
    options.queue_sizes = {8, 8};
    options.notify_off_multiplier = 0x800;  // queue 1 lands at 0x800: past the shortened region
    FakeVirtioDevice device(platform, options);
    platform.poke32(FakeVirtioDevice::notify_cap_at + cap::field_region_length, 0x800);
    auto transport = open(platform);
    ASSERT_FALSE(transport->negotiate(0).is_error());
    EXPECT_FALSE(transport->setup_queue(0, 8).is_error());
    EXPECT_EQ(transport->setup_queue(1, 8).error(), Error::malformed_capabilities);
    EXPECT_TRUE(device.status() & status::failed);
    expect_no_violations(platform);
}

TEST(VirtioTransport, AssignsMsixVectorsAndReportsTheCause) {
    FakePlatform platform(3);
    Options options;
    options.queue_sizes = {8, 8};
    FakeVirtioDevice device(platform, options);
    install_echo(device);
    auto transport = start_driver(platform, 0, {8, 8});
    ASSERT_TRUE(transport);
    EXPECT_TRUE(transport->using_msix());
    EXPECT_EQ(device.config_msix_vector(), 0);
    EXPECT_EQ(device.queue(0).msix_vector, 1);
    EXPECT_EQ(device.queue(1).msix_vector, 2);
    EXPECT_EQ(transport->queue_vector(1), 2);

    auto completion = echo_once(platform, *transport, 5);
    ASSERT_TRUE(completion);
    EXPECT_EQ(wait_for_interrupt(platform, 1, 1000ms), Error::none);
    EXPECT_EQ(platform.raised(no_vector), 0u);
    auto cause = transport->acknowledge_interrupt(1);
    ASSERT_FALSE(cause.is_error());
    EXPECT_TRUE(cause.value().queue);
    EXPECT_FALSE(cause.value().config);
    EXPECT_EQ(wait_for_interrupt(platform, 1, 0ms), Error::timed_out);
    expect_no_violations(platform);
}

TEST(VirtioTransport, RefusedConfigVectorFallsBackToIntx) {
    FakePlatform platform(3);
    Options options;
    options.refuse_config_vector = true;
    FakeVirtioDevice device(platform, options);
    install_echo(device);
    auto transport = start_driver(platform, 0, {8});
    ASSERT_TRUE(transport);
    EXPECT_FALSE(transport->using_msix());
    EXPECT_FALSE(platform.msix_enabled());
    EXPECT_EQ(device.queue(0).msix_vector, no_vector);

    ASSERT_TRUE(echo_once(platform, *transport, 1));
    EXPECT_EQ(wait_for_interrupt(platform, no_vector, 1000ms), Error::none);
    auto cause = transport->acknowledge_interrupt(no_vector);
    ASSERT_FALSE(cause.is_error());
    EXPECT_TRUE(cause.value().queue);
    EXPECT_EQ(device.isr(), 0);  // reading ISR cleared it
    expect_no_violations(platform);
}

TEST(VirtioTransport, RefusedQueueVectorIsReportedAndIntxRecovers) {
    FakePlatform platform(2);
    Options options;
    options.refuse_queue_vectors = true;
    FakeVirtioDevice device(platform, options);
    install_echo(device);
    auto transport = open(platform);
    ASSERT_FALSE(transport->negotiate(0).is_error());
    EXPECT_EQ(transport->setup_queue(0, 8).error(), Error::msix_vector_refused);

    // The documented recovery: MSI-X off, start over.
    EXPECT_EQ(platform.disable_msix(), Error::none);
    ASSERT_FALSE(transport->negotiate(0).is_error());
    ASSERT_FALSE(transport->setup_queue(0, 8).is_error());
    transport->driver_ok();
    ASSERT_TRUE(echo_once(platform, *transport, 1));
    EXPECT_EQ(wait_for_interrupt(platform, no_vector, 1000ms), Error::none);
    expect_no_violations(platform);
}

TEST(VirtioTransport, IntxInterruptReadsIsrAndIsAcknowledged) {
    FakePlatform platform;
    FakeVirtioDevice device(platform, {});
    install_echo(device);
    auto transport = start_driver(platform, 0, {8});
    ASSERT_TRUE(transport);
    ASSERT_TRUE(echo_once(platform, *transport, 1));
    EXPECT_EQ(device.isr() & isr::queue, isr::queue);
    EXPECT_EQ(wait_for_interrupt(platform, no_vector, 1000ms), Error::none);
    auto cause = transport->acknowledge_interrupt(no_vector);
    ASSERT_FALSE(cause.is_error());
    EXPECT_TRUE(cause.value().queue);
    EXPECT_FALSE(cause.value().config);
    EXPECT_EQ(device.isr(), 0);
    EXPECT_EQ(platform.acknowledged(no_vector), 1u);
    EXPECT_EQ(wait_for_interrupt(platform, no_vector, 0ms), Error::timed_out);
}

TEST(VirtioTransport, ConfigChangeRaisesConfigInterrupt) {
    FakePlatform platform;
    FakeGpu gpu(platform);
    auto transport = start_driver(platform, 0, {16, 16});
    ASSERT_TRUE(transport);
    EXPECT_EQ(transport->device_type(), device_type::gpu);
    EXPECT_EQ(transport->read_config32(gpu::config_num_scanouts).value(), 1u);

    gpu.set_display(1280, 800);
    EXPECT_EQ(wait_for_interrupt(platform, no_vector, 1000ms), Error::none);
    auto cause = transport->acknowledge_interrupt(no_vector);
    ASSERT_FALSE(cause.is_error());
    EXPECT_TRUE(cause.value().config);
    EXPECT_FALSE(cause.value().queue);
    EXPECT_EQ(transport->read_config32(gpu::config_events_read).value(), gpu::event_display);
    EXPECT_EQ(transport->write_config32(gpu::config_events_clear, gpu::event_display), Error::none);
    EXPECT_EQ(transport->read_config32(gpu::config_events_read).value(), 0u);
}

TEST(VirtioTransport, DeviceConfigAccessIsBoundsChecked) {
    FakePlatform platform;
    Options options;
    options.device_config_size = 64;
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    std::uint32_t length = transport->device_config_size();
    EXPECT_EQ(length, FakeVirtioDevice::region_length);
    EXPECT_EQ(transport->read_config32(length - 2).error(), Error::invalid_argument);
    EXPECT_EQ(transport->read_config32(2).error(), Error::invalid_argument);  // misaligned
    EXPECT_EQ(transport->read_config_bytes(length - 4, 8).error(), Error::invalid_argument);
    EXPECT_EQ(transport->write_config8(length, 1), Error::invalid_argument);
    device.device_config()[8] = 0x11;
    device.device_config()[12] = 0x22;
    EXPECT_EQ(transport->read_config64(8).value(), 0x0000002200000011u);
    expect_no_violations(platform);
}

TEST(VirtioTransport, UnsettledConfigGenerationGivesUp) {
    FakePlatform platform;
    Options options;
    options.unstable_config_generation = true;
    FakeVirtioDevice device(platform, options);
    auto transport = open(platform);
    EXPECT_EQ(transport->read_config32(0).error(), Error::timed_out);
}

TEST(VirtioTransport, ResetForgetsQueuesAndStartsOver) {
    FakePlatform platform;
    FakeVirtioDevice device(platform, {});
    install_echo(device);
    auto transport = start_driver(platform, 0, {8});
    ASSERT_TRUE(transport);
    for (std::uint64_t token = 0; token < 3; ++token) ASSERT_TRUE(echo_once(platform, *transport, token));
    EXPECT_EQ(device.queue(0).used_idx, 3);
    std::size_t baseline = platform.live_dma_allocations();

    EXPECT_EQ(transport->reset(), Error::none);
    EXPECT_EQ(device.status(), 0);
    EXPECT_FALSE(device.queue(0).enabled);
    EXPECT_EQ(transport->queue(0), nullptr);
    EXPECT_EQ(platform.live_dma_allocations(), baseline - 1);  // the rings went with the queue

    ASSERT_FALSE(transport->negotiate(0).is_error());
    ASSERT_FALSE(transport->setup_queue(0, 8).is_error());
    transport->driver_ok();
    auto completion = echo_once(platform, *transport, 9);
    ASSERT_TRUE(completion);
    EXPECT_EQ(completion->token, 9u);
    EXPECT_EQ(device.queue(0).used_idx, 1);  // fresh rings from index 0
    expect_no_violations(platform);
}

TEST(VirtioTransport, ReportsDeviceNeedsReset) {
    FakePlatform platform;
    FakeVirtioDevice device(platform, {});
    auto transport = start_driver(platform, 0, {8});
    ASSERT_TRUE(transport);
    EXPECT_FALSE(transport->needs_reset());
    device.signal_needs_reset();
    EXPECT_TRUE(transport->needs_reset());
}

TEST(VirtioTransport, RingAllocationFailureIsReported) {
    FakePlatform platform;
    FakeVirtioDevice device(platform, {});
    auto transport = open(platform);
    ASSERT_FALSE(transport->negotiate(0).is_error());
    platform.set_dma_exhausted(true);
    EXPECT_EQ(transport->setup_queue(0, 8).error(), Error::out_of_memory);
    EXPECT_FALSE(device.queue(0).enabled);
}

}  // namespace
}  // namespace tessera::virtio::testing
