#include "arch/x86_64/power.h"

#include "arch/x86_64/io.h"

namespace arch {

constexpr uint16_t debug_exit_port = 0xF4;

void exit_qemu(uint8_t status) {
    outl(debug_exit_port, status);
    halt_forever();
}

}  // namespace arch
