// The input codec: devices and frames survive encode/decode; frames and
// device descriptions that break the rules are rejected.
#include <gtest/gtest.h>

#include "input/protocol.h"

namespace tessera::input {
namespace {

DeviceInfo tablet() {
    DeviceInfo device;
    device.id = 7;
    device.name = "tablet";
    device.bus_type = 0x06;
    device.vendor = 0x1234;
    device.product = 0x5678;
    device.version = 2;
    device.properties.set(INPUT_PROP_DIRECT);
    device.event_types.set(EV_SYN).set(EV_KEY).set(EV_ABS).set(EV_REL);
    device.keys.set(BTN_LEFT).set(KEY_A).set(KEY_MAX);
    device.relative_axes.set(REL_WHEEL);
    device.absolute_axes = {{ABS_X, 0, 32767, 1, 2, 3}, {ABS_Y, -5, 5, 0, 0, 0}, {ABS_MAX, 1, 1, 0, 0, 0}};
    return device;
}

TEST(InputCodec, DeviceRoundTrips) {
    auto decoded = decode_event(encode(Event(DeviceAdded{tablet()})));
    ASSERT_TRUE(decoded) << decoded.error().message;
    const DeviceInfo& device = std::get<DeviceAdded>(*decoded).device;
    EXPECT_EQ(device, tablet());
    EXPECT_TRUE(device.has_key(KEY_MAX));
    EXPECT_FALSE(device.has_key(KEY_B));
    ASSERT_NE(device.absolute(ABS_Y), nullptr);
    EXPECT_EQ(device.absolute(ABS_Y)->minimum, -5);
    EXPECT_EQ(device.absolute(ABS_Z), nullptr);
    EXPECT_EQ(encode(Event(DeviceAdded{tablet()})).bytes.size(), 136u + 6 + 2 + 3 * 22);
}

TEST(InputCodec, FramesAndSmallEventsRoundTrip) {
    Frame frame{3, 99, {{EV_KEY, KEY_A, 1}, {EV_ABS, ABS_X, -7}, {EV_SYN, SYN_REPORT, 0}}};
    auto decoded = decode_event(encode(Event(frame)));
    ASSERT_TRUE(decoded);
    const Frame& back = std::get<Frame>(*decoded);
    EXPECT_EQ(back.device_id, 3u);
    EXPECT_EQ(back.time_ns, 99u);
    EXPECT_EQ(back.events, frame.events);
    EXPECT_EQ(encode(Event(frame)).bytes.size(), 24u + 3 * 8);
    EXPECT_EQ(std::get<DeviceRemoved>(*decode_event(encode(Event(DeviceRemoved{4})))).device_id, 4u);
    EXPECT_EQ(std::get<DevicesDone>(*decode_event(encode(Event(DevicesDone{2})))).count, 2u);
    EXPECT_EQ(std::get<Welcome>(*decode_event(encode(Event(Welcome{})))).max_events, max_events_per_frame);
    auto hello = decode_request(encode(Request(Hello{})));
    ASSERT_TRUE(hello);
    EXPECT_EQ(std::get<Hello>(*hello).magic, hello_magic);
}

TEST(InputCodec, FrameMustEndWithItsOnlySynReport) {
    EXPECT_FALSE(decode_event(encode(Event(Frame{1, 0, {{EV_KEY, KEY_A, 1}}}))));
    EXPECT_FALSE(decode_event(
        encode(Event(Frame{1, 0, {{EV_SYN, SYN_REPORT, 0}, {EV_KEY, KEY_A, 1}, {EV_SYN, SYN_REPORT, 0}}}))));
    EXPECT_FALSE(decode_event(encode(Event(Frame{1, 0, {}}))));
}

TEST(InputCodec, HugeEventCountIsMalformed) {
    wire::Message message = encode(Event(Frame{1, 0, {{EV_SYN, SYN_REPORT, 0}}}));
    std::uint32_t count = 0xFFFFFFFF;
    std::memcpy(message.bytes.data() + 20, &count, 4);
    auto decoded = decode_event(message);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code, ErrorCode::malformed);
}

TEST(InputCodec, AxisListMustMatchTheAbsBitmap) {
    wire::Message message = encode(Event(DeviceAdded{tablet()}));
    // Clear ABS_Y's bit: the list now names an axis the bitmap lacks.
    std::uint64_t absolute;
    std::memcpy(&absolute, message.bytes.data() + 126, 8);
    absolute &= ~(std::uint64_t{1} << ABS_Y);
    absolute |= std::uint64_t{1} << ABS_Z;
    std::memcpy(message.bytes.data() + 126, &absolute, 8);
    EXPECT_FALSE(decode_event(message));
    // A name length past the end of the message.
    wire::Message long_name = encode(Event(DeviceAdded{tablet()}));
    std::uint16_t length = 200;
    std::memcpy(long_name.bytes.data() + 134, &length, 2);
    EXPECT_FALSE(decode_event(long_name));
}

TEST(InputCodec, OnlyHelloIsARequest) {
    EXPECT_FALSE(decode_request(encode(Event(DevicesDone{}))));
    wire::Message longer = encode(Request(Hello{}));
    longer.bytes.push_back(0);
    EXPECT_FALSE(decode_request(longer));
}

}  // namespace
}  // namespace tessera::input
