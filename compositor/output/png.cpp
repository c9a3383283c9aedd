#include "output/png.h"

#include <png.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace tessera::ui {

namespace {
void set(std::string* error, std::string message) {
    if (error) *error = std::move(message);
}
}  // namespace

bool write_png(const std::string& path, pixman_image_t* image, std::string* error) {
    int width = pixman_image_get_width(image), height = pixman_image_get_height(image);
    int stride = pixman_image_get_stride(image);
    const auto* data = reinterpret_cast<const uint8_t*>(pixman_image_get_data(image));
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    png.width = png_uint_32(width);
    png.height = png_uint_32(height);
    png.format = PNG_FORMAT_RGB;
    std::vector<uint8_t> rgb(size_t(width) * size_t(height) * 3);
    for (int y = 0; y < height; ++y) {
        const auto* row = reinterpret_cast<const uint32_t*>(data + size_t(y) * size_t(stride));
        for (int x = 0; x < width; ++x) {
            uint32_t p = row[x];
            uint8_t* out = &rgb[(size_t(y) * size_t(width) + size_t(x)) * 3];
            out[0] = uint8_t(p >> 16);
            out[1] = uint8_t(p >> 8);
            out[2] = uint8_t(p);
        }
    }
    std::string tmp = path + ".tmp";
    if (!png_image_write_to_file(&png, tmp.c_str(), 0, rgb.data(), 0, nullptr)) {
        set(error, std::string("cannot write ") + path + ": " + png.message);
        return false;
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        set(error, "cannot rename to " + path);
        return false;
    }
    return true;
}

pixman_image_t* read_png(const std::string& path, std::string* error) {
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&png, path.c_str())) {
        set(error, std::string("cannot read ") + path + ": " + png.message);
        return nullptr;
    }
    png.format = PNG_FORMAT_BGRA;  // little-endian a8r8g8b8 byte order
    pixman_image_t* image = pixman_image_create_bits(PIXMAN_a8r8g8b8, int(png.width), int(png.height), nullptr, 0);
    if (!image) {
        png_image_free(&png);
        set(error, "out of memory");
        return nullptr;
    }
    if (!png_image_finish_read(&png, nullptr, pixman_image_get_data(image), pixman_image_get_stride(image), nullptr)) {
        pixman_image_unref(image);
        set(error, std::string("cannot decode ") + path + ": " + png.message);
        return nullptr;
    }
    return image;
}

}  // namespace tessera::ui
