#include "boot/command_line.h"

namespace boot {

bool StringView::equals(const char* text) const {
    size_t i = 0;
    for (; i < length; ++i) {
        if (text[i] != data[i]) return false;
    }
    return text[i] == '\0';
}

bool CommandLine::find(const char* key, StringView& value) const {
    const char* p = text_;
    while (*p != '\0') {
        while (*p == ' ') ++p;
        const char* word = p;
        while (*p != '\0' && *p != ' ') ++p;
        const char* equals = word;
        while (equals < p && *equals != '=') ++equals;
        if (equals == p) continue;  // a bare flag
        StringView name{word, static_cast<size_t>(equals - word)};
        if (name.equals(key)) {
            value = StringView{equals + 1, static_cast<size_t>(p - equals - 1)};
            return true;
        }
    }
    return false;
}

bool CommandLine::has_flag(const char* flag) const {
    const char* p = text_;
    while (*p != '\0') {
        while (*p == ' ') ++p;
        const char* word = p;
        while (*p != '\0' && *p != ' ') ++p;
        if (p > word && StringView{word, static_cast<size_t>(p - word)}.equals(flag)) return true;
    }
    return false;
}

bool CommandLine::find_number(const char* key, unsigned long& value) const {
    StringView text;
    if (!find(key, text) || text.empty()) return false;
    unsigned long result = 0;
    for (size_t i = 0; i < text.length; ++i) {
        char c = text.data[i];
        if (c < '0' || c > '9') return false;
        unsigned long next = result * 10 + static_cast<unsigned long>(c - '0');
        if (next / 10 != result) return false;  // overflow
        result = next;
    }
    value = result;
    return true;
}

}  // namespace boot
