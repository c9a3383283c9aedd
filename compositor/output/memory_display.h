// A Display in plain memory, driven by the Wayland event loop: the stand-in
// used by tests and benchmarks that run the compositor in-process.
#pragma once

#include "output/display.h"

#include <wayland-server-core.h>

#include <memory>

namespace tessera::ui {

class MemoryDisplay final : public Display {
public:
    // `refresh_ms` paces completions like a display's vblank would; 0
    // completes on the next loop iteration.
    MemoryDisplay(wl_event_loop* loop, Size size, int buffers = 2, int refresh_ms = 16);
    ~MemoryDisplay() override;

    Size size() const override { return size_; }
    int buffer_count() const override { return int(images_.size()); }
    pixman_image_t* buffer(int index) override { return images_[size_t(index)]; }
    void present(int index, const std::vector<Rect>& damage, std::function<void()> done) override;
    void set_cursor(const std::vector<uint32_t>& argb, Size size, Point hotspot) override;
    void move_cursor(Point position) override { cursor_position_ = position; }

    int front() const { return front_; }
    int64_t presented_pixels() const { return presented_pixels_; }
    int64_t present_count() const { return present_count_; }

private:
    static int on_timer(void* data);

    wl_event_loop* loop_;
    Size size_;
    int refresh_ms_;
    std::vector<pixman_image_t*> images_;
    wl_event_source* timer_ = nullptr;
    std::function<void()> pending_done_;
    int front_ = -1;
    int64_t presented_pixels_ = 0;
    int64_t present_count_ = 0;
    std::vector<uint32_t> cursor_;
    Size cursor_size_;
    Point cursor_hotspot_;
    Point cursor_position_;
};

}  // namespace tessera::ui
