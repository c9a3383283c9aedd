#include "wm/decorations.h"

#include "wm/text.h"

namespace tessera::ui {

namespace {

pixman_color_t to_color(uint32_t argb) {
    return {uint16_t(((argb >> 16) & 0xff) * 0x101), uint16_t(((argb >> 8) & 0xff) * 0x101),
            uint16_t((argb & 0xff) * 0x101), uint16_t(((argb >> 24) & 0xff) * 0x101)};
}

void fill(pixman_image_t* image, const Rect& r, uint32_t argb) {
    if (r.empty()) return;
    pixman_color_t c = to_color(argb);
    pixman_rectangle16_t box{int16_t(r.x), int16_t(r.y), uint16_t(r.width), uint16_t(r.height)};
    pixman_image_fill_rectangles(PIXMAN_OP_SRC, image, &c, 1, &box);
}

}  // namespace

Decorations::Decorations(Theme theme)
    : theme_(std::move(theme)), text_(std::make_unique<TextRenderer>(theme_.font, theme_.font_size)) {}

Decorations::~Decorations() {
    for (auto& [window, cached] : cache_)
        if (cached.image) pixman_image_unref(cached.image);
}

Rect Decorations::frame_for(const Rect& content) const {
    int b = theme_.border_width;
    return {content.x - b, content.y - theme_.title_height - b, content.width + 2 * b,
            content.height + theme_.title_height + 2 * b};
}

// Buttons from the right edge: 0 close, 1 maximize, 2 minimize.
Rect Decorations::button_rect(const Rect& frame, int index) const {
    int gap = (theme_.title_height - theme_.button_size) / 2;
    int x = frame.right() - theme_.border_width - (gap + theme_.button_size) * (index + 1);
    return {x, frame.y + theme_.border_width + gap, theme_.button_size, theme_.button_size};
}

WindowManager::FramePart Decorations::part_at(const Rect& frame, const Rect& content, Point p) const {
    using Part = WindowManager::FramePart;
    if (!frame.contains(p) || content.contains(p)) return Part::None;
    if (button_rect(frame, 0).contains(p)) return Part::Close;
    if (button_rect(frame, 1).contains(p)) return Part::Maximize;
    if (button_rect(frame, 2).contains(p)) return Part::Minimize;
    Rect title{frame.x + theme_.border_width, frame.y + theme_.border_width, frame.width - 2 * theme_.border_width,
               theme_.title_height};
    return title.contains(p) ? Part::Title : Part::Border;
}

void Decorations::invalidate(const Window& window) {
    auto it = cache_.find(&window);
    if (it != cache_.end()) it->second.valid = false;
}

void Decorations::forget(const Window& window) {
    auto it = cache_.find(&window);
    if (it == cache_.end()) return;
    if (it->second.image) pixman_image_unref(it->second.image);
    cache_.erase(it);
}

void Decorations::draw(const Window& window, Cached& cached, const Rect& frame, bool focused) {
    if (!cached.image || cached.size != Size{frame.width, frame.height}) {
        if (cached.image) pixman_image_unref(cached.image);
        cached.image = pixman_image_create_bits(PIXMAN_a8r8g8b8, frame.width, frame.height, nullptr, 0);
        cached.size = {frame.width, frame.height};
    }
    if (!cached.image) return;
    Rect local{0, 0, frame.width, frame.height};
    fill(cached.image, local, focused ? theme_.border_active : theme_.border_inactive);
    int b = theme_.border_width;
    Rect title{b, b, frame.width - 2 * b, theme_.title_height};
    fill(cached.image, title, focused ? theme_.title_active : theme_.title_inactive);
    uint32_t colors[3] = {theme_.button_close, theme_.button_maximize, theme_.button_minimize};
    Rect leftmost_button = local;
    for (int i = 0; i < 3; ++i) {
        Rect r = button_rect(local, i);
        fill(cached.image, r, colors[i]);
        leftmost_button = r;
    }
    if (text_ && text_->ok()) {
        int text_height = text_->ascent() + text_->descent();
        int baseline = b + (theme_.title_height - text_height) / 2 + text_->ascent();
        int left = b + 8;
        text_->draw(cached.image, window.title(), {left, baseline}, leftmost_button.x - 8 - left,
                    focused ? theme_.title_text_active : theme_.title_text_inactive);
    }
    // The content area stays transparent: a translucent client shows what
    // is below the window there, not the frame colour.
    Rect content{b, b + theme_.title_height, frame.width - 2 * b, frame.height - 2 * b - theme_.title_height};
    fill(cached.image, content, 0);
    cached.focused = focused;
    cached.valid = true;
}

void Decorations::add_layers(const Window& window, const Rect& frame, bool focused, std::vector<SceneLayer>& out) {
    Cached& cached = cache_[&window];
    bool redraw = !cached.valid || cached.focused != focused || cached.size != Size{frame.width, frame.height};
    if (redraw) draw(window, cached, frame, focused);
    if (!cached.image) return;
    // The content area is not part of the decoration's opaque region: the
    // surface above covers it (or shows through, if translucent).
    Region opaque(frame);
    Rect content{frame.x + theme_.border_width, frame.y + theme_.border_width + theme_.title_height,
                 frame.width - 2 * theme_.border_width, frame.height - 2 * theme_.border_width - theme_.title_height};
    opaque.subtract(content);
    out.push_back({&cached, frame, std::move(opaque), cached.image});
}

}  // namespace tessera::ui
