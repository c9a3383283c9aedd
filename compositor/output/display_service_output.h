// Display over the display service (docs/protocols/display.md): scanout
// buffers allocated by the service and rendered into directly, PRESENT with
// the frame's damage rectangles, the hardware cursor, screenshots through
// WRITE_PNG. The service socket is one more fd on the Wayland event loop.
#pragma once

#include "output/display.h"

#include "display/client.h"

#include <wayland-server-core.h>

#include <memory>
#include <string>

namespace tessera::ui {

class DisplayServiceOutput final : public Display {
public:
    // Connects to the service at `path`, allocates `buffers` scanout buffers
    // of the current mode. nullptr with `error` set on failure.
    static std::unique_ptr<DisplayServiceOutput> connect(wl_event_loop* loop, const std::string& path, int buffers,
                                                         std::string* error);
    ~DisplayServiceOutput() override;

    Size size() const override { return size_; }
    int buffer_count() const override { return int(images_.size()); }
    pixman_image_t* buffer(int index) override { return images_[size_t(index)]; }
    void present(int index, const std::vector<Rect>& damage, std::function<void()> done) override;
    void set_cursor(const std::vector<uint32_t>& argb, Size size, Point hotspot) override;
    void move_cursor(Point position) override;

    // The screen as the service shows it, as PNG (a round trip).
    std::string write_png(const std::string& path, bool with_cursor);

    // When the service goes away (a driver crash; devmgr restarts it),
    // presents complete on a timer so clients keep their pace, and a new
    // connection is tried every 100 ms. After reconnecting, the scanout
    // buffers are new: on_reconnected must have everything repainted and
    // the cursor set again. on_lost reports the loss, and on_failed a
    // service that came back with a different screen size (uiserver cannot
    // change size yet).
    std::function<void(const std::string&)> on_lost;
    std::function<void()> on_reconnected;
    std::function<void(const std::string&)> on_failed;
    // The service switched modes (a resized QEMU window): the buffers now
    // have the new size, and the screen was cleared.
    std::function<void(Size)> on_mode_changed;
    bool connected() const { return connected_; }

private:
    DisplayServiceOutput(wl_event_loop* loop, display::Client client);
    static int on_readable(int fd, uint32_t mask, void* data);
    static void on_idle_dispatch(void* data);
    static int on_fake_vblank(void* data);
    static int on_reconnect_timer(void* data);
    void dispatch();
    void lost(const std::string& why);
    bool attach(display::Client& client, std::string* error);
    void mode_changed(const display::Modes& modes);

    std::string path_;
    int buffer_count_ = 0;
    bool connected_ = true;
    wl_event_source* fake_vblank_ = nullptr;
    wl_event_source* reconnect_timer_ = nullptr;
    wl_event_loop* loop_;
    std::unique_ptr<display::Client> client_;
    wl_event_source* source_ = nullptr;
    wl_event_source* idle_ = nullptr;
    Size size_;
    std::vector<display::Buffer> buffers_;
    std::vector<pixman_image_t*> images_;
    std::function<void()> pending_done_;
    uint32_t pending_serial_ = 0;
};

}  // namespace tessera::ui
