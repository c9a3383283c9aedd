#include "render/damage_merge.h"

#include <gtest/gtest.h>

using namespace tessera::ui;

namespace {
Region covered(const std::vector<Rect>& rects) {
    return Region::from_rects(rects);
}

int64_t total_area(const std::vector<Rect>& rects) {
    int64_t a = 0;
    for (const Rect& r : rects) a += r.area();
    return a;
}
}  // namespace

TEST(DamageMerge, FewRectsPassThroughUnchanged) {
    Region d(Rect{0, 0, 10, 10});
    d.unite(Rect{100, 100, 5, 5});
    auto out = merge_damage(d, 16);
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(covered(out), d);
}

TEST(DamageMerge, CapsTheCountAndStillCoversEverything) {
    Region d;
    for (int i = 0; i < 200; ++i) d.unite(Rect{(i * 37) % 1800, (i * 53) % 1000, 7, 9});
    auto out = merge_damage(d, 16);
    EXPECT_LE(out.size(), 16u);
    Region missing = d;
    missing.subtract(covered(out));
    EXPECT_TRUE(missing.empty());
}

TEST(DamageMerge, FarApartClustersStaySeparate) {
    // Two clusters of small boxes in opposite corners: merging should give
    // one box per cluster, not one bounding box of the screen.
    Region d;
    for (int i = 0; i < 10; ++i) {
        d.unite(Rect{i * 4, 0, 2, 2});
        d.unite(Rect{1900 + i * 4, 1000, 2, 2});
    }
    auto out = merge_damage(d, 2);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_LT(total_area(out), 2 * 40 * 2 + 1);
    Region missing = d;
    missing.subtract(covered(out));
    EXPECT_TRUE(missing.empty());
}

TEST(DamageMerge, OutputRectanglesDoNotOverlap) {
    Region d;
    for (int i = 0; i < 40; ++i) d.unite(Rect{i * 10, i * 10, 15, 15});
    auto out = merge_damage(d, 8);
    EXPECT_LE(out.size(), 8u);
    EXPECT_EQ(total_area(out), covered(out).area());
}
