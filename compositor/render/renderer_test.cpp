#include "render/renderer.h"

#include <gtest/gtest.h>

#include <memory>

using namespace tessera::ui;

namespace {
using Image = std::unique_ptr<pixman_image_t, decltype(&pixman_image_unref)>;

Image solid_image(pixman_format_code_t format, int w, int h, uint32_t argb) {
    Image img(pixman_image_create_bits(format, w, h, nullptr, 0), &pixman_image_unref);
    uint32_t* p = pixman_image_get_data(img.get());
    for (int i = 0; i < w * h; ++i) p[i] = argb;
    return img;
}

uint32_t pixel(pixman_image_t* img, int x, int y) {
    return pixman_image_get_data(img)[y * pixman_image_get_stride(img) / 4 + x];
}
}  // namespace

TEST(Renderer, PaintsOnlyTheDamage) {
    Image target = solid_image(PIXMAN_x8r8g8b8, 64, 64, 0xff000000);
    Image red = solid_image(PIXMAN_x8r8g8b8, 64, 64, 0xffff0000);
    Renderer renderer(0xff0000ff);
    std::vector<RenderLayer> layers{{Rect{0, 0, 64, 64}, Region(Rect{0, 0, 64, 64}), red.get()}};
    renderer.render(target.get(), layers, Region(Rect{10, 10, 4, 4}));
    EXPECT_EQ(pixel(target.get(), 11, 11) & 0xffffff, 0xff0000u);
    EXPECT_EQ(pixel(target.get(), 9, 9) & 0xffffff, 0x000000u);
    EXPECT_EQ(pixel(target.get(), 14, 14) & 0xffffff, 0x000000u);
}

TEST(Renderer, TranslucentLayerBlendsOverTheOneBelow) {
    Image target = solid_image(PIXMAN_x8r8g8b8, 8, 8, 0);
    Image below = solid_image(PIXMAN_x8r8g8b8, 8, 8, 0xff0000ff);
    // 50% premultiplied red.
    Image above = solid_image(PIXMAN_a8r8g8b8, 8, 8, 0x80800000);
    Renderer renderer;
    std::vector<RenderLayer> layers{
        {Rect{0, 0, 8, 8}, Region(Rect{0, 0, 8, 8}), below.get()},
        {Rect{0, 0, 8, 8}, Region(), above.get()},
    };
    RenderStats stats = renderer.render(target.get(), layers, Region(Rect{0, 0, 8, 8}));
    uint32_t p = pixel(target.get(), 3, 3);
    EXPECT_NEAR(int((p >> 16) & 0xff), 0x80, 2);
    EXPECT_NEAR(int(p & 0xff), 0x7f, 2);
    EXPECT_EQ(stats.over_pixels, 64);
    EXPECT_EQ(stats.source_pixels, 64);
}

TEST(Renderer, BackgroundFillsUncoveredDamage) {
    Image target = solid_image(PIXMAN_x8r8g8b8, 8, 8, 0);
    Renderer renderer(0xff123456);
    RenderStats stats = renderer.render(target.get(), {}, Region(Rect{0, 0, 8, 8}));
    EXPECT_EQ(pixel(target.get(), 7, 7) & 0xffffff, 0x123456u);
    EXPECT_EQ(stats.background_pixels, 64);
}
