#include "boot/init_arguments.h"

namespace boot {
namespace {

bool has_equals(const char* word, size_t length) {
    for (size_t i = 0; i < length; ++i) {
        if (word[i] == '=') return true;
    }
    return false;
}

bool starts_with_init(const char* word, size_t length) {
    return length >= 5 && word[0] == 'i' && word[1] == 'n' && word[2] == 'i' && word[3] == 't' && word[4] == '=';
}

}  // namespace

void parse_init_arguments(const char* command_line, InitArguments& out) {
    out.argc = 0;
    out.valid = true;
    out.from_command_line = false;
    size_t used = 0;
    auto add = [&](const char* word, size_t length) {
        if (out.argc == InitArguments::max_arguments - 1 || used + length + 1 > InitArguments::max_text) {
            out.valid = false;
            return;
        }
        for (size_t i = 0; i < length; ++i) out.text[used + i] = word[i];
        out.text[used + length] = '\0';
        out.argv[out.argc++] = out.text + used;
        used += length + 1;
    };
    add("/sbin/init", 10);
    bool collecting = false;
    const char* p = command_line == nullptr ? "" : command_line;
    char word_buffer[InitArguments::max_text];
    while (*p != '\0') {
        while (*p == ' ') ++p;
        // As Linux does: double quotes group words with spaces and are removed.
        size_t length = 0;
        bool quoted = false;
        while (*p != '\0' && (quoted || *p != ' ')) {
            if (*p == '"')
                quoted = !quoted;
            else if (length < sizeof word_buffer)
                word_buffer[length++] = *p;
            ++p;
        }
        if (length == 0) continue;
        const char* word = word_buffer;
        if (starts_with_init(word, length)) {
            // A later init= replaces an earlier one, arguments included.
            out.argc = 0;
            used = 0;
            add(word + 5, length - 5);
            out.from_command_line = true;
            collecting = true;
        } else if (collecting && !has_equals(word, length)) {
            add(word, length);
        }
    }
    out.argv[out.argc] = nullptr;
}

}  // namespace boot
