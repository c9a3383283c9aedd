#include "render/damage_history.h"

#include <gtest/gtest.h>

using namespace tessera::ui;

static const Rect kFull{0, 0, 100, 100};

TEST(DamageHistory, UnknownAgeRepaintsEverything) {
    DamageHistory h;
    EXPECT_EQ(h.accumulated(0, kFull), Region(kFull));
}

TEST(DamageHistory, AgeOneNeedsNothingExtra) {
    DamageHistory h;
    h.push(Region(Rect{0, 0, 5, 5}));
    EXPECT_TRUE(h.accumulated(1, kFull).empty());
}

TEST(DamageHistory, AgeTwoAddsThePreviousFrame) {
    DamageHistory h;
    h.push(Region(Rect{0, 0, 5, 5}));    // frame n-2
    h.push(Region(Rect{50, 50, 5, 5}));  // frame n-1
    Region r = h.accumulated(2, kFull);
    EXPECT_EQ(r, Region(Rect{50, 50, 5, 5}));
    Region r3 = h.accumulated(3, kFull);
    EXPECT_EQ(r3.area(), 50);
}

TEST(DamageHistory, OlderThanTheHistoryRepaintsEverything) {
    DamageHistory h(2);
    h.push(Region(Rect{0, 0, 1, 1}));
    h.push(Region(Rect{1, 1, 1, 1}));
    h.push(Region(Rect{2, 2, 1, 1}));
    EXPECT_EQ(h.accumulated(3, kFull).area(), 2);
    EXPECT_EQ(h.accumulated(4, kFull), Region(kFull));
}
