// Which program runs as init, the way Linux reads its command line:
// `init=PATH` names it (default /sbin/init), and the words after it that
// are not key=value options become its arguments, so
// "init=/bin/busybox echo hi quiet" runs busybox with argv {busybox path, echo, hi, quiet}.
// Double quotes group words, as on Linux: init=/bin/sh -c "echo hi".
#pragma once
#include <stddef.h>

namespace boot {

struct InitArguments {
    static constexpr size_t max_arguments = 32;
    static constexpr size_t max_text = 1024;

    char text[max_text];  // the words, NUL-separated
    const char* argv[max_arguments];
    size_t argc = 0;
    bool from_command_line = false;  // init= was given
    bool valid = true;               // false when something did not fit
};

void parse_init_arguments(const char* command_line, InitArguments& out);

}  // namespace boot
