#include "render/renderer.h"

namespace tessera::ui {

namespace {

void composite_clipped(pixman_op_t op, pixman_image_t* source, pixman_image_t* target, const Rect& bounds,
                       const Region& clip) {
    // Compositing once per clip rectangle keeps each call inside the damage
    // without relying on the destination's clip region state.
    for (const Rect& r : clip.rects()) {
        pixman_image_composite32(op, source, nullptr, target, r.x - bounds.x, r.y - bounds.y, 0, 0, r.x, r.y, r.width,
                                 r.height);
    }
}

}  // namespace

RenderStats Renderer::render(pixman_image_t* target, const std::vector<RenderLayer>& layers,
                             const Region& damage) const {
    std::vector<PlanLayer> plan_layers;
    plan_layers.reserve(layers.size());
    for (const RenderLayer& layer : layers) plan_layers.push_back({layer.bounds, layer.opaque});
    Rect target_rect{0, 0, pixman_image_get_width(target), pixman_image_get_height(target)};
    Region clipped = damage;
    clipped.intersect(target_rect);
    PaintPlan plan = plan_paint(plan_layers, clipped);

    RenderStats stats;
    if (!plan.background.empty()) {
        pixman_color_t color{
            uint16_t(((background_ >> 16) & 0xff) * 0x101),
            uint16_t(((background_ >> 8) & 0xff) * 0x101),
            uint16_t((background_ & 0xff) * 0x101),
            0xffff,
        };
        std::vector<Rect> rects = plan.background.rects();
        std::vector<pixman_rectangle16_t> boxes;
        for (const Rect& r : rects)
            boxes.push_back({int16_t(r.x), int16_t(r.y), uint16_t(r.width), uint16_t(r.height)});
        pixman_image_fill_rectangles(PIXMAN_OP_SRC, target, &color, int(boxes.size()), boxes.data());
        stats.background_pixels = plan.background.area();
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerPaint& paint = plan.layers[i];
        composite_clipped(PIXMAN_OP_SRC, layers[i].image, target, layers[i].bounds, paint.source);
        composite_clipped(PIXMAN_OP_OVER, layers[i].image, target, layers[i].bounds, paint.over);
        stats.source_pixels += paint.source.area();
        stats.over_pixels += paint.over.area();
    }
    return stats;
}

}  // namespace tessera::ui
