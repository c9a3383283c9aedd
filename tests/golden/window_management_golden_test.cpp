// Window management through input: title-bar and Super drags, the title-bar
// buttons, edge resize, Alt+Tab and Alt+F4.
#include "client.h"
#include "session.h"

#include <gtest/gtest.h>

#include <linux/input-event-codes.h>

#include "headless_display/headless_display.h"
#include "xdg-shell-client-protocol.h"

using namespace tessera::golden;

namespace {

constexpr uint32_t kRed = 0xffd03030, kGreen = 0xff30a040, kBlue = 0xff3050d0;

// Theme metrics (resources/theme/default.theme): 1 px border, 28 px title,
// 16 px buttons centred vertically, 6 px apart, from the right edge:
// close, maximize, minimize.
Point button_centre(const Rect& frame, int index_from_right) {
    int gap = (28 - 16) / 2;
    int x = frame.right() - 1 - (gap + 16) * (index_from_right + 1);
    return {x + 8, frame.y + 1 + gap + 8};
}

void move(Session& s, Point p) {
    ASSERT_TRUE(s.ok_command("pointer-move " + std::to_string(p.x) + " " + std::to_string(p.y)));
}
void button(Session& s, bool down) {
    ASSERT_TRUE(s.ok_command(std::string("pointer-button left ") + (down ? "press" : "release")));
}
void key(Session& s, int code, bool down) {
    ASSERT_TRUE(s.ok_command("key " + std::to_string(code) + (down ? " press" : " release")));
}
void click(Session& s, Point p) {
    move(s, p);
    button(s, true);
    button(s, false);
}

WindowRow only_window(Session& s) {
    auto w = s.windows();
    EXPECT_EQ(w.size(), 1u);
    return w.empty() ? WindowRow{} : w[0];
}

}  // namespace

TEST(WindowManagement, DragTheTitleBarMovesTheWindow) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow w(client, "drag me", {200, 120}, kRed);
    Rect before = only_window(session).frame;
    move(session, {before.x + 30, before.y + 10});
    button(session, true);
    move(session, {before.x + 130, before.y + 60});
    move(session, {before.x + 230, before.y + 110});
    button(session, false);
    Rect after = only_window(session).frame;
    EXPECT_EQ(after.x, before.x + 200);
    EXPECT_EQ(after.y, before.y + 100);
    expect_screen_matches(session, "moved");
}

TEST(WindowManagement, SuperDragMovesFromAnywhere) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow w(client, "super", {200, 120}, kGreen);
    Rect before = only_window(session).frame;
    key(session, KEY_LEFTMETA, true);
    move(session, {before.x + 100, before.y + 80});
    button(session, true);
    move(session, {before.x + 150, before.y + 100});
    button(session, false);
    key(session, KEY_LEFTMETA, false);
    Rect after = only_window(session).frame;
    EXPECT_EQ(after.x, before.x + 50);
    EXPECT_EQ(after.y, before.y + 20);
    EXPECT_EQ(client.input.buttons, 0);  // the drag was the window manager's
}

TEST(WindowManagement, MaximizeAndRestoreButton) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow w(client, "maximize", {200, 120}, kBlue);
    Rect before = only_window(session).frame;
    click(session, button_centre(before, 1));
    ASSERT_TRUE(w.follow_configure(kBlue));
    EXPECT_EQ(w.configured_size(), (Size{640 - 2, 480 - 28 - 2}));
    WindowRow maximized = only_window(session);
    EXPECT_EQ(maximized.frame, (Rect{0, 0, 640, 480}));
    EXPECT_NE(maximized.flags.find("maximized"), std::string::npos);
    expect_screen_matches(session, "maximized");
    click(session, button_centre(maximized.frame, 1));
    ASSERT_TRUE(w.follow_configure(kBlue));
    EXPECT_EQ(only_window(session).frame, before);
}

TEST(WindowManagement, MinimizeAndCloseButtons) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow w(client, "buttons", {200, 120}, kRed);
    Rect frame = only_window(session).frame;
    click(session, button_centre(frame, 0));
    EXPECT_TRUE(client.dispatch_until([&] { return w.closed(); }));
    click(session, button_centre(frame, 2));
    EXPECT_NE(only_window(session).flags.find("minimized"), std::string::npos);
    expect_screen_matches(session, "empty_desktop");
}

TEST(WindowManagement, DragTheRightEdgeResizes) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow w(client, "resize", {200, 120}, kGreen);
    Rect before = only_window(session).frame;
    move(session, {before.right() - 1, before.y + 60});
    button(session, true);
    move(session, {before.right() + 59, before.y + 60});
    button(session, false);
    ASSERT_TRUE(w.follow_configure(kGreen));
    EXPECT_EQ(w.configured_size(), (Size{260, 120}));
    Rect after = only_window(session).frame;
    EXPECT_EQ(after, (Rect{before.x, before.y, before.width + 60, before.height}));
}

TEST(WindowManagement, AltTabAndAltF4) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow a(client, "first", {200, 150}, kRed);
    TestWindow b(client, "second", {200, 150}, kGreen);
    TestWindow c(client, "third", {200, 150}, kBlue);
    key(session, KEY_LEFTALT, true);
    key(session, KEY_TAB, true);
    key(session, KEY_TAB, false);
    key(session, KEY_LEFTALT, false);
    auto windows = session.windows();
    ASSERT_EQ(windows.size(), 3u);
    EXPECT_EQ(windows.back().title, "second");
    EXPECT_EQ(windows.back().flags, "focused");
    EXPECT_TRUE(client.dispatch_until([&] { return b.activated() && !c.activated(); }));
    // Alt+Tab twice in one Alt press goes one further.
    key(session, KEY_LEFTALT, true);
    key(session, KEY_TAB, true);
    key(session, KEY_TAB, false);
    key(session, KEY_TAB, true);
    key(session, KEY_TAB, false);
    key(session, KEY_LEFTALT, false);
    EXPECT_EQ(session.windows().back().title, "first");
    key(session, KEY_LEFTALT, true);
    key(session, KEY_F4, true);
    key(session, KEY_F4, false);
    key(session, KEY_LEFTALT, false);
    EXPECT_TRUE(client.dispatch_until([&] { return a.closed(); }));
    EXPECT_FALSE(b.closed());
    EXPECT_FALSE(c.closed());
}

TEST(WindowManagement, FollowsADisplayModeChange) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow normal(client, "normal", {200, 120}, kRed);
    TestWindow w(client, "maximized", {200, 120}, kBlue);
    ASSERT_TRUE(session.ok_command("maximize " + std::to_string(session.windows()[1].id)));
    ASSERT_TRUE(w.follow_configure(kBlue));
    // As if the QEMU window was resized.
    ASSERT_TRUE(session.display().change_mode({800, 600, 60000}));
    ASSERT_TRUE(w.follow_configure(kBlue));
    EXPECT_EQ(w.configured_size(), (Size{800 - 2, 600 - 28 - 2}));
    EXPECT_EQ(session.windows()[1].frame, (Rect{0, 0, 800, 600}));
    ASSERT_TRUE(session.ok_command("minimize " + std::to_string(session.windows()[1].id)));
    expect_screen_matches(session, "mode_change");
}

TEST(WindowManagement, FullscreenAndBack) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow w(client, "fullscreen", {200, 120}, kGreen);
    Rect before = only_window(session).frame;
    xdg_toplevel_set_fullscreen(w.toplevel(), nullptr);
    ASSERT_TRUE(w.follow_configure(kGreen));
    EXPECT_EQ(w.configured_size(), (Size{640, 480}));
    WindowRow row = only_window(session);
    EXPECT_EQ(row.frame, (Rect{0, 0, 640, 480}));
    EXPECT_NE(row.flags.find("fullscreen"), std::string::npos);
    pixman_image_t* shot = take_screenshot(session, "fullscreen");
    ASSERT_NE(shot, nullptr);
    // No decorations: the client's colour from corner to corner.
    uint32_t* p = pixman_image_get_data(shot);
    int stride = pixman_image_get_stride(shot) / 4;
    EXPECT_EQ(p[0] & 0xffffff, kGreen & 0xffffff);
    EXPECT_EQ(p[479 * stride + 639] & 0xffffff, kGreen & 0xffffff);
    pixman_image_unref(shot);
    xdg_toplevel_unset_fullscreen(w.toplevel());
    ASSERT_TRUE(w.follow_configure(kGreen));
    EXPECT_EQ(only_window(session).frame, before);
}

TEST(WindowManagement, DragTheLeftEdgeKeepsTheRightEdge) {
    Session session;
    ASSERT_TRUE(session.ok());
    TestClient client(session.socket_path());
    TestWindow w(client, "resize left", {200, 120}, kGreen);
    Rect before = only_window(session).frame;
    // Just outside the 1 px border: the grab area reaches a few pixels out.
    move(session, {before.x - 3, before.y + 60});
    button(session, true);
    move(session, {before.x - 43, before.y + 60});
    button(session, false);
    ASSERT_TRUE(w.follow_configure(kGreen));
    EXPECT_EQ(w.configured_size(), (Size{240, 120}));
    Rect after = only_window(session).frame;
    EXPECT_EQ(after.right(), before.right());
    EXPECT_EQ(after.width, before.width + 40);
}
