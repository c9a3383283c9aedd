#include "render/paint_plan.h"

#include <gtest/gtest.h>

using namespace tessera::ui;

TEST(PaintPlan, OpaqueTopLayerHidesWhatIsBelow) {
    std::vector<PlanLayer> layers{
        {Rect{0, 0, 100, 100}, Region(Rect{0, 0, 100, 100})},
        {Rect{20, 20, 50, 50}, Region(Rect{20, 20, 50, 50})},
    };
    PaintPlan plan = plan_paint(layers, Region(Rect{0, 0, 100, 100}));
    EXPECT_EQ(plan.layers[1].source, Region(Rect{20, 20, 50, 50}));
    EXPECT_TRUE(plan.layers[1].over.empty());
    EXPECT_EQ(plan.layers[0].source.area(), 100 * 100 - 50 * 50);
    EXPECT_FALSE(plan.layers[0].source.contains({30, 30}));
    EXPECT_TRUE(plan.background.empty());
}

TEST(PaintPlan, TranslucentLayerIsComposedOverWhatIsBelow) {
    std::vector<PlanLayer> layers{
        {Rect{0, 0, 100, 100}, Region(Rect{0, 0, 100, 100})},
        {Rect{20, 20, 50, 50}, Region()},
    };
    PaintPlan plan = plan_paint(layers, Region(Rect{0, 0, 100, 100}));
    EXPECT_EQ(plan.layers[1].over, Region(Rect{20, 20, 50, 50}));
    EXPECT_TRUE(plan.layers[1].source.empty());
    EXPECT_EQ(plan.layers[0].source, Region(Rect{0, 0, 100, 100}));
}

TEST(PaintPlan, EverythingStaysInsideTheDamage) {
    std::vector<PlanLayer> layers{
        {Rect{0, 0, 100, 100}, Region(Rect{0, 0, 100, 100})},
        {Rect{50, 50, 100, 100}, Region(Rect{60, 60, 10, 10})},
    };
    Region damage(Rect{40, 40, 30, 30});
    PaintPlan plan = plan_paint(layers, damage);
    for (const LayerPaint& p : plan.layers) {
        Region outside = p.source;
        outside.unite(p.over).subtract(damage);
        EXPECT_TRUE(outside.empty());
    }
    EXPECT_EQ(plan.layers[1].source, Region(Rect{60, 60, 10, 10}));
    EXPECT_EQ(plan.layers[1].over.area(), 20 * 20 - 10 * 10);
    // Below the opaque square, layer 0 is not drawn at all.
    EXPECT_FALSE(plan.layers[0].source.contains({65, 65}));
    EXPECT_TRUE(plan.layers[0].source.contains({55, 55}));
}

TEST(PaintPlan, UncoveredDamageGetsTheBackground) {
    std::vector<PlanLayer> layers{{Rect{0, 0, 10, 10}, Region(Rect{0, 0, 10, 10})}};
    PaintPlan plan = plan_paint(layers, Region(Rect{0, 0, 20, 10}));
    EXPECT_EQ(plan.background, Region(Rect{10, 0, 10, 10}));
}

TEST(PaintPlan, OpaqueRegionOutsideTheBoundsIsIgnored) {
    std::vector<PlanLayer> layers{
        {Rect{0, 0, 10, 10}, Region(Rect{0, 0, 10, 10})},
        {Rect{0, 0, 5, 5}, Region(Rect{0, 0, 10, 10})},
    };
    PaintPlan plan = plan_paint(layers, Region(Rect{0, 0, 10, 10}));
    EXPECT_EQ(plan.layers[0].source.area(), 100 - 25);
}
