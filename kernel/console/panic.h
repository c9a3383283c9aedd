// The end of the line: a panic prints why and where (with a symbolized
// backtrace) and leaves QEMU with panic_exit_status, so tests see it.
#pragma once
#include <stdint.h>

namespace console {

constexpr uint8_t panic_exit_status = 127;

[[noreturn]] void panic(const char* pattern, ...) __attribute__((format(printf, 1, 2)));
// After a report has been printed.
[[noreturn]] void halt_after_panic();

// `panic=halt` on the command line: stay halted on the report instead of
// leaving QEMU, so the screen can still be looked at (a test takes a
// screenshot of it).
void set_halt_on_panic(bool halt);

// Kernel invariants that must hold even in release builds.
#define KERNEL_ASSERT(condition)                                                                            \
    do {                                                                                                    \
        if (!(condition)) ::console::panic("assertion failed: %s (%s:%d)", #condition, __FILE__, __LINE__); \
    } while (0)

}  // namespace console
