// Linux's x86_64 signal frame, byte for byte (arch/x86/include/uapi/asm/
// sigcontext.h, ucontext.h; arch/x86/kernel/signal_64.c): glibc's
// siglongjmp, getcontext users and debuggers read it directly.
#include "sched/signal_frame.h"

#include "arch/x86_64/gdt.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/user_copy.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace sched {
namespace {

struct SignalContext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;  // user address of the fxsave image, or 0
    uint64_t reserved[8];
};
static_assert(sizeof(SignalContext) == 256);

struct UserStack {
    uint64_t sp;
    int32_t flags;
    int32_t padding;
    uint64_t size;
};
static_assert(sizeof(UserStack) == 24);

struct UserContext {
    uint64_t flags;
    uint64_t link;
    UserStack stack;
    SignalContext mcontext;
    uint64_t sigmask;
};
static_assert(sizeof(UserContext) == 304);

struct LinuxSignalInfo {
    int32_t signo, error, code, padding;
    uint8_t fields[112];
};
static_assert(sizeof(LinuxSignalInfo) == 128);

struct SignalFrame {
    uint64_t return_address;  // sa_restorer: the handler's ret lands on rt_sigreturn
    UserContext context;
    LinuxSignalInfo info;
};
static_assert(sizeof(SignalFrame) == 440);

constexpr uint64_t fxsave_size = 512;
constexpr uint64_t red_zone = 128;
constexpr int32_t ss_onstack = 1, ss_disable = 2;
constexpr uint64_t ss_autodisarm = 1u << 31;
constexpr uint64_t minimum_stack_size = 2048;  // MINSIGSTKSZ
// uc_flags without XSAVE: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS.
constexpr uint64_t uc_flags = 0x2 | 0x4;
// The flags rt_sigreturn takes from the frame (Linux's FIX_EFLAGS): the
// arithmetic flags, direction, trap, alignment check and resume. Never
// IOPL, NT or VM; IF always comes back on.
constexpr uint64_t restorable_flags = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;
constexpr uint64_t flag_interrupts = 0x200, flag_reserved = 0x2;
constexpr uint64_t flag_trap = 0x100, flag_direction = 0x400, flag_resume = 0x10000;

template <typename T>
void put(uint8_t* fields, size_t offset, T value) {
    lib::copy_bytes(fields + offset - 16, &value, sizeof value);
}

LinuxSignalInfo layout_info(const SignalInfo& info) {
    LinuxSignalInfo out{};
    out.signo = info.signo;
    out.error = info.error;
    out.code = info.code;
    switch (info.signo) {
        case sigsegv:
        case sigbus:
        case sigill:
        case sigfpe:
        case sigtrap:
            if (info.forced || info.code > 0) {
                put(out.fields, 16, info.address);  // si_addr
                return out;
            }
            break;
        case sigchld:
            if (info.code > 0) {
                put(out.fields, 16, static_cast<int32_t>(info.pid));
                put(out.fields, 20, info.uid);
                put(out.fields, 24, static_cast<int32_t>(info.status));
                return out;
            }
            break;
        default:
            break;
    }
    // kill, tkill, sigqueue: the sender, and sigqueue's value.
    put(out.fields, 16, static_cast<int32_t>(info.pid));
    put(out.fields, 20, info.uid);
    put(out.fields, 24, info.value);
    return out;
}

bool on_alternate_stack(const AlternateStack& stack, uint64_t sp) {
    return stack.enabled && sp > stack.base && sp - stack.base <= stack.size;
}

int32_t stack_flags(const AlternateStack& stack, uint64_t sp) {
    if (!stack.enabled) return ss_disable;
    return on_alternate_stack(stack, sp) ? ss_onstack : 0;
}

uint32_t mxcsr_mask() {
    static uint32_t mask = 0;
    if (mask == 0) {
        alignas(16) uint8_t image[fxsave_size] = {};
        asm volatile("fxsave %0" : "=m"(image));
        lib::copy_bytes(&mask, image + 28, sizeof mask);
        if (mask == 0) mask = 0xFFBF;  // the architectural default
    }
    return mask;
}

// A handler (and a frame without FPU state) starts from the initial FPU
// state, as on Linux: x87 control word 0x37F, MXCSR 0x1F80, every x87 and
// vector register zero.
void reset_fpu() {
    alignas(16) static uint8_t initial[fxsave_size];
    if (initial[0] == 0) {
        initial[0] = 0x7F;
        initial[1] = 0x03;
        uint32_t mxcsr = 0x1F80;
        lib::copy_bytes(initial + 24, &mxcsr, sizeof mxcsr);
    }
    asm volatile("fxrstor %0" : : "m"(initial));
}

}  // namespace

bool build_signal_frame(Thread& thread, arch::TrapFrame& frame, const SignalInfo& info, const SignalAction& action,
                        SignalSet previous_blocked) {
    // Linux x86_64 has no default trampoline: without a restorer the
    // handler would return into nowhere.
    if (!(action.flags & sa_restorer)) return false;
    AlternateStack& alternate = thread.signals.alternate_stack;
    uint64_t sp = frame.rsp - red_zone;
    bool nested_on_alternate = on_alternate_stack(alternate, frame.rsp);
    bool entering_alternate = false;
    if ((action.flags & sa_onstack) && alternate.enabled && !nested_on_alternate) {
        sp = alternate.base + alternate.size;
        entering_alternate = true;
    }
    uint64_t fpstate = (sp - fxsave_size) & ~uint64_t(63);
    sp = fpstate - sizeof(SignalFrame);
    sp = ((sp + 8) & ~uint64_t(15)) - 8;  // as at a function's entry: rsp + 8 is 16-aligned
    if ((nested_on_alternate || entering_alternate) && !on_alternate_stack(alternate, sp)) return false;
    if (sp >= mm::user_top || sp < fxsave_size) return false;

    alignas(16) uint8_t image[fxsave_size] = {};
    asm volatile("fxsave %0" : "=m"(image));
    // Bytes 464..511 (software-reserved) stay zero: no FP_XSTATE_MAGIC1,
    // as Linux writes them on a CPU without XSAVE.
    lib::fill_bytes(image + 464, 0, fxsave_size - 464);

    SignalFrame out{};
    out.return_address = action.restorer;
    out.context.flags = uc_flags;
    out.context.link = 0;
    out.context.stack.sp = alternate.base;
    out.context.stack.flags = stack_flags(alternate, frame.rsp) | (alternate.auto_disarm ? int32_t(ss_autodisarm) : 0);
    out.context.stack.size = alternate.size;
    SignalContext& c = out.context.mcontext;
    c.r8 = frame.r8, c.r9 = frame.r9, c.r10 = frame.r10, c.r11 = frame.r11;
    c.r12 = frame.r12, c.r13 = frame.r13, c.r14 = frame.r14, c.r15 = frame.r15;
    c.rdi = frame.rdi, c.rsi = frame.rsi, c.rbp = frame.rbp, c.rbx = frame.rbx;
    c.rdx = frame.rdx, c.rax = frame.rax, c.rcx = frame.rcx, c.rsp = frame.rsp;
    c.rip = frame.rip, c.eflags = frame.rflags;
    c.cs = static_cast<uint16_t>(frame.cs);
    c.ss = static_cast<uint16_t>(frame.ss);
    if (info.forced) {
        c.err = thread.signals.fault_error;
        c.trapno = thread.signals.fault_trap;
        c.cr2 = thread.signals.fault_address;
    }
    c.oldmask = previous_blocked;
    c.fpstate = fpstate;
    out.context.sigmask = previous_blocked;
    out.info = layout_info(info);

    if (mm::copy_to_user(fpstate, image, sizeof image).is_error()) return false;
    if (mm::copy_value_to_user(sp, out).is_error()) return false;

    if (entering_alternate && alternate.auto_disarm) alternate = AlternateStack{};
    reset_fpu();
    frame.rdi = static_cast<uint64_t>(info.signo);
    frame.rax = 0;
    frame.rsi = sp + __builtin_offsetof(SignalFrame, info);
    frame.rdx = sp + __builtin_offsetof(SignalFrame, context);
    frame.rip = action.handler;
    frame.rsp = sp;
    frame.cs = arch::user_code_selector;
    frame.ss = arch::user_data_selector;
    frame.rflags &= ~(flag_direction | flag_resume | flag_trap);
    return true;
}

uint64_t return_from_signal(Thread& thread, arch::TrapFrame& frame) {
    uint64_t address = frame.rsp - 8;  // the handler's ret popped return_address
    SignalFrame in;
    auto bad_frame = [&]() {
        send_fault_signal(sigsegv, si_kernel, 0);
        return frame.rax;
    };
    if (frame.rsp < 8 || mm::copy_value_from_user(in, address).is_error()) return bad_frame();
    const SignalContext& c = in.context.mcontext;
    // What iretq/sysretq would fault on in ring 0 is refused here.
    if (c.rip >= mm::user_top || c.rsp >= mm::user_top) return bad_frame();

    alignas(16) uint8_t image[fxsave_size];
    if (c.fpstate != 0) {
        if (mm::copy_from_user(image, c.fpstate, sizeof image).is_error()) return bad_frame();
        // Reserved MXCSR bits make fxrstor fault; Linux masks them the same way.
        uint32_t mxcsr;
        lib::copy_bytes(&mxcsr, image + 24, sizeof mxcsr);
        mxcsr &= mxcsr_mask();
        lib::copy_bytes(image + 24, &mxcsr, sizeof mxcsr);
        asm volatile("fxrstor %0" : : "m"(image));
    } else {
        reset_fpu();
    }

    frame.r8 = c.r8, frame.r9 = c.r9, frame.r10 = c.r10, frame.r11 = c.r11;
    frame.r12 = c.r12, frame.r13 = c.r13, frame.r14 = c.r14, frame.r15 = c.r15;
    frame.rdi = c.rdi, frame.rsi = c.rsi, frame.rbp = c.rbp, frame.rbx = c.rbx;
    frame.rdx = c.rdx, frame.rcx = c.rcx, frame.rsp = c.rsp, frame.rip = c.rip;
    frame.rflags = (frame.rflags & ~restorable_flags) | (c.eflags & restorable_flags) | flag_interrupts | flag_reserved;
    frame.cs = arch::user_code_selector;
    frame.ss = arch::user_data_selector;
    set_current_blocked(in.context.sigmask);

    // The stack setting comes back too (SS_AUTODISARM disarmed it); a bad
    // one is ignored, as Linux squashes every error but EFAULT here.
    StackSetting stack{in.context.stack.sp, in.context.stack.flags & ~ss_onstack, in.context.stack.size};
    (void)change_alternate_stack(thread, &stack, nullptr, 0);
    thread.signals.restart = Restart::none;
    return c.rax;
}

lib::Status change_alternate_stack(Thread& thread, const StackSetting* fresh, StackSetting* old, uint64_t user_rsp) {
    AlternateStack& current = thread.signals.alternate_stack;
    if (old != nullptr) {
        old->base = current.base;
        old->size = current.size;
        old->flags = stack_flags(current, user_rsp) | (current.auto_disarm ? int32_t(ss_autodisarm) : 0);
    }
    if (fresh == nullptr) return lib::ok();
    if (user_rsp != 0 && on_alternate_stack(current, user_rsp)) return lib::Error::not_permitted;
    uint32_t mode = static_cast<uint32_t>(fresh->flags) & ~static_cast<uint32_t>(ss_autodisarm);
    if (mode != 0 && mode != ss_onstack && mode != ss_disable) return lib::Error::invalid_argument;
    if (mode == ss_disable) {
        current = AlternateStack{};
        return lib::ok();
    }
    if (fresh->size < minimum_stack_size) return lib::Error::no_memory;
    current.base = fresh->base;
    current.size = fresh->size;
    current.enabled = true;
    current.auto_disarm = (static_cast<uint32_t>(fresh->flags) & ss_autodisarm) != 0;
    return lib::ok();
}

}  // namespace sched
