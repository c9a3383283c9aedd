#include "render/region.h"

#include <utility>

namespace tessera::ui {

namespace {
Rect to_rect(const pixman_box32_t& b) {
    return {b.x1, b.y1, b.x2 - b.x1, b.y2 - b.y1};
}
}  // namespace

Region::Region() {
    pixman_region32_init(&region_);
}

Region::Region(const Rect& rect) {
    if (rect.empty())
        pixman_region32_init(&region_);
    else
        pixman_region32_init_rect(&region_, rect.x, rect.y, unsigned(rect.width), unsigned(rect.height));
}

Region::Region(const Region& other) {
    pixman_region32_init(&region_);
    pixman_region32_copy(&region_, &other.region_);
}

Region::Region(Region&& other) noexcept {
    pixman_region32_init(&region_);
    std::swap(region_, other.region_);
}

Region& Region::operator=(const Region& other) {
    if (this != &other) pixman_region32_copy(&region_, &other.region_);
    return *this;
}

Region& Region::operator=(Region&& other) noexcept {
    std::swap(region_, other.region_);
    return *this;
}

Region::~Region() {
    pixman_region32_fini(&region_);
}

Region Region::from_rects(const std::vector<Rect>& rects) {
    Region result;
    for (const Rect& r : rects) result.unite(r);
    return result;
}

bool Region::empty() const {
    return !pixman_region32_not_empty(&region_);
}

Rect Region::extents() const {
    if (empty()) return {};
    return to_rect(*pixman_region32_extents(&region_));
}

std::vector<Rect> Region::rects() const {
    int n = 0;
    const pixman_box32_t* boxes = pixman_region32_rectangles(&region_, &n);
    std::vector<Rect> out;
    out.reserve(size_t(n));
    for (int i = 0; i < n; ++i) out.push_back(to_rect(boxes[i]));
    return out;
}

int Region::rect_count() const {
    return pixman_region32_n_rects(&region_);
}

int64_t Region::area() const {
    int64_t total = 0;
    for (const Rect& r : rects()) total += r.area();
    return total;
}

bool Region::contains(Point p) const {
    return pixman_region32_contains_point(&region_, p.x, p.y, nullptr);
}

void Region::clear() {
    pixman_region32_fini(&region_);
    pixman_region32_init(&region_);
}

Region& Region::unite(const Rect& rect) {
    if (!rect.empty())
        pixman_region32_union_rect(&region_, &region_, rect.x, rect.y, unsigned(rect.width), unsigned(rect.height));
    return *this;
}

Region& Region::unite(const Region& other) {
    pixman_region32_union(&region_, &region_, &other.region_);
    return *this;
}

Region& Region::intersect(const Rect& rect) {
    if (rect.empty()) {
        clear();
        return *this;
    }
    pixman_region32_intersect_rect(&region_, &region_, rect.x, rect.y, unsigned(rect.width), unsigned(rect.height));
    return *this;
}

Region& Region::intersect(const Region& other) {
    pixman_region32_intersect(&region_, &region_, &other.region_);
    return *this;
}

Region& Region::subtract(const Rect& rect) {
    if (rect.empty()) return *this;
    Region r(rect);
    return subtract(r);
}

Region& Region::subtract(const Region& other) {
    pixman_region32_subtract(&region_, &region_, &other.region_);
    return *this;
}

Region& Region::translate(int32_t dx, int32_t dy) {
    pixman_region32_translate(&region_, dx, dy);
    return *this;
}

bool Region::operator==(const Region& other) const {
    return pixman_region32_equal(&region_, &other.region_);
}

}  // namespace tessera::ui
