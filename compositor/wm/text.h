// One line of text: shaped with HarfBuzz, rasterised with FreeType, blended
// with Pixman. Used for window titles.
#pragma once

#include "render/geometry.h"

#include <pixman.h>

#include <cstdint>
#include <string>

namespace tessera::ui {

class TextRenderer {
public:
    // `font_path` is a TrueType/OpenType file; `pixel_size` the em size.
    TextRenderer(const std::string& font_path, int pixel_size);
    ~TextRenderer();
    TextRenderer(const TextRenderer&) = delete;
    TextRenderer& operator=(const TextRenderer&) = delete;

    bool ok() const { return face_ != nullptr; }
    // Draws `utf8` with its baseline at `baseline`, never beyond `max_width`
    // pixels (an ellipsis ends a title that does not fit). Returns the width drawn.
    int draw(pixman_image_t* target, const std::string& utf8, Point baseline, int max_width, uint32_t argb);
    int ascent() const;
    int descent() const;

private:
    struct Impl;
    void* library_ = nullptr;  // FT_Library
    void* face_ = nullptr;     // FT_Face
    void* font_ = nullptr;     // hb_font_t*
};

}  // namespace tessera::ui
