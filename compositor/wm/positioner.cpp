#include "wm/positioner.h"

namespace tessera::ui {

namespace {

// xdg_positioner enum values.
enum : uint32_t { kNone = 0, kTop, kBottom, kLeft, kRight, kTopLeft, kBottomLeft, kTopRight, kBottomRight };
enum : uint32_t { kSlideX = 1, kSlideY = 2, kFlipX = 4, kFlipY = 8, kResizeX = 16, kResizeY = 32 };

bool has_left(uint32_t e) {
    return e == kLeft || e == kTopLeft || e == kBottomLeft;
}
bool has_right(uint32_t e) {
    return e == kRight || e == kTopRight || e == kBottomRight;
}
bool has_top(uint32_t e) {
    return e == kTop || e == kTopLeft || e == kTopRight;
}
bool has_bottom(uint32_t e) {
    return e == kBottom || e == kBottomLeft || e == kBottomRight;
}

uint32_t flip_x(uint32_t e) {
    switch (e) {
        case kLeft:
            return kRight;
        case kRight:
            return kLeft;
        case kTopLeft:
            return kTopRight;
        case kTopRight:
            return kTopLeft;
        case kBottomLeft:
            return kBottomRight;
        case kBottomRight:
            return kBottomLeft;
        default:
            return e;
    }
}

uint32_t flip_y(uint32_t e) {
    switch (e) {
        case kTop:
            return kBottom;
        case kBottom:
            return kTop;
        case kTopLeft:
            return kBottomLeft;
        case kBottomLeft:
            return kTopLeft;
        case kTopRight:
            return kBottomRight;
        case kBottomRight:
            return kTopRight;
        default:
            return e;
    }
}

Rect unconstrained(const PositionerRules& r, uint32_t anchor, uint32_t gravity) {
    const Rect& a = r.anchor_rect;
    int32_t ax = has_left(anchor) ? a.x : has_right(anchor) ? a.right() : a.x + a.width / 2;
    int32_t ay = has_top(anchor) ? a.y : has_bottom(anchor) ? a.bottom() : a.y + a.height / 2;
    int32_t x = has_left(gravity) ? ax - r.size.width : has_right(gravity) ? ax : ax - r.size.width / 2;
    int32_t y = has_top(gravity) ? ay - r.size.height : has_bottom(gravity) ? ay : ay - r.size.height / 2;
    return {x + r.offset.x, y + r.offset.y, r.size.width, r.size.height};
}

bool fits_x(const Rect& p, const Rect& b) {
    return p.x >= b.x && p.right() <= b.right();
}
bool fits_y(const Rect& p, const Rect& b) {
    return p.y >= b.y && p.bottom() <= b.bottom();
}

}  // namespace

Rect place_popup(const PositionerRules& rules, const Rect& bounds) {
    Rect p = unconstrained(rules, rules.anchor, rules.gravity);
    if (bounds.empty()) return p;
    if (!fits_x(p, bounds) && (rules.constraint_adjustment & kFlipX)) {
        Rect flipped = unconstrained(rules, flip_x(rules.anchor), flip_x(rules.gravity));
        if (fits_x(flipped, bounds)) p.x = flipped.x;
    }
    if (!fits_y(p, bounds) && (rules.constraint_adjustment & kFlipY)) {
        Rect flipped = unconstrained(rules, flip_y(rules.anchor), flip_y(rules.gravity));
        if (fits_y(flipped, bounds)) p.y = flipped.y;
    }
    if (!fits_x(p, bounds) && (rules.constraint_adjustment & kSlideX)) {
        if (p.right() > bounds.right()) p.x = bounds.right() - p.width;
        if (p.x < bounds.x) p.x = bounds.x;
    }
    if (!fits_y(p, bounds) && (rules.constraint_adjustment & kSlideY)) {
        if (p.bottom() > bounds.bottom()) p.y = bounds.bottom() - p.height;
        if (p.y < bounds.y) p.y = bounds.y;
    }
    // Still sticking out: shrink to the part inside the bounds.
    if (!fits_x(p, bounds) && (rules.constraint_adjustment & kResizeX)) {
        Rect clipped = p.intersected({bounds.x, p.y, bounds.width, p.height});
        if (!clipped.empty()) {
            p.x = clipped.x;
            p.width = clipped.width;
        }
    }
    if (!fits_y(p, bounds) && (rules.constraint_adjustment & kResizeY)) {
        Rect clipped = p.intersected({p.x, bounds.y, p.width, bounds.height});
        if (!clipped.empty()) {
            p.y = clipped.y;
            p.height = clipped.height;
        }
    }
    return p;
}

}  // namespace tessera::ui
