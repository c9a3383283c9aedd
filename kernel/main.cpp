// kernel_main: the first C++ code, entered from arch/x86_64/boot.S in long
// mode on the boot stack with the loader's magic and boot information.
#include <stdint.h>

#include "arch/x86_64/io.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/serial.h"
#include "boot/build_id.h"
#include "boot/command_line.h"
#include "boot/multiboot.h"
#include "console/log.h"

using Constructor = void (*)();
extern "C" Constructor __init_array_start[];
extern "C" Constructor __init_array_end[];

namespace {

// The boot page tables map the first gigabyte at the kernel base.
const void* physical_to_pointer(uint64_t physical) {
    return reinterpret_cast<const void*>(physical + KERNEL_VIRTUAL_BASE);
}

void run_global_constructors() {
    for (Constructor* c = __init_array_start; c != __init_array_end; ++c) (*c)();
}

}  // namespace

extern "C" [[noreturn]] void kernel_main(uint32_t loader_magic, uint64_t boot_info_physical) {
    arch::serial::init();
    run_global_constructors();

    char build_id[80];
    boot::build_id_hex(build_id, sizeof build_id);
    console::log("Tessera kernel, build %s\n", build_id);

    boot::BootInfo info = boot::parse_boot_info(loader_magic, boot_info_physical, physical_to_pointer);
    if (!info.valid) {
        console::log("panic: boot information from the loader is missing or malformed (magic 0x%x)\n", loader_magic);
        arch::exit_qemu(255);
    }
    console::log("boot: %s, command line \"%s\"\n", info.loader, info.command_line);

    // The first kernel only proves the pipeline: it exits with the status
    // asked for on the command line (exit=N, default 0), or with `hold`
    // stays up, halted, for tests of the harness against a running machine.
    unsigned long status = 0;
    boot::CommandLine command_line(info.command_line);
    if (command_line.has_flag("hold")) {
        console::log("holding\n");
        arch::halt_forever();
    }
    boot::StringView exit_text;
    if (command_line.find("exit", exit_text) && !command_line.find_number("exit", status)) {
        console::log("boot: ignoring exit=: not a number from 0 to 255\n");
        status = 0;
    }
    console::log("halting with status %lu\n", status);
    arch::exit_qemu(arch::saturated_exit_status(status));
}
