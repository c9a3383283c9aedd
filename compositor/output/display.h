// What uiserver needs from the display service: scanout buffers it renders
// into directly, present with damage rectangles and a completion, and a
// hardware cursor. DisplayServiceOutput (drivers' display protocol) and
// MemoryDisplay (in-process, for unit tests and benchmarks) implement it.
#pragma once

#include "render/geometry.h"

#include <pixman.h>

#include <functional>
#include <vector>

namespace tessera::ui {

class Display {
public:
    virtual ~Display() = default;

    virtual Size size() const = 0;
    virtual int buffer_count() const = 0;
    // An x8r8g8b8 image over the scanout memory of buffer `index`.
    virtual pixman_image_t* buffer(int index) = 0;
    // Shows buffer `index`; only `damage` changed since that buffer was last
    // presented. `done` runs on the event loop once the display has taken the
    // frame (the buffer that was shown before may then be reused).
    virtual void present(int index, const std::vector<Rect>& damage, std::function<void()> done) = 0;
    // A 64x64 (at most) premultiplied ARGB image with its hotspot; an empty
    // image hides the cursor.
    virtual void set_cursor(const std::vector<uint32_t>& argb, Size size, Point hotspot) = 0;
    virtual void move_cursor(Point position) = 0;
};

}  // namespace tessera::ui
