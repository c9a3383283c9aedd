// Region: a set of pixels as y-x banded rectangles (pixman_region32), with
// value semantics. Every damage, opaque and input region in uiserver is one.
#pragma once

#include "render/geometry.h"

#include <pixman.h>

#include <vector>

namespace tessera::ui {

class Region {
public:
    Region();
    explicit Region(const Rect& rect);
    Region(const Region& other);
    Region(Region&& other) noexcept;
    Region& operator=(const Region& other);
    Region& operator=(Region&& other) noexcept;
    ~Region();

    static Region from_rects(const std::vector<Rect>& rects);

    bool empty() const;
    Rect extents() const;
    std::vector<Rect> rects() const;
    int rect_count() const;
    // Number of pixels covered (rectangles never overlap).
    int64_t area() const;
    bool contains(Point p) const;

    void clear();
    Region& unite(const Rect& rect);
    Region& unite(const Region& other);
    Region& intersect(const Rect& rect);
    Region& intersect(const Region& other);
    Region& subtract(const Rect& rect);
    Region& subtract(const Region& other);
    Region& translate(int32_t dx, int32_t dy);

    bool operator==(const Region& other) const;

    const pixman_region32_t* raw() const { return &region_; }
    pixman_region32_t* raw() { return &region_; }

private:
    pixman_region32_t region_;
};

}  // namespace tessera::ui
