#include "wm/text.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hb-ft.h>
#include <hb.h>

#include <vector>

namespace tessera::ui {

namespace {

struct Shaped {
    std::vector<hb_codepoint_t> glyphs;
    std::vector<int> x;  // pen x in pixels of each glyph
    std::vector<int> y;
    int width = 0;
};

Shaped shape(hb_font_t* font, const std::string& utf8) {
    Shaped out;
    hb_buffer_t* buffer = hb_buffer_create();
    hb_buffer_add_utf8(buffer, utf8.data(), int(utf8.size()), 0, int(utf8.size()));
    hb_buffer_guess_segment_properties(buffer);
    hb_shape(font, buffer, nullptr, 0);
    unsigned count = 0;
    hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
    hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
    int pen = 0;  // 26.6
    for (unsigned i = 0; i < count; ++i) {
        out.glyphs.push_back(info[i].codepoint);
        out.x.push_back((pen + pos[i].x_offset) >> 6);
        out.y.push_back(-(pos[i].y_offset >> 6));
        pen += pos[i].x_advance;
    }
    out.width = pen >> 6;
    hb_buffer_destroy(buffer);
    return out;
}

void blit_glyph(pixman_image_t* target, FT_Face face, hb_codepoint_t glyph, int x, int y, pixman_image_t* color) {
    if (FT_Load_Glyph(face, glyph, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT)) return;
    FT_Bitmap& bm = face->glyph->bitmap;
    if (bm.width == 0 || bm.rows == 0 || bm.pixel_mode != FT_PIXEL_MODE_GRAY) return;
    pixman_image_t* mask = pixman_image_create_bits(PIXMAN_a8, int(bm.width), int(bm.rows), nullptr, 0);
    if (!mask) return;
    auto* dst = reinterpret_cast<uint8_t*>(pixman_image_get_data(mask));
    int stride = pixman_image_get_stride(mask);
    for (unsigned row = 0; row < bm.rows; ++row)
        for (unsigned col = 0; col < bm.width; ++col)
            dst[row * unsigned(stride) + col] = bm.buffer[int(row) * bm.pitch + int(col)];
    pixman_image_composite32(PIXMAN_OP_OVER, color, mask, target, 0, 0, 0, 0, x + face->glyph->bitmap_left,
                             y - face->glyph->bitmap_top, int(bm.width), int(bm.rows));
    pixman_image_unref(mask);
}

}  // namespace

TextRenderer::TextRenderer(const std::string& font_path, int pixel_size) {
    FT_Library library = nullptr;
    if (FT_Init_FreeType(&library)) return;
    library_ = library;
    FT_Face face = nullptr;
    if (FT_New_Face(library, font_path.c_str(), 0, &face)) return;
    FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixel_size));
    face_ = face;
    font_ = hb_ft_font_create_referenced(face);
}

TextRenderer::~TextRenderer() {
    if (font_) hb_font_destroy(static_cast<hb_font_t*>(font_));
    if (face_) FT_Done_Face(static_cast<FT_Face>(face_));
    if (library_) FT_Done_FreeType(static_cast<FT_Library>(library_));
}

int TextRenderer::ascent() const {
    return face_ ? int(static_cast<FT_Face>(face_)->size->metrics.ascender >> 6) : 0;
}
int TextRenderer::descent() const {
    return face_ ? int(-(static_cast<FT_Face>(face_)->size->metrics.descender >> 6)) : 0;
}

int TextRenderer::draw(pixman_image_t* target, const std::string& utf8, Point baseline, int max_width, uint32_t argb) {
    if (!face_ || max_width <= 0) return 0;
    auto* font = static_cast<hb_font_t*>(font_);
    auto face = static_cast<FT_Face>(face_);
    Shaped text = shape(font, utf8);
    Shaped ellipsis;
    size_t count = text.glyphs.size();
    if (text.width > max_width) {
        ellipsis = shape(font, "\xE2\x80\xA6");
        int room = max_width - ellipsis.width;
        count = 0;
        while (count < text.glyphs.size() && text.x[count] < room) {
            int next = count + 1 < text.glyphs.size() ? text.x[count + 1] : text.width;
            if (next > room) break;
            ++count;
        }
    }
    pixman_color_t c{uint16_t(((argb >> 16) & 0xff) * 0x101), uint16_t(((argb >> 8) & 0xff) * 0x101),
                     uint16_t((argb & 0xff) * 0x101), uint16_t(((argb >> 24) & 0xff) * 0x101)};
    pixman_image_t* color = pixman_image_create_solid_fill(&c);
    for (size_t i = 0; i < count; ++i)
        blit_glyph(target, face, text.glyphs[i], baseline.x + text.x[i], baseline.y + text.y[i], color);
    int width = count == text.glyphs.size() ? text.width : (count ? text.x[count] : 0);
    if (!ellipsis.glyphs.empty()) {
        for (size_t i = 0; i < ellipsis.glyphs.size(); ++i)
            blit_glyph(target, face, ellipsis.glyphs[i], baseline.x + width + ellipsis.x[i], baseline.y + ellipsis.y[i],
                       color);
        width += ellipsis.width;
    }
    pixman_image_unref(color);
    return width;
}

}  // namespace tessera::ui
