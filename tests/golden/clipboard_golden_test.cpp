// The clipboard (wl_data_device_manager selection) between two clients.
#include "client.h"
#include "session.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

using namespace tessera::golden;

namespace {

struct Device {
    wl_data_device* device = nullptr;
    wl_data_offer* selection = nullptr;
    std::vector<std::string> offered;
    int selections = 0;

    explicit Device(TestClient& c) {
        device = wl_data_device_manager_get_data_device(c.data_device_manager(), c.seat());
        static const wl_data_offer_listener offer_listener = {
            [](void* data, wl_data_offer*, const char* mime) {
                static_cast<Device*>(data)->offered.emplace_back(mime);
            },
            [](void*, wl_data_offer*, uint32_t) {},
            [](void*, wl_data_offer*, uint32_t) {},
        };
        static const wl_data_device_listener listener = {
            [](void* data, wl_data_device*, wl_data_offer* offer) {
                auto* self = static_cast<Device*>(data);
                self->offered.clear();
                wl_data_offer_add_listener(offer, &offer_listener, self);
            },
            [](void*, wl_data_device*, uint32_t, wl_surface*, wl_fixed_t, wl_fixed_t, wl_data_offer*) {},
            [](void*, wl_data_device*) {},
            [](void*, wl_data_device*, uint32_t, wl_fixed_t, wl_fixed_t) {},
            [](void*, wl_data_device*) {},
            [](void* data, wl_data_device*, wl_data_offer* offer) {
                auto* self = static_cast<Device*>(data);
                self->selection = offer;
                ++self->selections;
            },
        };
        wl_data_device_add_listener(device, &listener, this);
    }
};

struct Source {
    wl_data_source* source;
    std::string text;
    int sends = 0;
    bool cancelled = false;
    Source(TestClient& c, std::string payload) : text(std::move(payload)) {
        source = wl_data_device_manager_create_data_source(c.data_device_manager());
        static const wl_data_source_listener listener = {
            [](void*, wl_data_source*, const char*) {},
            [](void* data, wl_data_source*, const char* mime, int32_t fd) {
                auto* self = static_cast<Source*>(data);
                if (std::string(mime) == "text/plain;charset=utf-8") {
                    ssize_t ignored = write(fd, self->text.data(), self->text.size());
                    (void)ignored;
                }
                close(fd);
                ++self->sends;
            },
            [](void* data, wl_data_source*) { static_cast<Source*>(data)->cancelled = true; },
            [](void*, wl_data_source*) {},
            [](void*, wl_data_source*) {},
            [](void*, wl_data_source*, uint32_t) {},
        };
        wl_data_source_add_listener(source, &listener, this);
        wl_data_source_offer(source, "text/plain;charset=utf-8");
        wl_data_source_offer(source, "UTF8_STRING");
    }
};

}  // namespace

TEST(Clipboard, CopyInOneClientPasteInAnother) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient a(session.socket_path());
    TestClient b(session.socket_path());
    ASSERT_NE(a.data_device_manager(), nullptr);
    Device device_a(a), device_b(b);
    TestWindow window_a(a, "copy from", {120, 80}, 0xffd03030);
    ASSERT_TRUE(a.dispatch_until([&] { return a.input.keyboard_enters > 0; }));

    Source source(a, "hello from A ✓");
    wl_data_device_set_selection(device_a.device, source.source, 0);
    ASSERT_TRUE(a.roundtrip());

    // B's window takes the keyboard focus and with it the selection.
    TestWindow window_b(b, "paste into", {120, 80}, 0xff30a040);
    ASSERT_TRUE(b.dispatch_until([&] { return device_b.selection != nullptr; }));
    EXPECT_EQ(device_b.offered, (std::vector<std::string>{"text/plain;charset=utf-8", "UTF8_STRING"}));

    int pipe_fds[2];
    ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
    wl_data_offer_receive(device_b.selection, "text/plain;charset=utf-8", pipe_fds[1]);
    close(pipe_fds[1]);
    ASSERT_TRUE(b.roundtrip());
    ASSERT_TRUE(a.dispatch_until([&] { return source.sends == 1; }));
    std::string received;
    char chunk[256];
    ssize_t n;
    while ((n = read(pipe_fds[0], chunk, sizeof chunk)) > 0) received.append(chunk, size_t(n));
    close(pipe_fds[0]);
    EXPECT_EQ(received, "hello from A ✓");

    // A new selection cancels the old source; destroying it clears B's.
    int before = device_b.selections;
    Source second(a, "second");
    wl_data_device_set_selection(device_a.device, second.source, 0);
    ASSERT_TRUE(a.dispatch_until([&] { return source.cancelled; }));
    ASSERT_TRUE(b.dispatch_until([&] { return device_b.selections == before + 1; }));
    EXPECT_NE(device_b.selection, nullptr);
    wl_data_source_destroy(second.source);
    ASSERT_TRUE(a.roundtrip());
    ASSERT_TRUE(b.dispatch_until([&] { return device_b.selections == before + 2; }));
    EXPECT_EQ(device_b.selection, nullptr);
}
