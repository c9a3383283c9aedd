// What to draw, and how, for one frame: the occlusion pass.
//
// Given the layers bottom to top with their opaque regions, and the damage to
// repaint, each layer gets the part of the damage where it is visible (not
// under an opaque region of a layer above), split into the part it covers
// opaquely (composited with SRC: no read of the destination) and the rest
// (OVER). Whatever no opaque layer covers gets the background first. Every
// region is in output coordinates and inside the damage, so the renderer
// never touches a pixel that did not change.
#pragma once

#include "render/region.h"

#include <vector>

namespace tessera::ui {

struct PlanLayer {
    Rect bounds;
    Region opaque;  // output coordinates; clipped to bounds by the planner
};

struct LayerPaint {
    Region source;  // composite with PIXMAN_OP_SRC
    Region over;    // composite with PIXMAN_OP_OVER
};

struct PaintPlan {
    Region background;               // fill before any layer
    std::vector<LayerPaint> layers;  // same order as the input, bottom to top
};

PaintPlan plan_paint(const std::vector<PlanLayer>& layers_bottom_to_top, const Region& damage);

}  // namespace tessera::ui
