#include "wm/layer_layout.h"

#include <algorithm>

namespace tessera::ui {

Rect arrange_layer_surface(const LayerRules& r, Size out) {
    bool left = r.anchor & kAnchorLeft, right = r.anchor & kAnchorRight;
    bool top = r.anchor & kAnchorTop, bottom = r.anchor & kAnchorBottom;
    int32_t w = r.size.width, h = r.size.height;
    if (w == 0) w = out.width - r.margin_left - r.margin_right;
    if (h == 0) h = out.height - r.margin_top - r.margin_bottom;
    w = std::max(w, 0);
    h = std::max(h, 0);
    int32_t x, y;
    if (left && !right)
        x = r.margin_left;
    else if (right && !left)
        x = out.width - r.margin_right - w;
    else
        x = r.margin_left + (out.width - r.margin_left - r.margin_right - w) / 2;
    if (top && !bottom)
        y = r.margin_top;
    else if (bottom && !top)
        y = out.height - r.margin_bottom - h;
    else
        y = r.margin_top + (out.height - r.margin_top - r.margin_bottom - h) / 2;
    return {x, y, w, h};
}

uint32_t exclusive_edge(uint32_t a) {
    const uint32_t horizontal = kAnchorLeft | kAnchorRight, vertical = kAnchorTop | kAnchorBottom;
    if (a == kAnchorTop || a == (kAnchorTop | horizontal)) return kAnchorTop;
    if (a == kAnchorBottom || a == (kAnchorBottom | horizontal)) return kAnchorBottom;
    if (a == kAnchorLeft || a == (kAnchorLeft | vertical)) return kAnchorLeft;
    if (a == kAnchorRight || a == (kAnchorRight | vertical)) return kAnchorRight;
    return 0;
}

Rect usable_area(Size output, const std::vector<LayerRules>& surfaces) {
    int32_t top = 0, bottom = 0, left = 0, right = 0;
    for (const LayerRules& r : surfaces) {
        if (r.exclusive_zone <= 0) continue;
        switch (exclusive_edge(r.anchor)) {
            case kAnchorTop:
                top = std::max(top, r.margin_top + r.exclusive_zone);
                break;
            case kAnchorBottom:
                bottom = std::max(bottom, r.margin_bottom + r.exclusive_zone);
                break;
            case kAnchorLeft:
                left = std::max(left, r.margin_left + r.exclusive_zone);
                break;
            case kAnchorRight:
                right = std::max(right, r.margin_right + r.exclusive_zone);
                break;
            default:
                break;
        }
    }
    return {left, top, std::max(0, output.width - left - right), std::max(0, output.height - top - bottom)};
}

}  // namespace tessera::ui
