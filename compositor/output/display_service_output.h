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
    static std::unique_ptr<DisplayServiceOutput> connect(wl_event_loop* loop, const std::string& path,
                                                         int buffers, std::string* error);
    ~DisplayServiceOutput() override;

    Size size() const override { return size_; }
    int buffer_count() const override { return int(images_.size()); }
    pixman_image_t* buffer(int index) override { return images_[size_t(index)]; }
    void present(int index, const std::vector<Rect>& damage, std::function<void()> done) override;
    void set_cursor(const std::vector<uint32_t>& argb, Size size, Point hotspot) override;
    void move_cursor(Point position) override;

    // The screen as the service shows it, as PNG (a round trip).
    std::string write_png(const std::string& path, bool with_cursor);
    // Called when the service goes away; uiserver cannot draw without it.
    std::function<void(const std::string&)> on_lost;

private:
    DisplayServiceOutput(wl_event_loop* loop, display::Client client);
    static int on_readable(int fd, uint32_t mask, void* data);
    static void on_idle_dispatch(void* data);
    void dispatch();

    wl_event_loop* loop_;
    display::Client client_;
    wl_event_source* source_ = nullptr;
    wl_event_source* idle_ = nullptr;
    Size size_;
    std::vector<display::Buffer> buffers_;
    std::vector<pixman_image_t*> images_;
    std::function<void()> pending_done_;
    uint32_t pending_serial_ = 0;
};

} // namespace tessera::ui
