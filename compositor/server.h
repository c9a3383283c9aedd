// Server: the Wayland display, its globals and the objects every part of
// uiserver reaches (compositor, window manager, seat). main.cpp builds one;
// tests and benchmarks build one over a MemoryDisplay.
#pragma once

#include "compositor.h"
#include "wm/window_manager.h"

#include <wayland-server-core.h>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessera::ui {

class Display;
class Seat;
class Surface;
class WindowListGlobal;
class DataDeviceManager;
class Cursor;

class Server {
public:
    // Creates the display and globals; `display` is not owned and must be
    // made on loop() (see create_display()).
    explicit Server(wl_display* wayland_display);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Attaches the output. Must be called once before clients connect.
    void attach_display(Display& display);

    wl_display* display() const { return display_; }
    wl_event_loop* loop() const { return wl_display_get_event_loop(display_); }
    Compositor& compositor() { return *compositor_; }
    WindowManager& window_manager() { return wm_; }
    Seat& seat() { return *seat_; }
    DataDeviceManager& data_devices() { return *data_devices_; }
    // The pointer image (after attach_display()).
    Cursor& cursor() { return *cursor_; }

    // Hooks from Surface.
    void surface_committed(Surface& surface);
    void surface_destroyed(Surface& surface);
    // The output changed size: compositor, window manager, wl_output
    // clients and input scaling follow.
    void output_resized(Size size);
    std::vector<wl_resource*>& output_resources() { return output_resources_; }
    std::function<void(Size)> on_output_resized;  // for main (input scaling)

    // From the seat: the pointer moved (the hardware cursor follows).
    void cursor_moved(Point position);
    void set_cursor_listener(std::function<void(Point)> listener) { cursor_listener_ = std::move(listener); }

    // Memory for surface images is budgeted per client: a client may not
    // make uiserver hold more than this many bytes of its pixels.
    void set_client_image_budget(int64_t bytes) { client_image_budget_ = bytes; }
    // Charges (positive) or refunds (negative) `bytes` to `client`; false,
    // with nothing charged, when the budget would be exceeded.
    bool charge_image_bytes(wl_client* client, int64_t bytes);

    // At most this many protocol objects per client: past it the client is
    // disconnected (a flood of wl_region or wl_surface objects would
    // otherwise grow uiserver without bound).
    void set_client_object_limit(int limit) { client_object_limit_ = limit; }

    // Shell globals (window list, layer shell) are offered only to clients
    // that connected through the Wayland socket at `path` (the desktop
    // shell's, started by runtimed). Empty: offered to every client.
    void set_shell_socket_path(std::string path) { shell_socket_path_ = std::move(path); }
    bool is_shell_client(wl_client* client) const;

    // Runs the loop until stop() (or forever).
    void run();
    void stop() { running_ = false; }
    // One iteration: dispatch ready events, flush clients.
    void dispatch(int timeout_ms);

private:
    wl_display* display_;
    WindowManager wm_;
    std::unique_ptr<Compositor> compositor_;
    std::unique_ptr<Seat> seat_;
    std::unique_ptr<WindowListGlobal> window_list_;
    std::unique_ptr<DataDeviceManager> data_devices_;
    std::unique_ptr<Cursor> cursor_;
    std::function<void(Point)> cursor_listener_;
    std::vector<wl_resource*> output_resources_;
    int64_t client_image_budget_ = int64_t(256) << 20;
    int client_object_limit_ = 65536;
    std::string shell_socket_path_;
    struct ClientWatch;
    static void on_client_created(wl_listener* listener, void* data);
    wl_listener client_created_{};
    std::unordered_map<wl_client*, int64_t> client_image_bytes_;
    bool running_ = true;
};

}  // namespace tessera::ui
