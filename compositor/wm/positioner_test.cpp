#include "wm/positioner.h"

#include <gtest/gtest.h>

using namespace tessera::ui;

namespace {
enum : uint32_t { kBottomLeft = 6, kBottomRight = 8, kTopRight = 7 };
}

TEST(Positioner, MenuBelowItsButton) {
    PositionerRules r;
    r.size = {100, 50};
    r.anchor_rect = {10, 0, 40, 20};
    r.anchor = kBottomLeft;
    r.gravity = kBottomRight;
    EXPECT_EQ(place_popup(r, {}), (Rect{10, 20, 100, 50}));
}

TEST(Positioner, OffsetIsAdded) {
    PositionerRules r;
    r.size = {10, 10};
    r.anchor_rect = {0, 0, 20, 20};
    r.offset = {3, -2};
    // anchor none and gravity none: centred on the anchor rectangle's centre
    EXPECT_EQ(place_popup(r, {}), (Rect{8, 3, 10, 10}));
}

TEST(Positioner, FlipsWhenItWouldLeaveTheBounds) {
    PositionerRules r;
    r.size = {100, 50};
    r.anchor_rect = {0, 180, 40, 20};
    r.anchor = kBottomLeft;
    r.gravity = kBottomRight;
    r.constraint_adjustment = 8;  // flip_y
    Rect p = place_popup(r, {0, 0, 400, 210});
    EXPECT_EQ(p, (Rect{0, 130, 100, 50}));
}

TEST(Positioner, SlidesBackInside) {
    PositionerRules r;
    r.size = {100, 50};
    r.anchor_rect = {350, 0, 40, 20};
    r.anchor = kBottomLeft;
    r.gravity = kBottomRight;
    r.constraint_adjustment = 1;  // slide_x
    EXPECT_EQ(place_popup(r, {0, 0, 400, 300}).x, 300);
    r.constraint_adjustment = 0;
    EXPECT_EQ(place_popup(r, {0, 0, 400, 300}).x, 350);
    (void)kTopRight;
}

TEST(Positioner, ResizesWhatStillSticksOut) {
    PositionerRules r;
    r.size = {100, 300};
    r.anchor_rect = {0, 100, 40, 20};
    r.anchor = kBottomLeft;
    r.gravity = kBottomRight;
    r.constraint_adjustment = 32;  // resize_y only
    EXPECT_EQ(place_popup(r, {0, 0, 400, 250}), (Rect{0, 120, 100, 130}));
}
