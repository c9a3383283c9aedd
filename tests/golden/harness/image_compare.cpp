#include "image_compare.h"

#include <algorithm>
#include <cstdlib>

namespace tessera::golden {

namespace {

bool inside_any(const std::vector<Rect>& rects, int x, int y) {
    for (const Rect& r : rects)
        if (r.contains({x, y})) return true;
    return false;
}

uint32_t at(pixman_image_t* image, int x, int y) {
    return pixman_image_get_data(image)[y * (pixman_image_get_stride(image) / 4) + x];
}

}  // namespace

CompareResult compare_images(pixman_image_t* actual, pixman_image_t* expected, const CompareOptions& options,
                             pixman_image_t** diff) {
    CompareResult result;
    int w = pixman_image_get_width(actual), h = pixman_image_get_height(actual);
    if (w != pixman_image_get_width(expected) || h != pixman_image_get_height(expected)) {
        result.same_size = false;
        if (diff) *diff = nullptr;
        return result;
    }
    pixman_image_t* out = diff ? pixman_image_create_bits(PIXMAN_a8r8g8b8, w, h, nullptr, 0) : nullptr;
    uint32_t* out_data = out ? pixman_image_get_data(out) : nullptr;
    int out_stride = out ? pixman_image_get_stride(out) / 4 : 0;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            uint32_t a = at(actual, x, y), e = at(expected, x, y);
            bool compared =
                (options.clip.empty() || inside_any(options.clip, x, y)) && !inside_any(options.exclude, x, y);
            int worst = 0;
            for (int shift : {0, 8, 16})
                worst = std::max(worst, std::abs(int((a >> shift) & 0xff) - int((e >> shift) & 0xff)));
            bool differs = compared && worst > options.tolerance;
            if (compared) result.max_channel_difference = std::max(result.max_channel_difference, worst);
            if (differs) {
                if (result.differing_pixels == 0) result.first_difference = {x, y, 1, 1};
                ++result.differing_pixels;
            }
            if (out_data) {
                uint32_t grey = (((e >> 16) & 0xff) + ((e >> 8) & 0xff) + (e & 0xff)) / 3 / 3;
                uint32_t pixel = differs    ? 0xffff0000u
                                 : compared ? 0xff000000u | grey << 16 | grey << 8 | grey
                                            : 0xff000040u;  // not compared: dark blue
                out_data[y * out_stride + x] = pixel;
            }
        }
    }
    if (diff) *diff = out;
    return result;
}

}  // namespace tessera::golden
