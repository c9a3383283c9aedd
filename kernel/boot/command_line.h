// The kernel command line: space-separated words, `key=value` options and
// bare flags, as Linux writes them (e.g. "exit=3 init=/bin/busybox echo hi").
#pragma once
#include <stddef.h>

namespace boot {

struct StringView {
    const char* data = nullptr;
    size_t length = 0;

    bool equals(const char* text) const;
    bool empty() const { return length == 0; }
};

class CommandLine {
public:
    // Keeps a pointer to text; it must outlive the CommandLine.
    explicit CommandLine(const char* text) : text_(text == nullptr ? "" : text) {}

    // The value of the first `key=value` word, or an empty view with found=false.
    [[nodiscard]] bool find(const char* key, StringView& value) const;

    // Whether a bare word (no '=') equal to flag is present.
    [[nodiscard]] bool has_flag(const char* flag) const;

    // Parses the value of `key` as an unsigned decimal number.
    [[nodiscard]] bool find_number(const char* key, unsigned long& value) const;

    const char* text() const { return text_; }

private:
    const char* text_;
};

}  // namespace boot
