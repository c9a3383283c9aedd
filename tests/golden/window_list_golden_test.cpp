// Minimize and restore through tessera_window_list_v1, as the taskbar does.
#include "client.h"
#include "session.h"
#include "tessera-window-list-v1-client-protocol.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

using namespace tessera::golden;

namespace {

struct WindowList {
    struct Entry {
        std::string title;
        uint32_t state = 0;
    };
    tessera_window_list_v1* list = nullptr;
    std::map<uint32_t, Entry> windows;
    int batches = 0;

    explicit WindowList(TestClient& client) {
        static const wl_registry_listener registry_listener = {
            [](void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t) {
                if (!std::strcmp(interface, tessera_window_list_v1_interface.name))
                    static_cast<WindowList*>(data)->list = static_cast<tessera_window_list_v1*>(
                        wl_registry_bind(registry, name, &tessera_window_list_v1_interface, 1));
            },
            [](void*, wl_registry*, uint32_t) {},
        };
        wl_registry* registry = wl_display_get_registry(client.display());
        wl_registry_add_listener(registry, &registry_listener, this);
        client.roundtrip();
        wl_registry_destroy(registry);
        if (!list) return;
        static const tessera_window_list_v1_listener listener = {
            [](void* data, tessera_window_list_v1*, uint32_t id, const char* title, const char*, uint32_t state) {
                static_cast<WindowList*>(data)->windows[id] = {title, state};
            },
            [](void* data, tessera_window_list_v1*, uint32_t id) { static_cast<WindowList*>(data)->windows.erase(id); },
            [](void* data, tessera_window_list_v1*) { ++static_cast<WindowList*>(data)->batches; },
        };
        tessera_window_list_v1_add_listener(list, &listener, this);
        client.roundtrip();
    }
    ~WindowList() {
        if (list) tessera_window_list_v1_destroy(list);
    }
    uint32_t id_of(const std::string& title) const {
        for (const auto& [id, e] : windows)
            if (e.title == title) return id;
        return 0;
    }
};

}  // namespace

TEST(Golden, MinimizeAndRestoreThroughTheWindowList) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow a(client, "first", {200, 150}, 0xffd03030);
    TestWindow b(client, "second", {200, 150}, 0xff30a040);
    TestWindow c(client, "third", {200, 150}, 0xff3050d0);
    WindowList list(client);
    ASSERT_NE(list.list, nullptr);
    ASSERT_TRUE(client.dispatch_until([&] { return list.windows.size() == 3; }));
    uint32_t third = list.id_of("third");
    ASSERT_NE(third, 0u);
    EXPECT_EQ(list.windows[third].state, uint32_t(TESSERA_WINDOW_LIST_V1_STATE_FOCUSED));

    tessera_window_list_v1_minimize(list.list, third);
    ASSERT_TRUE(client.dispatch_until(
        [&] { return (list.windows[third].state & TESSERA_WINDOW_LIST_V1_STATE_MINIMIZED) != 0; }));
    // The window below takes the focus.
    uint32_t second = list.id_of("second");
    ASSERT_TRUE(client.dispatch_until(
        [&] { return (list.windows[second].state & TESSERA_WINDOW_LIST_V1_STATE_FOCUSED) != 0; }));
    expect_screen_matches(session, "minimized");

    tessera_window_list_v1_activate(list.list, third);
    ASSERT_TRUE(client.dispatch_until(
        [&] { return list.windows[third].state == uint32_t(TESSERA_WINDOW_LIST_V1_STATE_FOCUSED); }));
    // Back exactly as before minimizing.
    expect_screen_matches(session, "stacking");
}

TEST(Golden, WindowListCloseAsksTheClient) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "closable", {120, 80}, 0xffd03030);
    WindowList list(client);
    ASSERT_TRUE(client.dispatch_until([&] { return list.windows.size() == 1; }));
    tessera_window_list_v1_close(list.list, list.id_of("closable"));
    EXPECT_TRUE(client.dispatch_until([&] { return w.closed(); }));
}

TEST(Golden, ShellGlobalsOnlyOnTheShellSocket) {
    Session session(640, 480, {"--shell-socket", "wayland-shell"});
    ASSERT_TRUE(session.ok());
    TestClient app(session.socket_path());
    ASSERT_TRUE(app.ok());
    WindowList from_app(app);
    EXPECT_EQ(from_app.list, nullptr);
    TestClient shell(session.runtime_dir() + "/wayland-shell");
    ASSERT_TRUE(shell.ok());
    WindowList from_shell(shell);
    EXPECT_NE(from_shell.list, nullptr);
    // Windows of ordinary clients are listed for the shell.
    TestWindow w(app, "app window", {120, 80}, 0xffd03030);
    EXPECT_TRUE(shell.dispatch_until([&] { return from_shell.id_of("app window") != 0; }));
}
