// The pointer's image: the theme's (resources/cursors) or a client's cursor
// surface (wl_pointer.set_cursor), shown as the display's hardware cursor.
#pragma once

#include "render/geometry.h"

#include <cstdint>
#include <vector>

namespace tessera::ui {

class Display;
class Surface;

struct CursorImage {
    std::vector<uint32_t> argb;  // premultiplied, size.width * size.height
    Size size;
    Point hotspot;
};

class Cursor {
public:
    explicit Cursor(Display& display) : display_(display) {}

    void set_theme(CursorImage image);
    void show_theme();
    // A client's cursor surface: its current image (cropped to 64x64) with
    // the hotspot; called again on every commit of that surface.
    void show_surface(const Surface& surface, Point hotspot);
    void hide();
    // Sends the current image again (the display lost it).
    void resend();

    // What the display shows now (for screenshots without a display service).
    const CursorImage& current() const { return current_; }

private:
    void show(const CursorImage& image);

    Display& display_;
    CursorImage theme_;
    CursorImage current_;
};

}  // namespace tessera::ui
