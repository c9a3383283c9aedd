#include "input/cursor.h"

#include "output/display.h"
#include "protocol/surface.h"

#include <algorithm>

namespace tessera::ui {

namespace {
constexpr int kMaxCursor = 64;  // the display protocol's limit
}

void Cursor::set_theme(CursorImage image) {
    theme_ = std::move(image);
    show_theme();
}

void Cursor::show_theme() {
    show(theme_);
}

void Cursor::hide() {
    show(CursorImage{});
}

void Cursor::resend() {
    display_.set_cursor(current_.argb, current_.size, current_.hotspot);
}

void Cursor::show_surface(const Surface& surface, Point hotspot) {
    CursorImage image;
    pixman_image_t* source = surface.image();
    if (!source) {
        hide();
        return;
    }
    // FIXME: a scaled cursor surface is shown at its buffer's size.
    int scale = surface.buffer_scale();
    hotspot = {hotspot.x * scale, hotspot.y * scale};
    int w = std::min(pixman_image_get_width(source), kMaxCursor);
    int h = std::min(pixman_image_get_height(source), kMaxCursor);
    bool opaque = pixman_image_get_format(source) == PIXMAN_x8r8g8b8;
    const uint32_t* data = pixman_image_get_data(source);
    int stride = pixman_image_get_stride(source) / 4;
    image.size = {w, h};
    image.hotspot = {std::clamp(hotspot.x, 0, std::max(w - 1, 0)), std::clamp(hotspot.y, 0, std::max(h - 1, 0))};
    image.argb.reserve(size_t(w) * size_t(h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.argb.push_back(opaque ? data[y * stride + x] | 0xff000000u : data[y * stride + x]);
    show(image);
}

void Cursor::show(const CursorImage& image) {
    if (image.argb == current_.argb && image.size == current_.size && image.hotspot == current_.hotspot) return;
    current_ = image;
    display_.set_cursor(image.argb, image.size, image.hotspot);
}

}  // namespace tessera::ui
