// Golden tests of uiserver: what the screen shows for windows, stacking,
// focus, decorations, popups, the cursor, and damage.
#include "client.h"
#include "session.h"

#include "headless_display/headless_display.h"
#include "test_input/source.h"

#include <gtest/gtest.h>

#include <linux/input-event-codes.h>
#include <unistd.h>

#include <cctype>

using namespace tessera::golden;

namespace {

constexpr uint32_t kRed = 0xffd03030, kGreen = 0xff30a040, kBlue = 0xff3050d0, kYellow = 0xffe0c020;

uint32_t pixel(pixman_image_t* image, int x, int y) {
    return pixman_image_get_data(image)[y * pixman_image_get_stride(image) / 4 + x] & 0xffffff;
}

std::string click_at(Session& s, int x, int y) {
    s.ok_command("pointer-move " + std::to_string(x) + " " + std::to_string(y));
    s.ok_command("pointer-button left press");
    auto r = s.command("pointer-button left release");
    return r.empty() ? "" : r[0];
}

}  // namespace

TEST(Golden, EmptyDesktop) {
    Session session;
    ASSERT_TRUE(session.ok());
    expect_screen_matches(session, "empty_desktop");
}

TEST(Golden, Stacking) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    // Cascading placement puts each window 32 px right and down of the last;
    // the newest is on top and focused.
    TestWindow a(client, "first", {200, 150}, kRed);
    TestWindow b(client, "second", {200, 150}, kGreen);
    TestWindow c(client, "third", {200, 150}, kBlue);
    expect_screen_matches(session, "stacking");
}

TEST(Golden, TranslucentWindowBlendsOverTheOneBelow) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow below(client, "below", {200, 150}, kRed);
    // 50% premultiplied white over red.
    TestWindow above(client, "above", {200, 150}, 0x80808080, true);
    expect_screen_matches(session, "translucent");
}

TEST(Golden, ClickRaisesAndFocuses) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow a(client, "lower", {200, 150}, kRed);
    TestWindow b(client, "upper", {200, 150}, kGreen);
    auto windows = session.windows();
    ASSERT_EQ(windows.size(), 2u);
    // Click into the part of the lower window the upper one does not cover.
    const Rect& lower = windows[0].frame;
    ASSERT_EQ(windows[0].title, "lower");
    EXPECT_EQ(click_at(session, lower.x + 10, lower.y + 40), "ok");
    ASSERT_TRUE(client.dispatch_until([&] { return a.activated() && !b.activated(); }));
    windows = session.windows();
    ASSERT_EQ(windows.back().title, "lower");
    EXPECT_EQ(windows.back().flags, "focused");
    expect_screen_matches(session, "focus_change");
}

TEST(Golden, DecorationsShowTheTitle) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "Tessera — ﬁle “Ünïcode” décor", {320, 120}, kYellow);
    TestWindow narrow(client, "A title far too long for this narrow window", {150, 60}, kBlue);
    expect_screen_matches(session, "decorations");
}

TEST(Golden, PopupBelowItsAnchor) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow parent(client, "menu owner", {300, 200}, kBlue);
    TestWindow popup(client, parent, {20, 10, 60, 20}, {120, 80}, kYellow);
    EXPECT_EQ(popup.popup_position(), (Point{20, 30}));
    expect_screen_matches(session, "popup");
}

TEST(Golden, ClickOutsideAGrabbingPopupDismissesIt) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow parent(client, "menu owner", {300, 200}, kBlue);
    ASSERT_TRUE(client.dispatch_until([&] { return client.input.keyboard_enters == 1; }));
    TestWindow popup(client, parent, {20, 10, 60, 20}, {120, 80}, kYellow, /*grab=*/true);
    // The grabbing popup takes the keyboard...
    EXPECT_TRUE(client.dispatch_until([&] { return client.input.keyboard_enters == 2; }));
    click_at(session, 600, 450);
    EXPECT_TRUE(client.dispatch_until([&] { return popup.popup_done(); }));
    // ...and gives it back to its window when dismissed.
    EXPECT_TRUE(client.dispatch_until([&] { return client.input.keyboard_enters == 3; }));
}

TEST(Golden, Cursor) {
    Session session;
    ASSERT_TRUE(session.ok());
    ASSERT_TRUE(session.ok_command("pointer-move 100 80"));
    expect_screen_matches(session, "cursor", {}, /*with_cursor=*/true);
}

TEST(Golden, OnlyTheDeclaredDamageChanges) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "damage", {200, 150}, kRed);
    // The client repaints everything blue but declares one small rectangle.
    w.buffer().fill(kBlue);
    ASSERT_TRUE(w.commit({{50, 40, 30, 20}}));
    expect_screen_matches(session, "damage_buffer");

    // The same through wl_surface.damage (surface coordinates).
    w.buffer().fill(kGreen);
    ASSERT_TRUE(w.commit({{120, 100, 10, 10}}, /*buffer_damage=*/false));
    pixman_image_t* shot = take_screenshot(session, "damage_surface");
    ASSERT_NE(shot, nullptr);
    auto windows = session.windows();
    ASSERT_EQ(windows.size(), 1u);
    // Content origin: inside the frame, below the title bar (1 px border, 28 px title).
    int cx = windows[0].frame.x + 1, cy = windows[0].frame.y + 1 + 28;
    EXPECT_EQ(pixel(shot, cx + 125, cy + 105), kGreen & 0xffffff);
    EXPECT_EQ(pixel(shot, cx + 60, cy + 50), kBlue & 0xffffff);
    EXPECT_EQ(pixel(shot, cx + 5, cy + 5), kRed & 0xffffff);
    pixman_image_unref(shot);
}

TEST(Golden, WestonSimpleShmAppears) {
    Session session;
    ASSERT_TRUE(session.ok());
    ASSERT_GT(session.spawn({"weston-simple-shm"}), 0);
    WindowRow row;
    ASSERT_TRUE(session.wait_for_window("org.freedesktop.weston.simple-shm", 5000, &row));
    // Its content animates: compare everything but the content area, and
    // check the content is there (not the desktop background).
    Rect content{row.frame.x + 1, row.frame.y + 29, row.frame.width - 2, row.frame.height - 30};
    CompareOptions options;
    options.exclude = {content};
    expect_screen_matches(session, "weston_simple_shm", options);
    pixman_image_t* shot = take_screenshot(session, "weston_simple_shm_content");
    ASSERT_NE(shot, nullptr);
    int not_background = 0;
    for (int y = content.y; y < content.bottom(); y += 7)
        for (int x = content.x; x < content.right(); x += 7) not_background += pixel(shot, x, y) != 0x2e3440;
    EXPECT_GT(not_background, 100);
    pixman_image_unref(shot);
}

TEST(Golden, ClickThroughTheInputServiceFocuses) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow a(client, "lower", {200, 150}, kRed);
    TestWindow b(client, "upper", {200, 150}, kGreen);
    auto windows = session.windows();
    ASSERT_EQ(windows.size(), 2u);
    const Rect lower = windows[0].frame;
    ASSERT_TRUE(session.click(lower.x + 10, lower.y + 40));
    ASSERT_TRUE(client.dispatch_until([&] { return a.activated() && !b.activated(); }));
    EXPECT_GE(client.input.buttons, 1);  // the click went to the client too
    expect_screen_matches(session, "focus_change");
}

TEST(Golden, KeysFromTheInputServiceReachTheFocusedClient) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "typing", {200, 150}, kRed);
    ASSERT_TRUE(client.dispatch_until([&] { return client.input.keyboard_enters > 0; }));
    EXPECT_TRUE(client.input.keymap_received);
    EXPECT_GT(client.input.repeat_rate, 0);
    ASSERT_TRUE(session.input().key(KEY_A, true));
    ASSERT_TRUE(session.input().key(KEY_A, false));
    ASSERT_TRUE(client.dispatch_until([&] { return client.input.keys >= 2; }));
    EXPECT_EQ(client.input.last_key, uint32_t(KEY_A));
}

TEST(Golden, TheDisplayReceivesOnlyTheDamagedPixels) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "damage", {200, 150}, kRed);
    ASSERT_TRUE(session.ok_command("ping"));
    auto before = session.display().stats();
    w.buffer().fill_rect({10, 10, 30, 20}, kBlue);
    ASSERT_TRUE(w.commit({{10, 10, 30, 20}}));
    auto after = session.display().stats();
    EXPECT_EQ(after.pixels - before.pixels, 30u * 20u);
    EXPECT_EQ(after.rectangles - before.rectangles, 1u);
}

TEST(Golden, ClientCursorWhileOverItsWindow) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "cursor owner", {200, 150}, kBlue);
    Rect frame = session.windows()[0].frame;
    ASSERT_TRUE(
        session.ok_command("pointer-move " + std::to_string(frame.x + 100) + " " + std::to_string(frame.y + 100)));
    ASSERT_TRUE(client.dispatch_until([&] { return client.input.enters > 0; }));
    // An 8x8 square cursor with its hotspot in the middle.
    wl_surface* cursor = wl_compositor_create_surface(client.compositor());
    ShmBuffer image(client, {8, 8}, false);
    image.fill(0xffff00ff);
    wl_surface_attach(cursor, image.buffer(), 0, 0);
    wl_surface_damage_buffer(cursor, 0, 0, 8, 8);
    wl_surface_commit(cursor);
    wl_pointer_set_cursor(client.pointer(), client.input.enter_serial, cursor, 4, 4);
    ASSERT_TRUE(client.roundtrip());
    expect_screen_matches(session, "client_cursor", {}, /*with_cursor=*/true);

    // Over the desktop the theme's arrow is back.
    ASSERT_TRUE(session.ok_command("pointer-move 500 400"));
    pixman_image_t* shot = take_screenshot(session, "client_cursor_left", true);
    ASSERT_NE(shot, nullptr);
    EXPECT_EQ(pixel(shot, 500, 400), 0x000000u);  // the arrow's black tip
    EXPECT_NE(pixel(shot, 501, 401), 0xff00ffu);
    pixman_image_unref(shot);
    wl_surface_destroy(cursor);
}

TEST(Golden, SynchronizedSubsurfaceWaitsForItsParent) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    ASSERT_NE(client.subcompositor(), nullptr);
    TestWindow parent(client, "parent", {200, 150}, kBlue);
    Rect frame = session.windows()[0].frame;
    int cx = frame.x + 1, cy = frame.y + 29;  // content origin

    wl_surface* child = wl_compositor_create_surface(client.compositor());
    wl_subsurface* sub = wl_subcompositor_get_subsurface(client.subcompositor(), child, parent.surface());
    wl_subsurface_set_position(sub, 20, 20);
    ShmBuffer yellow(client, {50, 50}, false);
    yellow.fill(kYellow);
    wl_surface_attach(child, yellow.buffer(), 0, 0);
    wl_surface_damage_buffer(child, 0, 0, 50, 50);
    wl_surface_commit(child);  // cached: the parent has not committed
    ASSERT_TRUE(client.roundtrip());
    pixman_image_t* before = take_screenshot(session, "subsurface_before");
    ASSERT_NE(before, nullptr);
    EXPECT_EQ(pixel(before, cx + 30, cy + 30), kBlue & 0xffffff);
    pixman_image_unref(before);

    ASSERT_TRUE(parent.commit({{0, 0, 1, 1}}));  // the parent's commit applies the child
    expect_screen_matches(session, "subsurface");

    // Desynchronized, the child's commits show at once.
    wl_subsurface_set_desync(sub);
    yellow.fill(kRed);
    wl_surface_attach(child, yellow.buffer(), 0, 0);
    wl_surface_damage_buffer(child, 0, 0, 50, 50);
    wl_surface_commit(child);
    ASSERT_TRUE(client.roundtrip());
    pixman_image_t* after = take_screenshot(session, "subsurface_desync");
    ASSERT_NE(after, nullptr);
    EXPECT_EQ(pixel(after, cx + 30, cy + 30), kRed & 0xffffff);
    pixman_image_unref(after);

    // A new position is parent state: it waits for the parent's commit.
    wl_subsurface_set_position(sub, 100, 60);
    wl_surface_commit(child);
    ASSERT_TRUE(client.roundtrip());
    pixman_image_t* unmoved = take_screenshot(session, "subsurface_unmoved");
    ASSERT_NE(unmoved, nullptr);
    EXPECT_EQ(pixel(unmoved, cx + 30, cy + 30), kRed & 0xffffff);
    pixman_image_unref(unmoved);
    ASSERT_TRUE(parent.commit({{0, 0, 1, 1}}));
    pixman_image_t* moved = take_screenshot(session, "subsurface_moved");
    ASSERT_NE(moved, nullptr);
    EXPECT_EQ(pixel(moved, cx + 30, cy + 30), kBlue & 0xffffff);
    EXPECT_EQ(pixel(moved, cx + 110, cy + 70), kRed & 0xffffff);
    pixman_image_unref(moved);
    wl_subsurface_destroy(sub);
    wl_surface_destroy(child);
}

TEST(Golden, SurvivesADisplayServiceRestart) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "survivor", {160, 100}, kGreen);
    ASSERT_TRUE(session.restart_display());
    // uiserver reconnects within ~100 ms and repaints everything.
    bool back = false;
    for (int i = 0; i < 100 && !back; ++i) {
        if (pixman_image_t* shot = take_screenshot(session, "display_restart")) {
            back = pixel(shot, 100, 100) == (kGreen & 0xffffff);
            pixman_image_unref(shot);
        }
        if (!back) usleep(20000);
    }
    ASSERT_TRUE(back);
    EXPECT_TRUE(session.server_alive());
    // Frames keep flowing for the client.
    EXPECT_TRUE(w.commit({{0, 0, 1, 1}}));
    expect_screen_matches(session, "hostile_survivor");
}

TEST(Golden, SurvivesAnInputServiceRestart) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "typing", {200, 150}, kRed);
    ASSERT_TRUE(client.dispatch_until([&] { return client.input.keyboard_enters > 0; }));
    ASSERT_TRUE(session.restart_input());
    // Keys typed after uiserver reconnected arrive; try until one does.
    bool arrived = false;
    for (int i = 0; i < 100 && !arrived; ++i) {
        ASSERT_TRUE(session.input().key(KEY_B, true));
        ASSERT_TRUE(session.input().key(KEY_B, false));
        arrived = client.dispatch_until([&] { return client.input.last_key == uint32_t(KEY_B); }, 30);
    }
    EXPECT_TRUE(arrived);
    EXPECT_TRUE(session.server_alive());
}

TEST(Golden, KeyboardLayoutFromConfiguration) {
    Session session(640, 480, {"--keyboard-layout", "de"});
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client.dispatch_until([&] { return client.input.keymap_received; }));
    // German keyboards swap Y and Z: the key right of T (AD06) types z.
    size_t key = client.input.keymap.find("key <AD06>");
    ASSERT_NE(key, std::string::npos);
    std::string symbols;
    for (size_t i = key; i < client.input.keymap.size() && client.input.keymap[i] != '}'; ++i)
        if (!std::isspace(static_cast<unsigned char>(client.input.keymap[i]))) symbols += client.input.keymap[i];
    EXPECT_NE(symbols.find("[z,Z,"), std::string::npos) << symbols;
}

TEST(Golden, BufferScaleTwoIsDrawnAtHalfTheBufferSize) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    ASSERT_TRUE(client.ok());
    TestWindow w(client, "scaled", {400, 300}, kBlue);
    // Now a 400x300 buffer at scale 2: a 200x150 window, top half yellow.
    w.buffer().fill_rect({0, 0, 400, 150}, kYellow);
    wl_surface_set_buffer_scale(w.surface(), 2);
    ASSERT_TRUE(w.commit());
    Rect frame = session.windows()[0].frame;
    EXPECT_EQ(frame.width, 200 + 2);
    EXPECT_EQ(frame.height, 150 + 28 + 2);
    expect_screen_matches(session, "buffer_scale");
    // Buffer damage is in buffer pixels: (100,200) 40x40 is surface (50,100) 20x20.
    w.buffer().fill_rect({100, 200, 40, 40}, kRed);
    ASSERT_TRUE(w.commit({{100, 200, 40, 40}}));
    pixman_image_t* shot = take_screenshot(session, "buffer_scale_damage");
    ASSERT_NE(shot, nullptr);
    int cx = frame.x + 1, cy = frame.y + 29;
    EXPECT_EQ(pixel(shot, cx + 60, cy + 110), kRed & 0xffffff);
    EXPECT_EQ(pixel(shot, cx + 45, cy + 110), kBlue & 0xffffff);
    pixman_image_unref(shot);
}
