// Per-channel comparison of a screenshot with a reference image.
//
// Pixels are compared channel by channel (R, G, B) with a tolerance; only
// inside the clip rectangles when there are any, and never inside the
// exclude rectangles (a clock, an animation). The diff image shows matching
// pixels as a dimmed grey copy of the reference and differing ones in red.
#pragma once

#include "render/geometry.h"

#include <pixman.h>

#include <string>
#include <vector>

namespace tessera::golden {

using ui::Rect;

struct CompareOptions {
    int tolerance = 4;
    std::vector<Rect> clip;  // empty: the whole image
    std::vector<Rect> exclude;
};

struct CompareResult {
    bool same_size = true;
    int64_t differing_pixels = 0;
    int max_channel_difference = 0;
    Rect first_difference;  // 1x1 at the first differing pixel, if any
    bool matches() const { return same_size && differing_pixels == 0; }
};

// `diff` (optional) receives a new a8r8g8b8 image the caller unrefs.
CompareResult compare_images(pixman_image_t* actual, pixman_image_t* expected, const CompareOptions& options,
                             pixman_image_t** diff = nullptr);

}  // namespace tessera::golden
