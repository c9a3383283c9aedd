#include "console/panic.h"

#include <stdarg.h>

#include "arch/x86_64/io.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/serial.h"
#include "console/framebuffer_console.h"
#include "console/log.h"
#include "console/symbols.h"
#include "lib/format.h"

namespace console {

namespace {
bool halt_on_panic = false;
}  // namespace

void set_halt_on_panic(bool halt) {
    halt_on_panic = halt;
}

void halt_after_panic() {
    log("kernel halted after panic\n");
    if (halt_on_panic) arch::halt_forever();
    arch::exit_qemu(panic_exit_status);
}

void panic(const char* pattern, ...) {
    asm volatile("cli");
    char line[512];
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = lib::format_to(line, sizeof line, pattern, arguments);
    va_end(arguments);
    if (length >= sizeof line) length = sizeof line - 1;
    begin_panic_screen();
    log("\npanic: ");
    arch::serial::write(line, length);
    write_to_framebuffer(line, length);
    log("\n");
    print_backtrace(reinterpret_cast<uint64_t>(__builtin_frame_address(0)));
    halt_after_panic();
}

}  // namespace console
