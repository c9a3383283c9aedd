// Server-side decorations: a title bar with the window's title and close,
// maximize and minimize buttons, and a thin border, drawn per window into
// its own image and cached until the title, size or focus changes.
#pragma once

#include "compositor.h"
#include "wm/theme.h"
#include "wm/window_manager.h"

#include <memory>
#include <unordered_map>

namespace tessera::ui {

class TextRenderer;

class Decorations {
public:
    explicit Decorations(Theme theme);
    ~Decorations();

    int title_height() const { return theme_.title_height; }
    int border_width() const { return theme_.border_width; }
    Rect frame_for(const Rect& content) const;
    WindowManager::FramePart part_at(const Rect& frame, const Rect& content, Point p) const;

    // Appends the decoration layer of `window` (below its surfaces).
    void add_layers(const Window& window, const Rect& frame, bool focused, std::vector<SceneLayer>& out);
    void invalidate(const Window& window);
    void forget(const Window& window);

private:
    struct Cached {
        pixman_image_t* image = nullptr;
        Size size;
        bool focused = false;
        bool valid = false;
    };
    Rect button_rect(const Rect& frame, int index_from_right) const;
    void draw(const Window& window, Cached& cached, const Rect& frame, bool focused);

    Theme theme_;
    std::unique_ptr<TextRenderer> text_;
    std::unordered_map<const Window*, Cached> cache_;
};

}  // namespace tessera::ui
