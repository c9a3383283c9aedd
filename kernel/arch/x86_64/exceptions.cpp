#include "arch/x86_64/exceptions.h"

#include "arch/x86_64/cpu.h"
#include "console/framebuffer_console.h"
#include "console/log.h"
#include "console/panic.h"
#include "console/symbols.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "mm/page_fault.h"
#include "sched/process.h"
#include "sched/signal.h"
#include "sched/thread.h"

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

// Linux's signal and si_code for a user-mode exception (arch/x86/kernel/traps.c).
struct FaultSignal {
    int signal;
    int code;
    uint64_t address;
};

int simd_code() {
    uint32_t mxcsr;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    uint32_t raised = mxcsr & ~(mxcsr >> 7) & 0x3F;  // flags whose exception is unmasked
    if (raised & 0x01) return sched::fpe_fltinv;
    if (raised & 0x04) return sched::fpe_fltdiv;
    if (raised & 0x08) return sched::fpe_fltovf;
    if (raised & 0x12) return sched::fpe_fltund;
    if (raised & 0x20) return sched::fpe_fltres;
    return 0;
}

FaultSignal signal_for(const TrapFrame& frame, uint64_t fault_address) {
    switch (frame.vector) {
        case 0:
            return {sched::sigfpe, sched::fpe_intdiv, frame.rip};
        case 16:
            return {sched::sigfpe, 0, frame.rip};
        case 19:
            return {sched::sigfpe, simd_code(), frame.rip};
        case 1:
            return {sched::sigtrap, sched::trap_brkpt, frame.rip};
        case 3:
            return {sched::sigtrap, sched::si_kernel, 0};
        case 6:
            return {sched::sigill, sched::ill_illopn, frame.rip};
        case 11:
        case 12:
            return {sched::sigbus, sched::si_kernel, 0};
        case 17:
            return {sched::sigbus, sched::bus_adraln, fault_address};
        case 14: {
            // Protection violation, or a mapped page the access is not
            // allowed on: ACCERR; nothing mapped there: MAPERR.
            mm::AddressSpace* space = sched::current_address_space();
            bool mapped = (frame.error_code & 1) ||
                          (space != nullptr && fault_address < mm::user_top && space->find_region(fault_address));
            return {sched::sigsegv, mapped ? sched::segv_accerr : sched::segv_maperr, fault_address};
        }
        default:
            return {sched::sigsegv, sched::si_kernel, 0};
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
    bool bus_error = false;
    if (frame.vector == 14) {
        uint64_t address = read_cr2();
        mm::FaultResult result = mm::handle_page_fault(frame, address);
        if (result == mm::FaultResult::resolved) return;
        bus_error = result == mm::FaultResult::past_end;
        // A bad user pointer met inside a user copy: fail the copy, not the kernel.
        if (!frame.from_user() && in_user_copy(frame.rip)) {
            frame.rip = reinterpret_cast<uint64_t>(user_copy_fault);
            return;
        }
    }
    if (frame.from_user()) {
        uint64_t address = frame.vector == 14 ? read_cr2() : 0;
        FaultSignal fault = signal_for(frame, address);
        // Past the end of a mapped file: SIGBUS (BUS_ADRERR), not SIGSEGV.
        if (bus_error) fault = {sched::sigbus, sched::bus_adrerr, address};
        sched::Thread& thread = *sched::current_thread();
        thread.signals.fault_trap = frame.vector;
        thread.signals.fault_error = frame.error_code;
        thread.signals.fault_address = address;
        // The report is for faults nobody handles (the process will die of it).
        if (sched::action_of(*thread.process, fault.signal).handler <= sched::sig_ign) {
            console::log("user fault: ");
            print_trap_report(frame);
        }
        sched::send_fault_signal(fault.signal, fault.code, fault.address);
        return;  // trap_dispatch delivers it on the way out
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
