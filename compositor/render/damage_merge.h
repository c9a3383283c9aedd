// Reduces a damage region to a few rectangles for the display service.
//
// Every rectangle presented costs a transfer and a flush on virtio-gpu, so
// a region of hundreds of tiny boxes (text, a diagonal drag) is merged down
// to at most `max_rects`. Merging is waste-aware: the pair whose bounding box
// adds the fewest pixels that were not damaged is merged first, so two far
// apart changes stay two rectangles instead of becoming one bounding box of
// the screen (wlroots' fallback beyond 20 rectangles).
#pragma once

#include "render/region.h"

#include <vector>

namespace tessera::ui {

inline constexpr int kMaxPresentRects = 16;

// Returns rectangles whose union covers `damage` (and usually a little more),
// at most `max_rects` of them, non-overlapping.
std::vector<Rect> merge_damage(const Region& damage, int max_rects = kMaxPresentRects);

}  // namespace tessera::ui
