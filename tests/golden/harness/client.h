// A small Wayland client for golden and hostile-client tests: toplevels and
// popups filled with solid colours from wl_shm buffers, with explicit damage.
#pragma once

#include "render/geometry.h"

#include <wayland-client.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct xdg_wm_base;
struct xdg_surface;
struct xdg_toplevel;
struct xdg_popup;
struct xdg_positioner;

namespace tessera::golden {

using ui::Point;
using ui::Rect;
using ui::Size;

class TestClient {
public:
    explicit TestClient(const std::string& socket_path);
    ~TestClient();
    TestClient(const TestClient&) = delete;
    TestClient& operator=(const TestClient&) = delete;

    bool ok() const { return display_ && compositor_ && shm_ && wm_base_; }
    // Processes events until `done()` or the timeout; false on timeout or a
    // broken connection.
    template <typename F>
    bool dispatch_until(F done, int timeout_ms = 3000);
    bool roundtrip();
    // True once the server has disconnected us (a protocol error).
    bool disconnected();

    wl_display* display() const { return display_; }
    wl_compositor* compositor() const { return compositor_; }
    wl_shm* shm() const { return shm_; }
    wl_seat* seat() const { return seat_; }
    wl_subcompositor* subcompositor() const { return subcompositor_; }
    xdg_wm_base* wm_base() const { return wm_base_; }
    wl_data_device_manager* data_device_manager() const { return data_device_manager_; }

    // Events seen on the pointer and keyboard (for input tests).
    struct InputLog {
        int enters = 0;
        int leaves = 0;
        int buttons = 0;
        int keys = 0;
        int keyboard_enters = 0;
        Point last_motion;
        uint32_t last_key = 0;
        bool keymap_received = false;
        std::string keymap;  // the text of the last keymap
        int32_t repeat_rate = -1;
        uint32_t enter_serial = 0;
    } input;
    wl_pointer* pointer() const { return pointer_; }

    bool dispatch_once(int timeout_ms);

private:
    static void on_global(void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t version);
    static void on_global_remove(void*, wl_registry*, uint32_t) {}

    wl_display* display_ = nullptr;
    wl_registry* registry_ = nullptr;
    wl_compositor* compositor_ = nullptr;
    wl_shm* shm_ = nullptr;
    wl_seat* seat_ = nullptr;
    wl_subcompositor* subcompositor_ = nullptr;
    xdg_wm_base* wm_base_ = nullptr;
    wl_data_device_manager* data_device_manager_ = nullptr;
    wl_pointer* pointer_ = nullptr;
    wl_keyboard* keyboard_ = nullptr;
};

// A shared-memory buffer of one size, filled by the test.
class ShmBuffer {
public:
    ShmBuffer(TestClient& client, Size size, bool alpha);
    ~ShmBuffer();
    void fill(uint32_t argb);
    void fill_rect(const Rect& r, uint32_t argb);
    wl_buffer* buffer() const { return buffer_; }
    Size size() const { return size_; }
    uint32_t* pixels() const { return pixels_; }

private:
    wl_buffer* buffer_ = nullptr;
    uint32_t* pixels_ = nullptr;
    Size size_;
    size_t bytes_ = 0;
};

// A toplevel (or, with `parent`, a popup) showing a ShmBuffer.
class TestWindow {
public:
    // Creates the surface, waits for the initial configure and commits a
    // buffer of `size` filled with `argb`; then waits for the frame callback.
    TestWindow(TestClient& client, const std::string& title, Size size, uint32_t argb, bool alpha = false);
    // A popup of `size` below `anchor` (parent window-geometry coordinates).
    TestWindow(TestClient& client, TestWindow& parent, Rect anchor, Size size, uint32_t argb, bool grab = false);
    ~TestWindow();

    ShmBuffer& buffer() { return *buffer_; }
    // Attaches the buffer with the given damage (empty: all) and waits
    // until that frame has been presented.
    bool commit(const std::vector<Rect>& damage = {}, bool buffer_damage = true);
    // Waits for a configure with a size other than the buffer's, then draws
    // a new buffer of that size in `argb` and commits it.
    bool follow_configure(uint32_t argb, int timeout_ms = 3000);
    wl_surface* surface() const { return surface_; }
    xdg_toplevel* toplevel() const { return toplevel_; }
    xdg_surface* xdg() const { return xdg_surface_; }
    bool configured() const { return configured_; }
    bool closed() const { return closed_; }
    bool popup_done() const { return popup_done_; }
    Size configured_size() const { return configured_size_; }
    bool activated() const { return activated_; }
    Point popup_position() const { return popup_position_; }

private:
    void wait_configured();

    TestClient& client_;
    wl_surface* surface_ = nullptr;
    xdg_surface* xdg_surface_ = nullptr;
    xdg_toplevel* toplevel_ = nullptr;
    xdg_popup* popup_ = nullptr;
    std::unique_ptr<ShmBuffer> buffer_;
    bool configured_ = false;
    uint32_t pending_serial_ = 0;
    bool closed_ = false;
    bool popup_done_ = false;
    bool activated_ = false;
    Size configured_size_;
    Point popup_position_;

    friend struct TestWindowListeners;
};

template <typename F>
bool TestClient::dispatch_until(F done, int timeout_ms) {
    for (int waited = 0; !done(); waited += 5) {
        if (waited >= timeout_ms) return false;
        if (!dispatch_once(5) && disconnected()) return false;
    }
    return true;
}

}  // namespace tessera::golden
