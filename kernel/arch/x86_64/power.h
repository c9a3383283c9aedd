// Leaving the machine: QEMU's isa-debug-exit device for tests and `./tessera qemu`.
#pragma once
#include <stdint.h>

namespace arch {

// Exits QEMU so that the host sees the status. With isa-debug-exit QEMU's
// own exit code is (status << 1) | 1; the harness undoes that. Without the
// device the CPU halts.
[[noreturn]] void exit_qemu(uint8_t status);

// QEMU's exit code is 8 bits and isa-debug-exit spends one of them, so a
// guest can report 0..127. Larger statuses saturate at 127 (the log line
// before the exit always shows the real value).
constexpr uint8_t saturated_exit_status(unsigned long status) {
    return status > 127 ? 127 : static_cast<uint8_t>(status);
}

}  // namespace arch
