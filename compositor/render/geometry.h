// Plain geometry used throughout uiserver. Rectangles are half-open:
// [x, x + width) x [y, y + height), in whatever coordinate space the caller
// states (output, surface-local or buffer).
#pragma once

#include <algorithm>
#include <cstdint>

namespace tessera::ui {

// Client-supplied coordinates are clamped to this range before any
// arithmetic, so sums of positions, offsets and sizes cannot overflow.
inline constexpr int32_t kMaxCoordinate = 1 << 20;
inline int32_t clamp_coordinate(int32_t v) {
    return std::clamp(v, -kMaxCoordinate, kMaxCoordinate);
}

struct Point {
    int32_t x = 0;
    int32_t y = 0;
    bool operator==(const Point&) const = default;
};

struct Size {
    int32_t width = 0;
    int32_t height = 0;
    bool operator==(const Size&) const = default;
    bool empty() const { return width <= 0 || height <= 0; }
};

struct Rect {
    int32_t x = 0;
    int32_t y = 0;
    int32_t width = 0;
    int32_t height = 0;

    bool operator==(const Rect&) const = default;
    bool empty() const { return width <= 0 || height <= 0; }
    int32_t right() const { return x + width; }
    int32_t bottom() const { return y + height; }
    int64_t area() const { return empty() ? 0 : int64_t(width) * height; }
    bool contains(Point p) const { return p.x >= x && p.x < right() && p.y >= y && p.y < bottom(); }

    Rect translated(int32_t dx, int32_t dy) const { return {x + dx, y + dy, width, height}; }

    Rect intersected(const Rect& o) const {
        int32_t l = std::max(x, o.x), t = std::max(y, o.y);
        int32_t r = std::min(right(), o.right()), b = std::min(bottom(), o.bottom());
        if (r <= l || b <= t) return {};
        return {l, t, r - l, b - t};
    }

    // The smallest rectangle holding both; an empty operand is ignored.
    Rect united(const Rect& o) const {
        if (empty()) return o;
        if (o.empty()) return *this;
        int32_t l = std::min(x, o.x), t = std::min(y, o.y);
        int32_t r = std::max(right(), o.right()), b = std::max(bottom(), o.bottom());
        return {l, t, r - l, b - t};
    }
};

}  // namespace tessera::ui
