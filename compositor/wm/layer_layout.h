// Placement of layer-shell surfaces (tessera_layer_shell_v1) as pure
// functions: where a surface goes on the output, which edge its exclusive
// zone belongs to, and what area is left for windows.
#pragma once

#include "render/geometry.h"

#include <cstdint>
#include <vector>

namespace tessera::ui {

enum LayerAnchor : uint32_t { kAnchorTop = 1, kAnchorBottom = 2, kAnchorLeft = 4, kAnchorRight = 8 };

struct LayerRules {
    Size size;            // 0 in a dimension: stretch between the anchored edges
    uint32_t anchor = 0;  // LayerAnchor bits
    int32_t exclusive_zone = 0;
    int32_t margin_top = 0, margin_right = 0, margin_bottom = 0, margin_left = 0;
    bool keyboard_interactive = false;
};

// The surface's rectangle on an output of `output` size.
Rect arrange_layer_surface(const LayerRules& rules, Size output);

// The edge (one LayerAnchor bit) the exclusive zone reserves, or 0 when
// the anchors do not name one edge.
uint32_t exclusive_edge(uint32_t anchor);

// The output minus every exclusive zone.
Rect usable_area(Size output, const std::vector<LayerRules>& surfaces);

}  // namespace tessera::ui
