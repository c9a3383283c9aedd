// xdg_positioner's placement rule as a pure function.
#pragma once

#include "render/geometry.h"

#include <cstdint>

namespace tessera::ui {

struct PositionerRules {
    Size size;
    Rect anchor_rect;      // relative to the parent's window geometry
    uint32_t anchor = 0;   // xdg_positioner.anchor
    uint32_t gravity = 0;  // xdg_positioner.gravity
    uint32_t constraint_adjustment = 0;
    Point offset;
};

// The popup's window geometry relative to the parent's window geometry.
// `bounds` (same coordinates) is the area the popup should stay inside;
// flip, then slide, then resize are tried, as xdg_positioner orders them.
Rect place_popup(const PositionerRules& rules, const Rect& bounds);

}  // namespace tessera::ui
