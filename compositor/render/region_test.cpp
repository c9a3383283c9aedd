#include "render/region.h"

#include <gtest/gtest.h>

using namespace tessera::ui;

TEST(Region, UnionOfOverlappingRectsCountsPixelsOnce) {
    Region r(Rect{0, 0, 10, 10});
    r.unite(Rect{5, 5, 10, 10});
    EXPECT_EQ(r.area(), 100 + 100 - 25);
    EXPECT_EQ(r.extents(), (Rect{0, 0, 15, 15}));
}

TEST(Region, SubtractLeavesAHole) {
    Region r(Rect{0, 0, 10, 10});
    r.subtract(Rect{2, 2, 6, 6});
    EXPECT_EQ(r.area(), 100 - 36);
    EXPECT_FALSE(r.contains({4, 4}));
    EXPECT_TRUE(r.contains({0, 0}));
}

TEST(Region, EmptyRectsAreIgnored) {
    Region r(Rect{0, 0, 0, 5});
    EXPECT_TRUE(r.empty());
    r.unite(Rect{3, 3, -4, 2});
    EXPECT_TRUE(r.empty());
    r.unite(Rect{1, 1, 1, 1});
    r.intersect(Rect{});
    EXPECT_TRUE(r.empty());
}

TEST(Region, CopyAndMoveKeepValues) {
    Region a(Rect{1, 2, 3, 4});
    Region b = a;
    Region c = std::move(a);
    EXPECT_EQ(b, c);
    b.translate(10, 10);
    EXPECT_EQ(b.extents(), (Rect{11, 12, 3, 4}));
    EXPECT_EQ(c.extents(), (Rect{1, 2, 3, 4}));
}
