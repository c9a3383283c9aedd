#include "render/paint_plan.h"

namespace tessera::ui {

PaintPlan plan_paint(const std::vector<PlanLayer>& layers, const Region& damage) {
    PaintPlan plan;
    plan.layers.resize(layers.size());
    Region occluded;
    for (size_t i = layers.size(); i-- > 0;) {
        const PlanLayer& layer = layers[i];
        if (layer.bounds.empty()) continue;
        Region visible = damage;
        visible.intersect(layer.bounds).subtract(occluded);
        Region opaque = layer.opaque;
        opaque.intersect(layer.bounds);
        LayerPaint& paint = plan.layers[i];
        paint.source = visible;
        paint.source.intersect(opaque);
        paint.over = std::move(visible);
        paint.over.subtract(opaque);
        occluded.unite(opaque);
    }
    plan.background = damage;
    plan.background.subtract(occluded);
    return plan;
}

}  // namespace tessera::ui
