#include "arch/x86_64/exceptions.h"

#include "arch/x86_64/cpu.h"
#include "console/framebuffer_console.h"
#include "console/log.h"
#include "console/panic.h"
#include "console/symbols.h"
#include "mm/page_fault.h"
#include "sched/process_exit.h"

extern "C" char user_copy_begin[], user_copy_end[], user_copy_fault[];

namespace arch {
namespace {

const char* const names[32] = {"divide error",
                               "debug",
                               "non-maskable interrupt",
                               "breakpoint",
                               "overflow",
                               "bound range exceeded",
                               "invalid opcode",
                               "device not available",
                               "double fault",
                               "coprocessor segment overrun",
                               "invalid TSS",
                               "segment not present",
                               "stack-segment fault",
                               "general protection fault",
                               "page fault",
                               "reserved",
                               "x87 floating-point error",
                               "alignment check",
                               "machine check",
                               "SIMD floating-point error",
                               "virtualization exception",
                               "control protection exception",
                               "reserved",
                               "reserved",
                               "reserved",
                               "reserved",
                               "reserved",
                               "reserved",
                               "hypervisor injection",
                               "VMM communication",
                               "security exception",
                               "reserved"};

constexpr int sigill = 4, sigtrap = 5, sigbus = 7, sigfpe = 8, sigsegv = 11;

int signal_for(uint64_t vector) {
    switch (vector) {
        case 0:
        case 16:
        case 19:
            return sigfpe;
        case 1:
        case 3:
            return sigtrap;
        case 6:
            return sigill;
        case 17:
            return sigbus;
        default:
            return sigsegv;
    }
}

bool in_user_copy(uint64_t rip) {
    return rip >= reinterpret_cast<uint64_t>(user_copy_begin) && rip < reinterpret_cast<uint64_t>(user_copy_end);
}

}  // namespace

void print_trap_report(const TrapFrame& f) {
    const char* name = f.vector < 32 ? names[f.vector] : "interrupt";
    console::log("%s (vector %lu) error code 0x%lx in %s mode\n", name, f.vector, f.error_code,
                 f.from_user() ? "user" : "kernel");
    if (f.vector == 14) {
        console::log("  faulting address (cr2) 0x%016lx: %s %s%s\n", read_cr2(),
                     (f.error_code & 1) ? "protection violation" : "page not present",
                     (f.error_code & 2) ? "on write" : "on read", (f.error_code & 16) ? " (instruction fetch)" : "");
    }
    char symbol[160];
    console::symbolize(f.rip, symbol, sizeof symbol);
    console::log("  rip %016lx %s\n", f.rip, symbol);
    console::log("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f.rax, f.rbx, f.rcx, f.rdx);
    console::log("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f.rsi, f.rdi, f.rbp, f.rsp);
    console::log("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f.r8, f.r9, f.r10, f.r11);
    console::log("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f.r12, f.r13, f.r14, f.r15);
    console::log("  cs %lx ss %lx rflags %016lx cr2 %016lx cr3 %016lx\n", f.cs, f.ss, f.rflags, read_cr2(), read_cr3());
    if (!f.from_user()) console::print_backtrace(f.rbp);
}

void handle_exception(TrapFrame& frame) {
    if (frame.vector == 14) {
        uint64_t address = read_cr2();
        if (mm::handle_page_fault(frame, address)) return;
        // A bad user pointer met inside a user copy: fail the copy, not the kernel.
        if (!frame.from_user() && in_user_copy(frame.rip)) {
            frame.rip = reinterpret_cast<uint64_t>(user_copy_fault);
            return;
        }
    }
    if (frame.from_user()) {
        int signal = signal_for(frame.vector);
        console::log("user fault: ");
        print_trap_report(frame);
        sched::kill_current_process_by_signal(signal);
        return;
    }
    console::begin_panic_screen();
    console::log("\npanic: ");
    print_trap_report(frame);
    console::halt_after_panic();
}

void report_unexpected_interrupt(TrapFrame& frame) {
    console::log("unexpected interrupt on vector %lu (ignored)\n", frame.vector);
}

}  // namespace arch
