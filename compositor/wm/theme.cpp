#include "wm/theme.h"

#include <fstream>
#include <sstream>

namespace tessera::ui {

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

bool parse_color(const std::string& v, uint32_t* out) {
    // #rrggbb or #aarrggbb
    if (v.size() != 7 && v.size() != 9) return false;
    if (v[0] != '#') return false;
    uint32_t value = 0;
    for (size_t i = 1; i < v.size(); ++i) {
        char c = v[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return false;
        value = value << 4 | uint32_t(d);
    }
    *out = v.size() == 7 ? 0xff000000u | value : value;
    return true;
}

}  // namespace

bool Theme::load(const std::string& path, Theme* theme, std::string* error) {
    std::ifstream in(path);
    if (!in) {
        if (error) *error = "cannot read " + path;
        return false;
    }
    std::ostringstream problems;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        size_t eq = line.find('=');
        if (eq == std::string::npos) {
            problems << path << ":" << number << ": expected key = value\n";
            continue;
        }
        std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        struct IntKey {
            const char* name;
            int* field;
            int min, max;
        } ints[] = {{"title_height", &theme->title_height, 12, 64},
                    {"border_width", &theme->border_width, 0, 16},
                    {"button_size", &theme->button_size, 8, 48},
                    {"font_size", &theme->font_size, 6, 48}};
        struct ColorKey {
            const char* name;
            uint32_t* field;
        } colors[] = {{"background", &theme->background},
                      {"title_active", &theme->title_active},
                      {"title_inactive", &theme->title_inactive},
                      {"title_text_active", &theme->title_text_active},
                      {"title_text_inactive", &theme->title_text_inactive},
                      {"border_active", &theme->border_active},
                      {"border_inactive", &theme->border_inactive},
                      {"button_close", &theme->button_close},
                      {"button_maximize", &theme->button_maximize},
                      {"button_minimize", &theme->button_minimize}};
        bool known = false;
        for (const IntKey& k : ints) {
            if (key != k.name) continue;
            known = true;
            try {
                int v = std::stoi(value);
                if (v < k.min || v > k.max) throw std::out_of_range(key);
                *k.field = v;
            } catch (const std::exception&) {
                problems << path << ":" << number << ": " << key << " out of range\n";
            }
        }
        for (const ColorKey& k : colors) {
            if (key != k.name) continue;
            known = true;
            if (!parse_color(value, k.field)) problems << path << ":" << number << ": bad colour " << value << "\n";
        }
        if (key == "font") {
            known = true;
            theme->font = value;
        }
        if (!known) problems << path << ":" << number << ": unknown key " << key << "\n";
    }
    if (error) *error = problems.str();
    return true;
}

}  // namespace tessera::ui
