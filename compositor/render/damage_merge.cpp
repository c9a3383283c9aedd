#include "render/damage_merge.h"

#include <limits>

namespace tessera::ui {

namespace {

// Above this many input rectangles the quadratic pair search gets slow; runs
// of consecutive rectangles (pixman keeps them sorted by band, then x) are
// first folded into their bounding boxes.
constexpr size_t kPairSearchLimit = 96;

std::vector<Rect> fold_runs(const std::vector<Rect>& rects, size_t target) {
    std::vector<Rect> out;
    size_t per_group = (rects.size() + target - 1) / target;
    for (size_t i = 0; i < rects.size(); i += per_group) {
        Rect box;
        for (size_t j = i; j < rects.size() && j < i + per_group; ++j) box = box.united(rects[j]);
        out.push_back(box);
    }
    return out;
}

// Pixels a merged box covers that neither input covers. Inputs may overlap
// after earlier merges; the estimate stays good enough to rank pairs.
int64_t waste(const Rect& a, const Rect& b) {
    return a.united(b).area() - a.area() - b.area() + a.intersected(b).area();
}

}  // namespace

std::vector<Rect> merge_damage(const Region& damage, int max_rects) {
    if (max_rects < 1) max_rects = 1;
    std::vector<Rect> rects = damage.rects();
    if (rects.size() <= size_t(max_rects)) return rects;
    if (rects.size() > kPairSearchLimit) rects = fold_runs(rects, kPairSearchLimit);

    while (rects.size() > size_t(max_rects)) {
        size_t best_i = 0, best_j = 1;
        int64_t best = std::numeric_limits<int64_t>::max();
        for (size_t i = 0; i < rects.size(); ++i) {
            for (size_t j = i + 1; j < rects.size(); ++j) {
                int64_t w = waste(rects[i], rects[j]);
                if (w < best) {
                    best = w;
                    best_i = i;
                    best_j = j;
                }
            }
        }
        Rect merged = rects[best_i].united(rects[best_j]);
        std::vector<Rect> next;
        next.reserve(rects.size());
        next.push_back(merged);
        for (size_t k = 0; k < rects.size(); ++k) {
            if (k == best_i || k == best_j) continue;
            // A rectangle inside the merged box is gone for free.
            if (merged.intersected(rects[k]) == rects[k]) continue;
            next.push_back(rects[k]);
        }
        rects = std::move(next);
    }

    // Overlapping boxes would present some pixels twice; use the disjoint
    // form when it is not longer.
    Region covered = Region::from_rects(rects);
    if (covered.rect_count() <= max_rects) return covered.rects();
    return rects;
}

}  // namespace tessera::ui
