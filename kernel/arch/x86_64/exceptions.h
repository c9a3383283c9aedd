// CPU exceptions: page faults go to the memory manager first; what nobody
// resolves becomes a signal for a user thread (SIGSEGV etc.; until signals
// exist, the process is killed with that signal's status) or a panic report
// for the kernel.
#pragma once
#include "arch/x86_64/trap_frame.h"

namespace arch {

void handle_exception(TrapFrame& frame);
void report_unexpected_interrupt(TrapFrame& frame);

// Prints vector, error code, registers, CR2 and a symbolized backtrace.
void print_trap_report(const TrapFrame& frame);

}  // namespace arch
