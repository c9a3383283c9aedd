// tessera_layer_shell_v1: a background, a panel with an exclusive zone, and
// windows that keep out of that zone.
#include "client.h"
#include "session.h"
#include "tessera-layer-shell-v1-client-protocol.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

using namespace tessera::golden;

namespace {

struct LayerClient {
    tessera_layer_shell_v1* shell = nullptr;
    explicit LayerClient(TestClient& c) {
        static const wl_registry_listener listener = {
            [](void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t) {
                if (!std::strcmp(interface, tessera_layer_shell_v1_interface.name))
                    static_cast<LayerClient*>(data)->shell = static_cast<tessera_layer_shell_v1*>(
                        wl_registry_bind(registry, name, &tessera_layer_shell_v1_interface, 1));
            },
            [](void*, wl_registry*, uint32_t) {},
        };
        wl_registry* registry = wl_display_get_registry(c.display());
        wl_registry_add_listener(registry, &listener, this);
        c.roundtrip();
        wl_registry_destroy(registry);
    }
};

struct LayerSurface {
    TestClient& client;
    wl_surface* surface;
    tessera_layer_surface_v1* layer;
    Size configured;
    bool got_configure = false;
    std::unique_ptr<ShmBuffer> buffer;

    LayerSurface(TestClient& c, LayerClient& shell, uint32_t which, Size size, uint32_t anchor, int zone, uint32_t argb,
                 bool keyboard = false)
        : client(c) {
        surface = wl_compositor_create_surface(c.compositor());
        layer = tessera_layer_shell_v1_get_layer_surface(shell.shell, surface, which, "golden");
        static const tessera_layer_surface_v1_listener listener = {
            [](void* data, tessera_layer_surface_v1* l, uint32_t serial, uint32_t w, uint32_t h) {
                auto* self = static_cast<LayerSurface*>(data);
                self->configured = {int32_t(w), int32_t(h)};
                self->got_configure = true;
                tessera_layer_surface_v1_ack_configure(l, serial);
            },
            [](void*, tessera_layer_surface_v1*) {},
        };
        tessera_layer_surface_v1_add_listener(layer, &listener, this);
        tessera_layer_surface_v1_set_size(layer, uint32_t(size.width), uint32_t(size.height));
        tessera_layer_surface_v1_set_anchor(layer, anchor);
        tessera_layer_surface_v1_set_exclusive_zone(layer, zone);
        tessera_layer_surface_v1_set_keyboard_interactivity(layer, keyboard ? 1 : 0);
        wl_surface_commit(surface);
        c.dispatch_until([&] { return got_configure; });
        buffer = std::make_unique<ShmBuffer>(c, configured, false);
        buffer->fill(argb);
        wl_surface_attach(surface, buffer->buffer(), 0, 0);
        wl_surface_damage_buffer(surface, 0, 0, INT32_MAX, INT32_MAX);
        bool done = false;
        wl_callback* cb = wl_surface_frame(surface);
        static const wl_callback_listener cb_listener = {
            [](void* data, wl_callback*, uint32_t) { *static_cast<bool*>(data) = true; }};
        wl_callback_add_listener(cb, &cb_listener, &done);
        wl_surface_commit(surface);
        c.dispatch_until([&] { return done; });
        wl_callback_destroy(cb);
    }
};

constexpr uint32_t kAll = TESSERA_LAYER_SURFACE_V1_ANCHOR_TOP | TESSERA_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
                          TESSERA_LAYER_SURFACE_V1_ANCHOR_LEFT | TESSERA_LAYER_SURFACE_V1_ANCHOR_RIGHT;

}  // namespace

TEST(LayerShell, PanelReservesItsEdge) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient shell_client(session.socket_path());
    LayerClient shell(shell_client);
    ASSERT_NE(shell.shell, nullptr);
    LayerSurface background(shell_client, shell, TESSERA_LAYER_SHELL_V1_LAYER_BACKGROUND, {0, 0}, kAll, 0, 0xff204050);
    EXPECT_EQ(background.configured, (Size{640, 480}));
    LayerSurface panel(shell_client, shell, TESSERA_LAYER_SHELL_V1_LAYER_TOP, {0, 32},
                       TESSERA_LAYER_SURFACE_V1_ANCHOR_TOP | TESSERA_LAYER_SURFACE_V1_ANCHOR_LEFT |
                           TESSERA_LAYER_SURFACE_V1_ANCHOR_RIGHT,
                       32, 0xffe0e0e0);
    EXPECT_EQ(panel.configured, (Size{640, 32}));

    TestClient apps(session.socket_path());
    TestWindow placed(apps, "placed", {160, 100}, 0xffd03030);
    TestWindow maximized(apps, "maximized", {160, 100}, 0xff3050d0);
    auto windows = session.windows();
    ASSERT_EQ(windows.size(), 2u);
    // Cascading starts inside the usable area: 32 px lower than without the panel.
    EXPECT_EQ(windows[0].frame.y, 32 + 47);
    expect_screen_matches(session, "layer_shell");
    ASSERT_TRUE(session.ok_command("maximize " + std::to_string(windows[1].id)));
    ASSERT_TRUE(maximized.follow_configure(0xff3050d0));
    EXPECT_EQ(maximized.configured_size(), (Size{640 - 2, 480 - 32 - 28 - 2}));
    EXPECT_EQ(session.windows()[1].frame, (Rect{0, 32, 640, 448}));
    expect_screen_matches(session, "layer_shell_maximized");
}

TEST(LayerShell, BadAnchorsAreProtocolErrors) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient bad(session.socket_path());
    LayerClient shell(bad);
    wl_surface* surface = wl_compositor_create_surface(bad.compositor());
    tessera_layer_surface_v1* layer =
        tessera_layer_shell_v1_get_layer_surface(shell.shell, surface, TESSERA_LAYER_SHELL_V1_LAYER_TOP, "bad");
    // Width 0 without both left and right anchors.
    tessera_layer_surface_v1_set_size(layer, 0, 30);
    tessera_layer_surface_v1_set_anchor(layer, TESSERA_LAYER_SURFACE_V1_ANCHOR_TOP);
    wl_surface_commit(surface);
    bad.dispatch_until([&] { return bad.disconnected(); });
    EXPECT_TRUE(bad.disconnected());
    EXPECT_TRUE(session.ok_command("ping"));
}

TEST(LayerShell, InteractiveOverlayTakesTheKeyboardWhileMapped) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient apps(session.socket_path());
    TestWindow w(apps, "editor", {200, 120}, 0xffd03030);
    ASSERT_TRUE(apps.dispatch_until([&] { return apps.input.keyboard_enters == 1; }));

    TestClient launcher_client(session.socket_path());
    LayerClient shell(launcher_client);
    auto launcher = std::make_unique<LayerSurface>(launcher_client, shell, TESSERA_LAYER_SHELL_V1_LAYER_OVERLAY,
                                                   Size{300, 200}, 0u, 0, 0xff404040, /*keyboard=*/true);
    ASSERT_TRUE(launcher_client.dispatch_until([&] { return launcher_client.input.keyboard_enters == 1; }));
    ASSERT_TRUE(session.ok_command("key 30 press"));
    ASSERT_TRUE(session.ok_command("key 30 release"));
    ASSERT_TRUE(launcher_client.dispatch_until([&] { return launcher_client.input.keys == 2; }));
    EXPECT_EQ(apps.input.keys, 0);

    // Gone: the window has the keyboard again.
    wl_surface_attach(launcher->surface, nullptr, 0, 0);
    wl_surface_commit(launcher->surface);
    ASSERT_TRUE(launcher_client.roundtrip());
    EXPECT_TRUE(apps.dispatch_until([&] { return apps.input.keyboard_enters == 2; }));
}
