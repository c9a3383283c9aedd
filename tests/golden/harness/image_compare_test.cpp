#include "image_compare.h"

#include <gtest/gtest.h>

using namespace tessera::golden;

namespace {
struct Image {
    pixman_image_t* p;
    Image(int w, int h, uint32_t fill) : p(pixman_image_create_bits(PIXMAN_a8r8g8b8, w, h, nullptr, 0)) {
        for (int i = 0; i < w * h; ++i) pixman_image_get_data(p)[i] = fill;
    }
    ~Image() { pixman_image_unref(p); }
    void set(int x, int y, uint32_t v) { pixman_image_get_data(p)[y * pixman_image_get_width(p) + x] = v; }
};
}  // namespace

TEST(ImageCompare, WithinToleranceMatches) {
    Image a(8, 8, 0xff102030), e(8, 8, 0xff142434);
    EXPECT_TRUE(compare_images(a.p, e.p, {}).matches());
}

TEST(ImageCompare, OneChannelOffByFiveFails) {
    Image a(8, 8, 0xff102030), e(8, 8, 0xff102030);
    a.set(3, 4, 0xff102035);
    pixman_image_t* diff = nullptr;
    CompareResult r = compare_images(a.p, e.p, {}, &diff);
    EXPECT_FALSE(r.matches());
    EXPECT_EQ(r.differing_pixels, 1);
    EXPECT_EQ(r.first_difference, (Rect{3, 4, 1, 1}));
    ASSERT_NE(diff, nullptr);
    EXPECT_EQ(pixman_image_get_data(diff)[4 * 8 + 3], 0xffff0000u);
    pixman_image_unref(diff);
}

TEST(ImageCompare, ExcludedAndUnclippedPixelsAreIgnored) {
    Image a(8, 8, 0xff000000), e(8, 8, 0xff000000);
    a.set(1, 1, 0xffffffff);
    a.set(6, 6, 0xffffffff);
    CompareOptions o;
    o.exclude = {{0, 0, 2, 2}};
    EXPECT_FALSE(compare_images(a.p, e.p, o).matches());
    o.clip = {{0, 0, 4, 4}};
    EXPECT_TRUE(compare_images(a.p, e.p, o).matches());
}

TEST(ImageCompare, DifferentSizesNeverMatch) {
    Image a(8, 8, 0), e(8, 9, 0);
    EXPECT_FALSE(compare_images(a.p, e.p, {}).matches());
}
