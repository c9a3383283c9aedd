// The theme: colours and metrics shared by uiserver's decorations and (later)
// the toolkit. Loaded from resources/theme/default.theme (key = value lines).
#pragma once

#include <cstdint>
#include <string>

namespace tessera::ui {

struct Theme {
    int title_height = 28;
    int border_width = 1;
    int button_size = 18;
    int font_size = 13;
    uint32_t background = 0xff2e3440;
    uint32_t title_active = 0xff3b6ea5;
    uint32_t title_inactive = 0xff4c566a;
    uint32_t title_text_active = 0xffffffff;
    uint32_t title_text_inactive = 0xffd8dee9;
    uint32_t border_active = 0xff2b5280;
    uint32_t border_inactive = 0xff3b4252;
    uint32_t button_close = 0xffd05050;
    uint32_t button_maximize = 0xff50a050;
    uint32_t button_minimize = 0xffd0a040;
    std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    // Reads `path`; unknown keys and bad lines are reported in `error` and
    // skipped. Returns false if the file cannot be read.
    static bool load(const std::string& path, Theme* theme, std::string* error);
};

}  // namespace tessera::ui
