#include "wm/layer_layout.h"

#include <gtest/gtest.h>

using namespace tessera::ui;

static const Size kOut{1000, 800};

TEST(LayerLayout, PanelAlongTheTopStretches) {
    LayerRules r;
    r.size = {0, 32};
    r.anchor = kAnchorTop | kAnchorLeft | kAnchorRight;
    EXPECT_EQ(arrange_layer_surface(r, kOut), (Rect{0, 0, 1000, 32}));
    EXPECT_EQ(exclusive_edge(r.anchor), uint32_t(kAnchorTop));
}

TEST(LayerLayout, CornerWithMarginsAndCentred) {
    LayerRules r;
    r.size = {100, 50};
    r.anchor = kAnchorBottom | kAnchorRight;
    r.margin_bottom = 10;
    r.margin_right = 20;
    EXPECT_EQ(arrange_layer_surface(r, kOut), (Rect{880, 740, 100, 50}));
    EXPECT_EQ(exclusive_edge(r.anchor), 0u);
    r.anchor = 0;
    r.margin_bottom = r.margin_right = 0;
    EXPECT_EQ(arrange_layer_surface(r, kOut), (Rect{450, 375, 100, 50}));
}

TEST(LayerLayout, ExclusiveZonesShrinkTheUsableArea) {
    LayerRules top;
    top.size = {0, 32};
    top.anchor = kAnchorTop | kAnchorLeft | kAnchorRight;
    top.exclusive_zone = 32;
    LayerRules dock;
    dock.size = {48, 0};
    dock.anchor = kAnchorLeft | kAnchorTop | kAnchorBottom;
    dock.exclusive_zone = 48;
    LayerRules background;
    background.anchor = kAnchorTop | kAnchorBottom | kAnchorLeft | kAnchorRight;
    background.exclusive_zone = 100;  // no single edge: ignored
    EXPECT_EQ(usable_area(kOut, {top, dock, background}), (Rect{48, 32, 952, 768}));
}
