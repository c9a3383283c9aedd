#include "console/log.h"

#include "arch/x86_64/serial.h"
#include "console/framebuffer_console.h"
#include "lib/format.h"

namespace console {

void log(const char* pattern, ...) {
    // Long lines are cut rather than allocated for: the log must work
    // before the heap and from fault handlers.
    char line[512];
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = lib::format_to(line, sizeof line, pattern, arguments);
    va_end(arguments);
    if (length >= sizeof line) length = sizeof line - 1;
    arch::serial::write(line, length);
    write_to_framebuffer(line, length);
}

}  // namespace console
