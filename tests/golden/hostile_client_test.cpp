// Hostile and broken clients: each case must leave uiserver running, its
// other clients served and their windows on screen, and its memory bounded.
#include "client.h"
#include "session.h"
#include "xdg-shell-client-protocol.h"

#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

using namespace tessera::golden;

namespace {

constexpr uint32_t kGreen = 0xff30a040;

// uiserver's resident memory in KiB (from /proc).
long rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    long value = 0;
    while (status >> key) {
        if (key == "VmRSS:") {
            status >> value;
            return value;
        }
        status.ignore(4096, '\n');
    }
    return -1;
}

// A well-behaved client with one window, created before the hostile one.
struct Survivor {
    TestClient client;
    TestWindow window;
    explicit Survivor(Session& s) : client(s.socket_path()), window(client, "survivor", {160, 100}, kGreen) {}
    // Still connected, still answered, still on screen as before.
    void check(Session& session) {
        EXPECT_TRUE(session.server_alive());
        EXPECT_TRUE(client.roundtrip());
        EXPECT_FALSE(client.disconnected());
        EXPECT_TRUE(session.ok_command("ping"));
        auto windows = session.windows();
        ASSERT_EQ(windows.size(), 1u);
        EXPECT_EQ(windows[0].title, "survivor");
        expect_screen_matches(session, "hostile_survivor");
    }
    // As check(), when the hostile client still has a (minimized) window.
    void check_windows_ignoring_minimized(Session& session) {
        EXPECT_TRUE(session.server_alive());
        EXPECT_TRUE(client.roundtrip());
        EXPECT_FALSE(client.disconnected());
        int visible = 0;
        for (const WindowRow& w : session.windows()) visible += w.flags.find("minimized") == std::string::npos;
        EXPECT_EQ(visible, 1);
        expect_screen_matches(session, "hostile_survivor");
    }
};

// Makes a toplevel up to the point where a buffer may be committed.
struct RawToplevel {
    wl_surface* surface;
    xdg_surface* xdg;
    xdg_toplevel* toplevel;
    bool configured = false;
    explicit RawToplevel(TestClient& c) {
        surface = wl_compositor_create_surface(c.compositor());
        xdg = xdg_wm_base_get_xdg_surface(c.wm_base(), surface);
        static const xdg_surface_listener listener = {[](void* data, xdg_surface* s, uint32_t serial) {
            xdg_surface_ack_configure(s, serial);
            static_cast<RawToplevel*>(data)->configured = true;
        }};
        xdg_surface_add_listener(xdg, &listener, this);
        toplevel = xdg_surface_get_toplevel(xdg);
        wl_surface_commit(surface);
        c.dispatch_until([&] { return configured; });
    }
};

// Sends what is queued without reading anything; waits while the socket is
// full. False once the server has closed the connection.
bool flush_all(TestClient& c) {
    while (wl_display_flush(c.display()) < 0) {
        if (errno != EAGAIN) return false;
        pollfd p{wl_display_get_fd(c.display()), POLLOUT, 0};
        if (poll(&p, 1, 1000) <= 0 || (p.revents & (POLLERR | POLLHUP))) return false;
    }
    return true;
}

bool wait_disconnected(TestClient& c) {
    c.dispatch_until([&] { return c.disconnected(); }, 3000);
    return c.disconnected();
}

}  // namespace

TEST(Hostile, ProtocolErrorDisconnectsOnlyThatClient) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    TestClient bad(session.socket_path());
    ASSERT_TRUE(bad.ok());
    // A buffer before the first configure is a protocol error.
    wl_surface* surface = wl_compositor_create_surface(bad.compositor());
    xdg_surface* xdg = xdg_wm_base_get_xdg_surface(bad.wm_base(), surface);
    xdg_surface_get_toplevel(xdg);
    ShmBuffer buffer(bad, {32, 32}, false);
    wl_surface_attach(surface, buffer.buffer(), 0, 0);
    wl_surface_commit(surface);
    EXPECT_TRUE(wait_disconnected(bad));
    survivor.check(session);
}

TEST(Hostile, GivingASurfaceTwoRolesIsAnError) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    TestClient bad(session.socket_path());
    RawToplevel t(bad);
    xdg_wm_base_get_xdg_surface(bad.wm_base(), t.surface);
    EXPECT_TRUE(wait_disconnected(bad));
    survivor.check(session);
}

TEST(Hostile, ClientDyingMidFrame) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    for (int i = 0; i < 5; ++i) {
        auto* bad = new TestClient(session.socket_path());
        RawToplevel t(*bad);
        ShmBuffer buffer(*bad, {200, 200}, false);
        buffer.fill(0xffff00ff);
        wl_surface_attach(t.surface, buffer.buffer(), 0, 0);
        wl_surface_damage_buffer(t.surface, 0, 0, 200, 200);
        wl_surface_frame(t.surface);
        wl_surface_commit(t.surface);
        wl_display_flush(bad->display());
        // Gone before the frame callback: no cleanup, the socket just closes.
        close(wl_display_get_fd(bad->display()));
        // The TestClient is leaked on purpose: its display fd is closed.
    }
    survivor.check(session);
}

TEST(Hostile, AbsurdSizes) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    {
        // A 9000x9000 buffer (324 MB, sparse): refused with an error.
        TestClient bad(session.socket_path());
        RawToplevel t(bad);
        int fd = memfd_create("huge", MFD_CLOEXEC);
        ASSERT_EQ(ftruncate(fd, off_t(9000) * 9000 * 4), 0);
        wl_shm_pool* pool = wl_shm_create_pool(bad.shm(), fd, 9000 * 9000 * 4);
        wl_buffer* b = wl_shm_pool_create_buffer(pool, 0, 9000, 9000, 9000 * 4, WL_SHM_FORMAT_XRGB8888);
        wl_surface_attach(t.surface, b, 0, 0);
        wl_surface_commit(t.surface);
        EXPECT_TRUE(wait_disconnected(bad));
        close(fd);
    }
    {
        // Damage and geometry with extreme values: clamped or refused.
        TestClient bad(session.socket_path());
        RawToplevel t(bad);
        ShmBuffer buffer(bad, {64, 64}, false);
        wl_surface_attach(t.surface, buffer.buffer(), 0, 0);
        wl_surface_damage(t.surface, INT32_MIN, INT32_MIN, INT32_MAX, INT32_MAX);
        wl_surface_damage_buffer(t.surface, INT32_MAX - 1, INT32_MAX - 1, INT32_MAX, INT32_MAX);
        wl_surface_damage_buffer(t.surface, -5, -5, -100, -100);
        wl_surface_commit(t.surface);
        EXPECT_TRUE(bad.roundtrip());
        xdg_surface_set_window_geometry(t.xdg, 0, 0, -1, INT32_MAX);
        EXPECT_TRUE(wait_disconnected(bad));
    }
    survivor.check(session);
}

TEST(Hostile, TruncatedShmPool) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    TestClient bad(session.socket_path());
    RawToplevel t(bad);
    int fd = memfd_create("shrinking", MFD_CLOEXEC);
    const int w = 256, h = 256, size = w * h * 4;
    ASSERT_EQ(ftruncate(fd, size), 0);
    wl_shm_pool* pool = wl_shm_create_pool(bad.shm(), fd, size);
    wl_buffer* b = wl_shm_pool_create_buffer(pool, 0, w, h, w * 4, WL_SHM_FORMAT_XRGB8888);
    // The pool shrinks under the compositor: reading it would SIGBUS.
    ASSERT_EQ(ftruncate(fd, 0), 0);
    wl_surface_attach(t.surface, b, 0, 0);
    wl_surface_damage_buffer(t.surface, 0, 0, w, h);
    wl_surface_commit(t.surface);
    EXPECT_TRUE(wait_disconnected(bad));
    close(fd);
    survivor.check(session);
}

TEST(Hostile, RequestFloodsStayBounded) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    long before = rss_kib(session.server_pid());
    {
        // A million damage rectangles that never make a simple region.
        TestClient bad(session.socket_path());
        RawToplevel t(bad);
        for (int i = 0; i < 300000; ++i) {
            wl_surface_damage_buffer(t.surface, (i * 7) % 4000, (i * 13) % 4000, 1, 1);
            if (i % 100 == 0 && !flush_all(bad)) break;
        }
        EXPECT_TRUE(bad.roundtrip());
        EXPECT_FALSE(bad.disconnected());
    }
    {
        // Frame callbacks without a commit: refused past a limit.
        TestClient bad(session.socket_path());
        RawToplevel t(bad);
        for (int i = 0; i < 100000 && !bad.disconnected(); ++i) {
            wl_callback_destroy(wl_surface_frame(t.surface));
            if (i % 100 == 0 && !flush_all(bad)) break;
        }
        EXPECT_TRUE(wait_disconnected(bad));
    }
    long after = rss_kib(session.server_pid());
    ASSERT_GT(before, 0);
    EXPECT_LT(after - before, 32 * 1024) << "uiserver grew from " << before << " to " << after << " KiB";
    survivor.check(session);
}

TEST(Hostile, ClientThatNeverReads) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    long before = rss_kib(session.server_pid());
    TestClient bad(session.socket_path());
    ASSERT_TRUE(bad.ok());
    // Each sync makes two events; the client never reads its socket, so
    // uiserver's queue to it fills up and uiserver must drop the client
    // instead of buffering without bound or blocking.
    bool dropped = false;
    for (int round = 0; round < 2000 && !dropped; ++round) {
        for (int i = 0; i < 100; ++i) wl_display_sync(bad.display());
        dropped = !flush_all(bad);
    }
    EXPECT_TRUE(dropped);
    // uiserver keeps serving everyone else meanwhile.
    survivor.check(session);
    long after = rss_kib(session.server_pid());
    EXPECT_LT(after - before, 32 * 1024) << "uiserver grew from " << before << " to " << after << " KiB";
}

TEST(Hostile, SurfaceMemoryIsBudgetedPerClient) {
    Session session(640, 480, {"--client-memory-mb", "16"});
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    TestClient bad(session.socket_path());
    ASSERT_TRUE(bad.ok());
    // 1024x1024 XRGB is 4 MiB: the budget holds three more next to nothing
    // else, the fifth one is over (16 MiB).
    std::vector<std::unique_ptr<ShmBuffer>> buffers;
    int accepted = 0;
    for (int i = 0; i < 8 && !bad.disconnected(); ++i) {
        wl_surface* s = wl_compositor_create_surface(bad.compositor());
        buffers.push_back(std::make_unique<ShmBuffer>(bad, Size{1024, 1024}, false));
        wl_surface_attach(s, buffers.back()->buffer(), 0, 0);
        wl_surface_commit(s);
        if (bad.roundtrip()) ++accepted;
    }
    EXPECT_TRUE(wait_disconnected(bad));
    EXPECT_EQ(accepted, 4);
    // The survivor (another client) is not charged for it.
    survivor.check(session);
}

TEST(Hostile, ExtremePositionsAndOffsets) {
    Session session;
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    TestClient bad(session.socket_path());
    TestWindow w(bad, "extreme", {64, 64}, 0xffd03030);
    // A subsurface at the far end of int32 and a popup with extreme offsets.
    wl_surface* child = wl_compositor_create_surface(bad.compositor());
    wl_subsurface* sub = wl_subcompositor_get_subsurface(bad.subcompositor(), child, w.surface());
    wl_subsurface_set_desync(sub);
    wl_subsurface_set_position(sub, INT32_MAX, INT32_MIN);
    ShmBuffer b(bad, {16, 16}, false);
    wl_surface_attach(child, b.buffer(), 0, 0);
    wl_surface_commit(child);
    xdg_positioner* p = xdg_wm_base_create_positioner(bad.wm_base());
    xdg_positioner_set_size(p, INT32_MAX, INT32_MAX);
    xdg_positioner_set_anchor_rect(p, INT32_MAX - 1, INT32_MAX - 1, INT32_MAX, INT32_MAX);
    xdg_positioner_set_offset(p, INT32_MAX, INT32_MAX);
    xdg_positioner_set_anchor(p, XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT);
    xdg_positioner_set_gravity(p, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
    xdg_positioner_set_constraint_adjustment(p, 0xff);
    wl_surface* popup_surface = wl_compositor_create_surface(bad.compositor());
    xdg_surface* popup_xdg = xdg_wm_base_get_xdg_surface(bad.wm_base(), popup_surface);
    xdg_surface_get_popup(popup_xdg, w.xdg(), p);
    wl_surface_commit(popup_surface);  // placement with all of the above
    ASSERT_TRUE(bad.roundtrip());
    EXPECT_TRUE(session.server_alive());
    EXPECT_TRUE(session.ok_command("ping"));
    // Move the extreme window out of the way: the survivor is what is checked.
    ASSERT_TRUE(session.ok_command("minimize " + std::to_string(session.windows().back().id)));
    survivor.check_windows_ignoring_minimized(session);
}

TEST(Hostile, ObjectFloodIsCapped) {
    Session session(640, 480, {"--max-client-objects", "2000"});
    ASSERT_TRUE(session.ok());
    Survivor survivor(session);
    long before = rss_kib(session.server_pid());
    TestClient bad(session.socket_path());
    ASSERT_TRUE(bad.ok());
    for (int i = 0; i < 100000 && !bad.disconnected(); ++i) {
        wl_compositor_create_region(bad.compositor());
        if (i % 100 == 0 && !flush_all(bad)) break;
    }
    EXPECT_TRUE(wait_disconnected(bad));
    long after = rss_kib(session.server_pid());
    EXPECT_LT(after - before, 16 * 1024) << "uiserver grew from " << before << " to " << after << " KiB";
    survivor.check(session);
}
