// The boot font: a bitmap for each ASCII code point, generated at build
// time from a PSF console font that Debian ships (generate_font.sh), so
// the kernel can draw text before it has any file system.
#pragma once
#include <stdint.h>

namespace console {

struct Font {
    uint32_t width;          // pixels
    uint32_t height;         // pixels
    uint32_t bytes_per_row;  // a row's bits, most significant bit leftmost
    const uint8_t* glyphs;   // 128 glyphs of height * bytes_per_row bytes

    const uint8_t* glyph(char c) const {
        auto index = static_cast<unsigned char>(c);
        if (index >= 128) index = '?';
        return glyphs + index * height * bytes_per_row;
    }
};

extern const Font boot_font;

}  // namespace console
