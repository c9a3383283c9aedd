// The handler frame: Linux's x86_64 rt_sigframe, built on the user stack
// (or the alternate stack), and rt_sigreturn, which takes it back.
#pragma once
#include <stdint.h>

#include "arch/x86_64/trap_frame.h"
#include "lib/error.h"
#include "sched/signal.h"

namespace sched {

struct Thread;

// Builds the frame for a handler and points the user registers at it:
// rip = handler, rdi = signal, rsi = &siginfo, rdx = &ucontext, rsp = the
// frame (its first word the restorer, the handler's return address). The
// FPU is reset for the handler; previous_blocked goes into uc_sigmask.
// False when it cannot (no SA_RESTORER, the stack is unusable): the caller
// sends SIGSEGV, as Linux does.
bool build_signal_frame(Thread& thread, arch::TrapFrame& frame, const SignalInfo& info, const SignalAction& action,
                        SignalSet previous_blocked);

// rt_sigreturn: restores registers, FPU state, mask and alternate stack
// from the frame at the user rsp - 8. Anything unacceptable (a kernel rip,
// an unreadable frame) gives the thread SIGSEGV instead. Returns the rax
// to resume with.
uint64_t return_from_signal(Thread& thread, arch::TrapFrame& frame);

// sigaltstack's checks and update; fresh or old may be null. user_rsp
// tells whether the thread is running on the current alternate stack.
struct StackSetting {
    uint64_t base = 0;
    int32_t flags = 0;
    uint64_t size = 0;
};
lib::Status change_alternate_stack(Thread& thread, const StackSetting* fresh, StackSetting* old, uint64_t user_rsp);

}  // namespace sched
