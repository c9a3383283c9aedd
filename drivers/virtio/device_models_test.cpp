// The library driving device models the way the real drivers will: waiting
// on interrupt fds with epoll, one request/response device (echo, the
// virtio-gpu control queue) and one event device (virtio-input).
#include <sys/epoll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "device_models.h"
#include "test_support.h"

namespace tessera::virtio::testing {
namespace {

// Waits with epoll for the INTx fd, as a driver's event loop does.
bool wait_with_epoll(Platform& platform, std::uint16_t vector, int timeout_ms) {
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    auto fd = platform.interrupt_fd(vector);
    if (epoll < 0 || fd.is_error()) return false;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u32 = vector;
    epoll_ctl(epoll, EPOLL_CTL_ADD, fd.value(), &event);
    epoll_event ready{};
    int count = epoll_wait(epoll, &ready, 1, timeout_ms);
    close(epoll);
    return count == 1 && ready.data.u32 == vector;
}

void expect_no_violations(FakePlatform& platform) {
    for (const std::string& violation : platform.violations()) ADD_FAILURE() << violation;
}

TEST(VirtioDevices, EchoRoundTripWakesAnEpollLoop) {
    FakePlatform platform(2);
    FakeVirtioDevice device(platform, {});
    install_echo(device);
    auto transport = start_driver(platform, 0, {32});
    ASSERT_TRUE(transport);
    std::uint16_t vector = transport->queue_vector(0);
    ASSERT_NE(vector, no_vector);

    DmaRegion memory = dma(platform);
    const char message[] = "tessera";
    std::memcpy(memory.data(), message, sizeof message);
    BufferRef in = buffer(memory, 0, sizeof message), out = buffer(memory, 512, 64);
    ASSERT_EQ(transport->queue(0)->submit({&in, 1}, {&out, 1}, 0xC0FFEE), Error::none);
    transport->queue(0)->notify_if_needed();

    ASSERT_TRUE(wait_with_epoll(platform, vector, 1000));
    auto cause = transport->acknowledge_interrupt(vector);
    ASSERT_FALSE(cause.is_error());
    EXPECT_TRUE(cause.value().queue);
    auto completion = transport->queue(0)->pop_used();
    ASSERT_FALSE(completion.is_error());
    ASSERT_TRUE(completion.value());
    EXPECT_EQ(completion.value()->token, 0xC0FFEEu);
    EXPECT_EQ(completion.value()->written, sizeof message);
    EXPECT_STREQ(reinterpret_cast<const char*>(memory.data() + 512), message);
    EXPECT_FALSE(wait_with_epoll(platform, vector, 0));  // acknowledged
    expect_no_violations(platform);
}

// GET_DISPLAY_INFO on the control queue; returns the response.
gpu::RespDisplayInfo get_display_info(FakePlatform& platform, PciTransport& transport, std::uint64_t fence) {
    DmaRegion memory = dma(platform);
    gpu::CtrlHeader request{};
    request.type = gpu::cmd_get_display_info;
    request.flags = gpu::flag_fence;
    request.fence_id = fence;
    std::memcpy(memory.data(), &request, sizeof request);
    BufferRef in = buffer(memory, 0, sizeof request);
    BufferRef out = buffer(memory, 256, sizeof(gpu::RespDisplayInfo));
    EXPECT_EQ(transport.queue(0)->submit({&in, 1}, {&out, 1}, fence), Error::none);
    transport.queue(0)->notify_if_needed();
    EXPECT_TRUE(wait_with_epoll(platform, no_vector, 1000));
    auto cause = transport.acknowledge_interrupt(no_vector);
    EXPECT_TRUE(!cause.is_error() && cause.value().queue);
    auto completion = transport.queue(0)->pop_used();
    EXPECT_TRUE(!completion.is_error() && completion.value());
    EXPECT_EQ(completion.value()->token, fence);
    EXPECT_EQ(completion.value()->written, sizeof(gpu::RespDisplayInfo));
    gpu::RespDisplayInfo response;
    std::memcpy(&response, memory.data() + 256, sizeof response);
    return response;
}

TEST(VirtioDevices, GpuAnswersGetDisplayInfo) {
    FakePlatform platform;
    FakeGpu gpu(platform);
    auto transport = start_driver(platform, 0, {64, 16});
    ASSERT_TRUE(transport);
    gpu::RespDisplayInfo info = get_display_info(platform, *transport, 17);
    EXPECT_EQ(info.header.type, gpu::resp_ok_display_info);
    EXPECT_EQ(info.header.flags & gpu::flag_fence, gpu::flag_fence);
    EXPECT_EQ(info.header.fence_id, 17u);
    EXPECT_EQ(info.modes[0].enabled, 1u);
    EXPECT_EQ(info.modes[0].width, 1024u);
    EXPECT_EQ(info.modes[0].height, 768u);
    EXPECT_EQ(info.modes[1].enabled, 0u);
    EXPECT_EQ(gpu.requests(), 1);
    expect_no_violations(platform);
}

TEST(VirtioDevices, GpuDisplayChangeIsAConfigEventThenANewMode) {
    FakePlatform platform;
    FakeGpu gpu(platform);
    auto transport = start_driver(platform, 0, {64, 16});
    ASSERT_TRUE(transport);
    gpu.set_display(1920, 1080);
    ASSERT_TRUE(wait_with_epoll(platform, no_vector, 1000));
    auto cause = transport->acknowledge_interrupt(no_vector);
    ASSERT_FALSE(cause.is_error());
    ASSERT_TRUE(cause.value().config);
    ASSERT_EQ(transport->read_config32(gpu::config_events_read).value(), gpu::event_display);
    ASSERT_EQ(transport->write_config32(gpu::config_events_clear, gpu::event_display), Error::none);

    gpu::RespDisplayInfo info = get_display_info(platform, *transport, 2);
    EXPECT_EQ(info.modes[0].width, 1920u);
    EXPECT_EQ(info.modes[0].height, 1080u);
    expect_no_violations(platform);
}

TEST(VirtioDevices, GpuRejectsUnknownCommands) {
    FakePlatform platform;
    FakeGpu gpu(platform);
    auto transport = start_driver(platform, 0, {64, 16});
    ASSERT_TRUE(transport);
    DmaRegion memory = dma(platform);
    gpu::CtrlHeader request{};
    request.type = 0x0999;
    std::memcpy(memory.data(), &request, sizeof request);
    BufferRef in = buffer(memory, 0, sizeof request), out = buffer(memory, 256, sizeof request);
    ASSERT_EQ(transport->queue(0)->submit({&in, 1}, {&out, 1}, 1), Error::none);
    transport->queue(0)->notify_if_needed();
    auto completion = transport->queue(0)->pop_used();
    ASSERT_TRUE(!completion.is_error() && completion.value());
    gpu::CtrlHeader response;
    std::memcpy(&response, memory.data() + 256, sizeof response);
    EXPECT_EQ(response.type, gpu::resp_err_unspec);
}

TEST(VirtioDevices, InputEventsFillPostedBuffers) {
    FakePlatform platform(2);
    FakeInput input(platform, "QEMU Virtio Keyboard");
    auto transport = start_driver(platform, 0, {64, 64});
    ASSERT_TRUE(transport);

    // The device name, through the select/subsel window of the config space.
    ASSERT_EQ(transport->write_config8(input::config_select, input::cfg_id_name), Error::none);
    ASSERT_EQ(transport->write_config8(input::config_subsel, 0), Error::none);
    std::uint8_t size = transport->read_config8(input::config_size).value();
    auto name = transport->read_config_bytes(input::config_data, size);
    ASSERT_FALSE(name.is_error());
    EXPECT_EQ(std::string(name.value().begin(), name.value().end()), "QEMU Virtio Keyboard");

    // Post eight device-writable event buffers; the token is the slot.
    SplitVirtqueue* events = transport->queue(0);
    DmaRegion memory = dma(platform);
    for (std::uint64_t slot = 0; slot < 8; ++slot) {
        BufferRef out = buffer(memory, static_cast<std::uint32_t>(slot * 8), 8);
        ASSERT_EQ(events->submit({}, {&out, 1}, slot), Error::none);
    }
    events->notify_if_needed();

    ASSERT_TRUE(input.post_event(1, 30, 1));  // EV_KEY KEY_A down
    ASSERT_TRUE(input.post_event(0, 0, 0));   // SYN_REPORT
    ASSERT_TRUE(wait_with_epoll(platform, transport->queue_vector(0), 1000));
    ASSERT_FALSE(transport->acknowledge_interrupt(transport->queue_vector(0)).is_error());

    std::vector<input::Event> received;
    while (true) {
        auto completion = events->pop_used();
        ASSERT_FALSE(completion.is_error());
        if (!completion.value()) break;
        ASSERT_EQ(completion.value()->written, sizeof(input::Event));
        input::Event event;
        std::memcpy(&event, memory.data() + completion.value()->token * 8, sizeof event);
        received.push_back(event);
        // Give the buffer straight back, as the driver will.
        BufferRef out = buffer(memory, static_cast<std::uint32_t>(completion.value()->token * 8), 8);
        ASSERT_EQ(events->submit({}, {&out, 1}, completion.value()->token), Error::none);
    }
    events->notify_if_needed();
    ASSERT_EQ(received.size(), 2u);
    EXPECT_EQ(received[0].type, 1);
    EXPECT_EQ(received[0].code, 30);
    EXPECT_EQ(received[0].value, 1u);
    EXPECT_EQ(received[1].type, 0);
    EXPECT_EQ(events->in_flight(), 8);
    expect_no_violations(platform);
}

TEST(VirtioDevices, InputDropsEventsWhenNoBufferIsPosted) {
    FakePlatform platform;
    FakeInput input(platform, "tablet");
    auto transport = start_driver(platform, 0, {64, 64});
    ASSERT_TRUE(transport);
    EXPECT_FALSE(input.post_event(3, 0, 100));
    EXPECT_EQ(input.dropped(), 1);
}

}  // namespace
}  // namespace tessera::virtio::testing
