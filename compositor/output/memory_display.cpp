#include "output/memory_display.h"

namespace tessera::ui {

MemoryDisplay::MemoryDisplay(wl_event_loop* loop, Size size, int buffers, int refresh_ms)
    : loop_(loop), size_(size), refresh_ms_(refresh_ms) {
    for (int i = 0; i < buffers; ++i)
        images_.push_back(pixman_image_create_bits(PIXMAN_x8r8g8b8, size.width, size.height, nullptr, 0));
    timer_ = wl_event_loop_add_timer(loop_, &MemoryDisplay::on_timer, this);
}

MemoryDisplay::~MemoryDisplay() {
    if (timer_) wl_event_source_remove(timer_);
    for (pixman_image_t* image : images_) pixman_image_unref(image);
}

void MemoryDisplay::present(int index, const std::vector<Rect>& damage, std::function<void()> done) {
    front_ = index;
    ++present_count_;
    for (const Rect& r : damage) presented_pixels_ += r.area();
    pending_done_ = std::move(done);
    // A timer of 0 disarms it in libwayland; 1 ms is "next iteration".
    wl_event_source_timer_update(timer_, refresh_ms_ > 0 ? refresh_ms_ : 1);
}

void MemoryDisplay::set_cursor(const std::vector<uint32_t>& argb, Size size, Point hotspot) {
    cursor_ = argb;
    cursor_size_ = size;
    cursor_hotspot_ = hotspot;
}

int MemoryDisplay::on_timer(void* data) {
    auto* self = static_cast<MemoryDisplay*>(data);
    auto done = std::move(self->pending_done_);
    self->pending_done_ = nullptr;
    if (done) done();
    return 0;
}

}  // namespace tessera::ui
