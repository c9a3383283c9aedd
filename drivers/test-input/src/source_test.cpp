// The input protocol end to end against the test input source: real
// sockets, devices with their capabilities, frames, hot-plug, scripts.
#include <gtest/gtest.h>

#include <sstream>

#include "input/client.h"
#include "test_input/source.h"
#include "wire/test_support.h"

namespace tessera::test_input {
namespace {

using input::Client;
using input::Frame;
using input::InputEvent;

class TestInput : public ::testing::Test {
protected:
    void SetUp() override {
        auto started = Source::start(path);
        ASSERT_TRUE(started) << started.error().message;
        source = std::move(*started);
    }

    Client connect() {
        auto client = Client::connect(path);
        EXPECT_TRUE(client) << client.error().message;
        return std::move(*client);
    }

    // Dispatches until count frames have arrived.
    static std::vector<Frame> frames(Client& client, std::size_t count) {
        std::vector<Frame> received;
        client.on_frame = [&](const Frame& frame) { received.push_back(frame); };
        while (received.size() < count) {
            auto dispatched = client.dispatch_blocking(3000);
            EXPECT_TRUE(dispatched) << dispatched.error().message;
            if (!dispatched) break;
        }
        client.on_frame = nullptr;
        return received;
    }

    wire::testing::ScratchDirectory scratch;
    std::string path = scratch.file("input.sock");
    std::unique_ptr<Source> source;
};

constexpr InputEvent syn{EV_SYN, SYN_REPORT, 0};

TEST_F(TestInput, DevicesArriveWithNamesCapabilitiesAndRanges) {
    Client client = connect();
    EXPECT_EQ(client.welcome().version, input::protocol_version);
    ASSERT_EQ(client.devices().size(), 3u);
    const auto* keyboard = client.device(source->keyboard_id());
    const auto* mouse = client.device(source->mouse_id());
    const auto* tablet = client.device(source->tablet_id());
    ASSERT_TRUE(keyboard && mouse && tablet);
    EXPECT_EQ(keyboard->name, "Tessera test keyboard");
    EXPECT_TRUE(keyboard->event_types.test(EV_KEY));
    EXPECT_TRUE(keyboard->has_key(KEY_A));
    EXPECT_TRUE(keyboard->has_key(KEY_LEFTMETA));
    EXPECT_FALSE(keyboard->has_key(BTN_LEFT));
    EXPECT_TRUE(mouse->has_relative(REL_WHEEL));
    EXPECT_TRUE(mouse->has_key(BTN_RIGHT));
    EXPECT_TRUE(mouse->properties.test(INPUT_PROP_POINTER));
    ASSERT_NE(tablet->absolute(ABS_X), nullptr);
    EXPECT_EQ(tablet->absolute(ABS_X)->minimum, 0);
    EXPECT_EQ(tablet->absolute(ABS_X)->maximum, 32767);
    EXPECT_EQ(tablet->absolute(ABS_Y)->maximum, 32767);
    EXPECT_TRUE(tablet->event_types.test(EV_ABS));
    EXPECT_EQ(*tablet, source->server().devices()[2]);
}

TEST_F(TestInput, FramesArriveGroupedBySynReportAtEveryClient) {
    Client first = connect();
    Client second = connect();
    ASSERT_TRUE(source->key(KEY_A, true));
    ASSERT_TRUE(source->key(KEY_A, false));
    ASSERT_TRUE(source->pointer_absolute(16384, 8192));
    ASSERT_TRUE(source->pointer_relative(-3, 4));
    ASSERT_TRUE(source->button(BTN_LEFT, true));
    ASSERT_TRUE(source->wheel(-1));
    for (Client* client : {&first, &second}) {
        auto received = frames(*client, 6);
        ASSERT_EQ(received.size(), 6u);
        EXPECT_EQ(received[0].device_id, source->keyboard_id());
        EXPECT_EQ(received[0].events, (std::vector<InputEvent>{{EV_KEY, KEY_A, 1}, syn}));
        EXPECT_EQ(received[1].events, (std::vector<InputEvent>{{EV_KEY, KEY_A, 0}, syn}));
        EXPECT_EQ(received[2].device_id, source->tablet_id());
        EXPECT_EQ(received[2].events, (std::vector<InputEvent>{{EV_ABS, ABS_X, 16384}, {EV_ABS, ABS_Y, 8192}, syn}));
        EXPECT_EQ(received[3].device_id, source->mouse_id());
        EXPECT_EQ(received[3].events, (std::vector<InputEvent>{{EV_REL, REL_X, -3}, {EV_REL, REL_Y, 4}, syn}));
        EXPECT_EQ(received[4].events, (std::vector<InputEvent>{{EV_KEY, BTN_LEFT, 1}, syn}));
        EXPECT_EQ(received[5].events, (std::vector<InputEvent>{{EV_REL, REL_WHEEL, -1}, syn}));
        EXPECT_LE(received[0].time_ns, received[5].time_ns);
        EXPECT_GT(received[0].time_ns, 0u);
    }
}

TEST_F(TestInput, DevicesAddedAndRemovedWhileConnected) {
    Client client = connect();
    std::vector<std::uint32_t> added, removed;
    client.on_device_added = [&](const input::DeviceInfo& d) { added.push_back(d.id); };
    client.on_device_removed = [&](const input::DeviceInfo& d) { removed.push_back(d.id); };

    input::DeviceInfo touch;
    touch.name = "touch screen";
    touch.event_types.set(EV_ABS);
    touch.properties.set(INPUT_PROP_DIRECT);
    touch.absolute_axes = {{ABS_X, 0, 1919, 0, 0, 10}, {ABS_Y, 0, 1079, 0, 0, 10}};
    auto id = source->server().add_device(touch);
    ASSERT_TRUE(id);
    while (added.empty()) ASSERT_TRUE(client.dispatch_blocking(3000));
    EXPECT_EQ(added[0], *id);
    ASSERT_NE(client.device(*id), nullptr);
    EXPECT_EQ(client.device(*id)->name, "touch screen");
    EXPECT_EQ(client.device(*id)->absolute(ABS_Y)->maximum, 1079);

    ASSERT_TRUE(source->server().remove_device(source->mouse_id()));
    while (removed.empty()) ASSERT_TRUE(client.dispatch_blocking(3000));
    EXPECT_EQ(removed[0], source->mouse_id());
    EXPECT_EQ(client.device(source->mouse_id()), nullptr);
    EXPECT_FALSE(source->pointer_relative(1, 1));  // no such device any more

    // A client connecting now sees the list as it is.
    Client late = connect();
    EXPECT_EQ(late.devices().size(), 3u);
    EXPECT_NE(late.device(*id), nullptr);
    EXPECT_EQ(late.device(source->mouse_id()), nullptr);
}

TEST_F(TestInput, ServerRefusesFramesThatBreakTheRules) {
    std::vector<InputEvent> inner_syn = {{EV_KEY, KEY_A, 1}, syn, {EV_KEY, KEY_B, 1}};
    EXPECT_FALSE(source->frame(source->keyboard_id(), inner_syn));
    std::vector<InputEvent> too_many(input::max_events_per_frame, {EV_KEY, KEY_A, 1});
    EXPECT_FALSE(source->frame(source->keyboard_id(), too_many));
    EXPECT_FALSE(source->frame(999, std::vector<InputEvent>{{EV_KEY, KEY_A, 1}}));
    EXPECT_FALSE(source->pointer_absolute(40000, 0));
    EXPECT_FALSE(source->key(BTN_LEFT, true));  // the keyboard has no buttons
    input::DeviceInfo bad;
    bad.absolute_axes = {{ABS_Y, 0, 1, 0, 0, 0}, {ABS_X, 0, 1, 0, 0, 0}};
    EXPECT_FALSE(source->server().add_device(bad));
    bad.absolute_axes = {{ABS_X, 5, 1, 0, 0, 0}};
    EXPECT_FALSE(source->server().add_device(bad));
    bad.absolute_axes.clear();
    bad.name = std::string(300, 'x');
    EXPECT_FALSE(source->server().add_device(bad));
}

TEST_F(TestInput, ScriptLinesBecomeFrames) {
    Client client = connect();
    std::istringstream script(
        "# a comment\n"
        "\n"
        "key KEY_LEFTSHIFT down\n"
        "key KEY_A press   # down and up\n"
        "key KEY_LEFTSHIFT up\n"
        "abs 100 200\n"
        "move 5 -5\n"
        "button BTN_LEFT click\n"
        "wheel 2\n"
        "key 30 down\n");
    auto played = source->run_script(script);
    ASSERT_TRUE(played) << played.error().message;
    auto received = frames(client, 10);
    ASSERT_EQ(received.size(), 10u);
    EXPECT_EQ(received[0].events[0], (InputEvent{EV_KEY, KEY_LEFTSHIFT, 1}));
    EXPECT_EQ(received[1].events[0], (InputEvent{EV_KEY, KEY_A, 1}));
    EXPECT_EQ(received[2].events[0], (InputEvent{EV_KEY, KEY_A, 0}));
    EXPECT_EQ(received[3].events[0], (InputEvent{EV_KEY, KEY_LEFTSHIFT, 0}));
    EXPECT_EQ(received[4].events, (std::vector<InputEvent>{{EV_ABS, ABS_X, 100}, {EV_ABS, ABS_Y, 200}, syn}));
    EXPECT_EQ(received[5].events, (std::vector<InputEvent>{{EV_REL, REL_X, 5}, {EV_REL, REL_Y, -5}, syn}));
    EXPECT_EQ(received[6].events[0], (InputEvent{EV_KEY, BTN_LEFT, 1}));
    EXPECT_EQ(received[7].events[0], (InputEvent{EV_KEY, BTN_LEFT, 0}));
    EXPECT_EQ(received[8].events[0], (InputEvent{EV_REL, REL_WHEEL, 2}));
    EXPECT_EQ(received[9].events[0], (InputEvent{EV_KEY, KEY_A, 1}));  // 30 is KEY_A
}

TEST_F(TestInput, BadScriptLinesAreErrorsWithTheirLineNumber) {
    for (const char* line : {"key KEY_NOPE down", "key KEY_A sideways", "abs 1", "abs x y", "wheel", "jump 3",
                             "button BTN_LEFT", "move 1 2 3", "sleep -1"})
        EXPECT_FALSE(source->run_line(line)) << line;
    std::istringstream script("key KEY_A press\nbogus\nkey KEY_B press\n");
    auto played = source->run_script(script);
    ASSERT_FALSE(played);
    EXPECT_NE(played.error().message.find("line 2"), std::string::npos) << played.error().message;
}

}  // namespace
}  // namespace tessera::test_input
