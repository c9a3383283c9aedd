// PNG files of x8r8g8b8 / a8r8g8b8 images (screenshots, golden references).
#pragma once

#include <pixman.h>

#include <string>

namespace tessera::ui {

// Writes RGB (alpha dropped). Returns false and sets `error` on failure.
bool write_png(const std::string& path, pixman_image_t* image, std::string* error = nullptr);

// Reads any PNG as an a8r8g8b8 image (caller unrefs), nullptr on failure.
pixman_image_t* read_png(const std::string& path, std::string* error = nullptr);

}  // namespace tessera::ui
