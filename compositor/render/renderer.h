// Executes a PaintPlan with Pixman into a scanout image.
#pragma once

#include "render/paint_plan.h"

#include <pixman.h>

#include <vector>

namespace tessera::ui {

struct RenderLayer {
    Rect bounds;            // where the image's top-left pixel lands, and its size
    Region opaque;          // output coordinates
    pixman_image_t* image;  // not owned; a8r8g8b8 or x8r8g8b8
};

struct RenderStats {
    int64_t source_pixels = 0;
    int64_t over_pixels = 0;
    int64_t background_pixels = 0;
};

class Renderer {
public:
    explicit Renderer(uint32_t background_argb = 0xff2e3440) : background_(background_argb) {}

    // Repaints `damage` (output coordinates) of `target` from `layers`.
    RenderStats render(pixman_image_t* target, const std::vector<RenderLayer>& layers_bottom_to_top,
                       const Region& damage) const;

    void set_background(uint32_t argb) { background_ = argb; }

private:
    uint32_t background_;
};

}  // namespace tessera::ui
