// kernel_main: the first C++ code, entered from arch/x86_64/boot.S in long
// mode on the boot stack with the loader's magic and boot information.
// It brings the layers up in order (CPU tables, memory, time, the
// ramdisk), starts init and becomes the idle thread.
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/layout.h"
#include "arch/x86_64/power.h"
#include "arch/x86_64/serial.h"
#include "arch/x86_64/syscall_setup.h"
#include "arch/x86_64/timer.h"
#include "boot/build_id.h"
#include "boot/command_line.h"
#include "boot/multiboot.h"
#include "console/framebuffer_console.h"
#include "device/capabilities.h"
#include "device/pci.h"
#include "mm/paging.h"
#include "console/log.h"
#include "console/panic.h"
#include "init.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/physical.h"
#include "sched/clock.h"
#include "sched/thread.h"
#include "selftest.h"

using Constructor = void (*)();

// Timer interrupts since boot (selftest=timer checks the rate).
volatile uint64_t timer_ticks = 0;
extern "C" Constructor __init_array_start[];
extern "C" Constructor __init_array_end[];

namespace {

// Until the physmap exists, the boot page tables map the first GiB at the kernel base.
constexpr uint64_t boot_window = 1ull << 30;
const void* boot_window_pointer(uint64_t physical) {
    return reinterpret_cast<const void*>(physical + KERNEL_VIRTUAL_BASE);
}

void run_global_constructors() {
    for (Constructor* c = __init_array_start; c != __init_array_end; ++c) (*c)();
}

void log_stage(const char* stage) {
    uint64_t us = sched::microseconds_since_kernel_entry();
    console::log("boot: %lu.%03lu ms %s\n", us / 1000, us % 1000, stage);
}

void timer_interrupt(arch::TrapFrame& frame) {
    timer_ticks = timer_ticks + 1;
    arch::rearm_timer();
    arch::acknowledge_interrupt();
    sched::on_timer_tick(frame);
}

// The first kernel's behaviour, kept for boots without a ramdisk: exit
// with exit=N (default 0), or stay up halted with `hold`.
[[noreturn]] void finish_without_ramdisk(const boot::CommandLine& command_line) {
    unsigned long status = 0;
    boot::StringView exit_text;
    if (command_line.find("exit", exit_text) && !command_line.find_number("exit", status)) {
        console::log("boot: ignoring exit=: not a number from 0 to 255\n");
        status = 0;
    }
    console::log("halting with status %lu\n", status);
    arch::exit_qemu(arch::saturated_exit_status(status));
}

}  // namespace

extern "C" [[noreturn]] void kernel_main(uint32_t loader_magic, uint64_t boot_info_physical) {
    uint64_t entry_tsc = arch::read_tsc();
    arch::serial::init();
    lib::set_lock_order_hook([](lib::LockRank taken, uint32_t held) {
        console::panic("lock order: rank %u taken while holding ranks 0x%x", static_cast<unsigned>(taken), held);
    });
    run_global_constructors();

    char build_id[80];
    boot::build_id_hex(build_id, sizeof build_id);
    console::log("Tessera kernel, build %s\n", build_id);

    arch::init_gdt();
    arch::init_idt();
    arch::enable_sse();
    arch::init_syscalls();

    static boot::BootInfo info;
    info = boot::parse_boot_info(loader_magic, boot_info_physical, boot_window_pointer, boot_window);
    if (!info.valid) {
        console::panic("boot information from the loader is malformed: %s (magic 0x%x)", info.error, loader_magic);
    }
    // The loader's structures sit in memory the frame allocator will hand
    // out (QEMU puts them right after the image): keep our own copy.
    static char command_line_copy[4096];
    lib::copy_bytes(command_line_copy, info.command_line,
                    lib::min(lib::string_length(info.command_line) + 1, sizeof command_line_copy - 1));
    info.command_line = command_line_copy;
    for (size_t i = 0; i < info.module_count; ++i) info.modules[i].name = "";
    console::log("boot: %s, command line \"%s\"\n", info.loader, info.command_line);
    boot::CommandLine command_line(info.command_line);
    boot::StringView panic_action;
    if (command_line.find("panic", panic_action)) console::set_halt_on_panic(panic_action.equals("halt"));
    if (info.has_framebuffer) {
        console::log("boot: framebuffer %ux%u, %u bpp, pitch %u at 0x%lx\n", info.framebuffer.width,
                     info.framebuffer.height, info.framebuffer.bits_per_pixel, info.framebuffer.pitch,
                     info.framebuffer.address);
    }
    for (size_t i = 0; i < info.module_count; ++i) {
        console::log("boot: module %lu at 0x%lx-0x%lx\n", i, info.modules[i].start, info.modules[i].end);
    }

    mm::init_physical_memory(info);
    // Page tables for the framebuffer's window come from the frame allocator.
    if (info.has_framebuffer) console::init_framebuffer_console(info.framebuffer);
    sched::init_scheduler();
    arch::set_irq_handler(arch::timer_vector, timer_interrupt);
    auto calibration = arch::init_timer(1000);
    sched::init_clocks(calibration.tsc_hz, entry_tsc, static_cast<uint64_t>(arch::read_rtc_seconds()) * 1000000000ull);
    console::log("time: TSC %lu kHz, APIC timer %u ticks/ms, %s mode\n", calibration.tsc_hz / 1000,
                 calibration.apic_ticks_per_ms, calibration.tsc_deadline ? "TSC-deadline" : "periodic");
    log_stage("CPU, memory and timer ready");
    mm::init_page_attributes();
    device::init_device_interrupts();
    device::init_pci();
    log_stage("PCI enumerated");

    if (command_line.has_flag("hold")) {
        console::log("holding\n");
        arch::halt_forever();
    }
    run_requested_self_tests(command_line);
    if (info.module_count == 0) finish_without_ramdisk(command_line);

    start_init(info, command_line);
    log_stage("init started");
    mm::remove_boot_identity_map();
    arch::enable_interrupts();
    sched::run();
}
