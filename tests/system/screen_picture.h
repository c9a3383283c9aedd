// A QMP screendump read back for comparisons: 8-bit RGB rows (libpng's
// simplified API; the target links PNG::PNG). A file that cannot be read
// or decoded is a test failure and gives an empty picture.
#pragma once

#include <gtest/gtest.h>
#include <png.h>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace tessera::system_test {

struct Picture {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgb;

    // 0xRRGGBB at (x, y).
    std::uint32_t at(std::uint32_t x, std::uint32_t y) const {
        const std::uint8_t* p = &rgb[(std::size_t{y} * width + x) * 3];
        return std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2];
    }
    bool is(std::uint32_t x, std::uint32_t y, const std::uint8_t colour[3]) const {
        return at(x, y) == (std::uint32_t{colour[0]} << 16 | std::uint32_t{colour[1]} << 8 | colour[2]);
    }
};

inline Picture read_png(const std::filesystem::path& path) {
    png_image image{};
    image.version = PNG_IMAGE_VERSION;
    Picture picture;
    if (!png_image_begin_read_from_file(&image, path.c_str())) {
        ADD_FAILURE() << "cannot read " << path << ": " << image.message;
        return picture;
    }
    image.format = PNG_FORMAT_RGB;
    picture.width = image.width;
    picture.height = image.height;
    picture.rgb.resize(PNG_IMAGE_SIZE(image));
    if (!png_image_finish_read(&image, nullptr, picture.rgb.data(), 0, nullptr)) {
        ADD_FAILURE() << "cannot decode " << path << ": " << image.message;
        picture = {};
    }
    return picture;
}

}  // namespace tessera::system_test
