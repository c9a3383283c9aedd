// Signals: dispositions, masks, sending, the handler frame (siginfo,
// ucontext, FPU state, the alternate stack), default actions, stop and
// continue as wait sees them, SIGCHLD, SIGPIPE, faults as signals, EINTR
// and SA_RESTART.
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstdint>

#include "children.h"
#include "posix_test.h"

using posix::check_killed_by;
using posix::spawn;
using posix::wait_status;

namespace {

volatile sig_atomic_t handled = 0;
volatile sig_atomic_t handled_signal = 0;
siginfo_t last_info;
sigset_t mask_in_handler;
void* handler_stack_address = nullptr;
int handler_stack_flags = 0;

void count_handler(int signal) {
    handled = handled + 1;
    handled_signal = signal;
}

void info_handler(int signal, siginfo_t* info, void*) {
    handled = handled + 1;
    handled_signal = signal;
    last_info = *info;
    sigprocmask(SIG_BLOCK, nullptr, &mask_in_handler);
}

void install(int signal, void (*handler)(int), int flags = 0) {
    struct sigaction action = {};
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    CHECK_OK(sigaction(signal, &action, nullptr));
}

void install_info(int signal, void (*handler)(int, siginfo_t*, void*), int flags = 0) {
    struct sigaction action = {};
    action.sa_sigaction = handler;
    action.sa_flags = flags | SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    CHECK_OK(sigaction(signal, &action, nullptr));
}

void block(int signal) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
}

// ITIMER_REAL after ms milliseconds (SIGALRM once).
void alarm_after_ms(long ms) {
    itimerval timer = {};
    timer.it_value.tv_sec = ms / 1000;
    timer.it_value.tv_usec = (ms % 1000) * 1000;
    CHECK_OK(setitimer(ITIMER_REAL, &timer, nullptr));
}

void no_core_files() {
    rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
}

}  // namespace

// --- dispositions and masks ------------------------------------------------

POSIX_TEST(signal, sigaction_rejects_bad_signal_numbers) {
    struct sigaction action = {};
    action.sa_handler = SIG_IGN;
    CHECK_ERRNO(sigaction(0, &action, nullptr), EINVAL);
    CHECK_ERRNO(sigaction(65, &action, nullptr), EINVAL);
    CHECK_ERRNO(sigaction(SIGKILL, &action, nullptr), EINVAL);
    CHECK_ERRNO(sigaction(SIGSTOP, &action, nullptr), EINVAL);
    // Reading SIGKILL's action is allowed.
    CHECK_OK(sigaction(SIGKILL, nullptr, &action));
    CHECK(action.sa_handler == SIG_DFL);
}

POSIX_TEST(signal, sigaction_reports_the_previous_action) {
    install(SIGUSR1, count_handler, SA_RESTART);
    struct sigaction old = {};
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    CHECK_OK(sigaction(SIGUSR1, &ignore, &old));
    CHECK(old.sa_handler == count_handler);
    CHECK(old.sa_flags & SA_RESTART);
    CHECK_OK(sigaction(SIGUSR1, nullptr, &old));
    CHECK(old.sa_handler == SIG_IGN);
}

POSIX_TEST(signal, rt_sigaction_checks_size_and_pointers) {
    CHECK_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, nullptr, nullptr, 4), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, reinterpret_cast<void*>(8), nullptr, 8), EFAULT);
    CHECK_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, nullptr, reinterpret_cast<void*>(8), 8), EFAULT);
}

POSIX_TEST(signal, sigprocmask_blocks_and_cannot_block_kill_or_stop) {
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGKILL);
    sigaddset(&set, SIGSTOP);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, nullptr));
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &old));
    CHECK(sigismember(&old, SIGUSR1));
    CHECK(!sigismember(&old, SIGKILL));
    CHECK(!sigismember(&old, SIGSTOP));
    CHECK_ERRNO(sigprocmask(12345, &set, nullptr), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, nullptr, 16), EINVAL);
    CHECK_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, reinterpret_cast<void*>(8), nullptr, 8), EFAULT);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, nullptr));
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &old));
    CHECK(!sigismember(&old, SIGUSR1));
}

POSIX_TEST(signal, blocked_signal_stays_pending_until_unblocked) {
    install(SIGUSR1, count_handler);
    block(SIGUSR1);
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ(handled, 0);
    sigset_t pending;
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGUSR1));
    CHECK_ERRNO(syscall(SYS_rt_sigpending, &pending, 16), EINVAL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, nullptr));
    CHECK_EQ(handled, 1);
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGUSR1));
}

POSIX_TEST(signal, ignoring_a_pending_signal_discards_it) {
    block(SIGUSR2);
    CHECK_OK(raise(SIGUSR2));
    install(SIGUSR2, SIG_IGN);
    sigset_t pending;
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGUSR2));
}

// --- sending ---------------------------------------------------------------

POSIX_TEST(signal, kill_delivers_with_sender_in_siginfo) {
    install_info(SIGUSR1, info_handler);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(handled, 1);
    CHECK_EQ(last_info.si_signo, SIGUSR1);
    CHECK_EQ(last_info.si_code, SI_USER);
    CHECK_EQ(last_info.si_pid, getpid());
    CHECK_EQ(last_info.si_uid, getuid());
}

POSIX_TEST(signal, raise_is_tgkill_with_si_tkill) {
    install_info(SIGUSR2, info_handler);
    CHECK_OK(raise(SIGUSR2));
    CHECK_EQ(handled, 1);
    CHECK_EQ(last_info.si_code, SI_TKILL);
    CHECK_EQ(last_info.si_pid, getpid());
}

POSIX_TEST(signal, kill_errors) {
    CHECK_ERRNO(kill(getpid(), 65), EINVAL);
    CHECK_ERRNO(kill(getpid(), -1), EINVAL);
    pid_t child = spawn([] {});
    wait_status(child);
    CHECK_ERRNO(kill(child, SIGTERM), ESRCH);
    CHECK_ERRNO(kill(child, 0), ESRCH);
    CHECK_OK(kill(getpid(), 0));
}

POSIX_TEST(signal, tgkill_and_tkill_errors) {
    CHECK_ERRNO(syscall(SYS_tgkill, 0, getpid(), SIGUSR1), EINVAL);
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), 0, SIGUSR1), EINVAL);
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), getpid(), 99), EINVAL);
    CHECK_ERRNO(syscall(SYS_tkill, -5, SIGUSR1), EINVAL);
    pid_t child = spawn([] {});
    wait_status(child);
    CHECK_ERRNO(syscall(SYS_tgkill, child, child, SIGUSR1), ESRCH);
    CHECK_ERRNO(syscall(SYS_tgkill, getpid(), child, SIGUSR1), ESRCH);
    CHECK_OK(syscall(SYS_tgkill, getpid(), gettid(), 0));
}

POSIX_TEST(signal, sigqueue_carries_a_value) {
    install_info(SIGUSR1, info_handler);
    union sigval value;
    value.sival_int = 4242;
    CHECK_OK(sigqueue(getpid(), SIGUSR1, value));
    CHECK_EQ(handled, 1);
    CHECK_EQ(last_info.si_code, SI_QUEUE);
    CHECK_EQ(last_info.si_value.sival_int, 4242);
}

namespace {
int queued_values[8];
volatile sig_atomic_t queued_seen = 0;
void queue_handler(int, siginfo_t* info, void*) {
    if (queued_seen < 8) queued_values[queued_seen] = info->si_value.sival_int;
    queued_seen = queued_seen + 1;
}
}  // namespace

POSIX_TEST(signal, realtime_signals_queue_in_order_and_standard_ones_coalesce) {
    int realtime = SIGRTMIN + 1;
    install_info(realtime, queue_handler);
    install(SIGUSR1, count_handler);
    block(realtime);
    block(SIGUSR1);
    for (int value = 1; value <= 3; ++value) {
        union sigval payload;
        payload.sival_int = value * 10;
        CHECK_OK(sigqueue(getpid(), realtime, payload));
        CHECK_OK(kill(getpid(), SIGUSR1));
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, realtime);
    sigaddset(&set, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_UNBLOCK, &set, nullptr));
    CHECK_EQ(queued_seen, 3);
    CHECK_EQ(queued_values[0], 10);
    CHECK_EQ(queued_values[1], 20);
    CHECK_EQ(queued_values[2], 30);
    CHECK_EQ(handled, 1);
}

// --- the handler and its frame ---------------------------------------------

POSIX_TEST(signal, handler_runs_with_its_signal_and_sa_mask_blocked) {
    struct sigaction action = {};
    action.sa_sigaction = info_handler;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGUSR2);
    CHECK_OK(sigaction(SIGUSR1, &action, nullptr));
    CHECK_OK(raise(SIGUSR1));
    CHECK(sigismember(&mask_in_handler, SIGUSR1));
    CHECK(sigismember(&mask_in_handler, SIGUSR2));
    sigset_t now;
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &now));
    CHECK(!sigismember(&now, SIGUSR1));
    CHECK(!sigismember(&now, SIGUSR2));
}

POSIX_TEST(signal, sa_nodefer_leaves_the_signal_unblocked) {
    install_info(SIGUSR1, info_handler, SA_NODEFER);
    CHECK_OK(raise(SIGUSR1));
    CHECK(!sigismember(&mask_in_handler, SIGUSR1));
}

POSIX_TEST(signal, sa_resethand_restores_the_default_after_one_delivery) {
    install(SIGUSR1, count_handler, SA_RESETHAND);
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ(handled, 1);
    struct sigaction now;
    CHECK_OK(sigaction(SIGUSR1, nullptr, &now));
    CHECK(now.sa_handler == SIG_DFL);
}

namespace {
uint64_t xmm_in_handler_before = 0;
void clobber_fpu_handler(int) {
    // Everything the interrupted code could have live: vector registers,
    // the SSE control word, the x87 control word.
    uint64_t junk = 0xDEADBEEFDEADBEEF;
    asm volatile("movq %%xmm7, %0" : "=r"(xmm_in_handler_before));
    asm volatile("movq %0, %%xmm7\n movq %0, %%xmm15" : : "r"(junk) : "xmm7", "xmm15");
    unsigned mxcsr = 0x7F80;  // round toward zero
    asm volatile("ldmxcsr %0" : : "m"(mxcsr));
    unsigned short control = 0x0C7F;
    asm volatile("fldcw %0" : : "m"(control));
    handled = handled + 1;
}
}  // namespace

POSIX_TEST(signal, fpu_state_survives_a_handler) {
    install(SIGUSR1, clobber_fpu_handler);
    unsigned mxcsr_before = 0x1F80 | 0x2000;  // round down
    asm volatile("ldmxcsr %0" : : "m"(mxcsr_before));
    uint64_t value = 0x1122334455667788, after7 = 0, after15 = 0;
    long result;
    // The signal arrives inside this asm block: nothing the compiler does
    // between setting and reading the registers can spill them.
    asm volatile(
        "movq %[value], %%xmm7\n"
        "movq %[value], %%xmm15\n"
        "syscall\n"
        "movq %%xmm7, %[after7]\n"
        "movq %%xmm15, %[after15]\n"
        : [after7] "=r"(after7), [after15] "=r"(after15), "=a"(result)
        : [value] "r"(value), "a"(static_cast<long>(SYS_tgkill)), "D"(static_cast<long>(getpid())),
          "S"(static_cast<long>(gettid())), "d"(static_cast<long>(SIGUSR1))
        : "rcx", "r11", "memory", "xmm7", "xmm15");
    CHECK_EQ(result, 0);
    CHECK_EQ(handled, 1);
    CHECK_EQ(after7, value);
    CHECK_EQ(after15, value);
    unsigned mxcsr_after = 0;
    asm volatile("stmxcsr %0" : "=m"(mxcsr_after));
    CHECK_EQ(mxcsr_after, mxcsr_before);
    unsigned short control = 0;
    asm volatile("fnstcw %0" : "=m"(control));
    CHECK_EQ(control, 0x037F);
    // The handler started with a clean FPU, not the interrupted code's registers.
    CHECK(xmm_in_handler_before != value);
}

namespace {
unsigned mxcsr_seen_in_frame = 0;
greg_t rip_seen_in_frame = 0;
void context_handler(int, siginfo_t*, void* context) {
    auto* uc = static_cast<ucontext_t*>(context);
    mxcsr_seen_in_frame = uc->uc_mcontext.fpregs != nullptr ? uc->uc_mcontext.fpregs->mxcsr : 0;
    rip_seen_in_frame = uc->uc_mcontext.gregs[REG_RIP];
    // A hostile rflags: IOPL 3 must not reach user mode.
    uc->uc_mcontext.gregs[REG_EFL] |= 0x3000;
    handled = handled + 1;
}
}  // namespace

POSIX_TEST(signal, ucontext_shows_the_interrupted_state_and_rflags_are_sanitized) {
    install_info(SIGUSR1, context_handler);
    unsigned mxcsr = 0x1F80 | 0x4000;  // round up
    asm volatile("ldmxcsr %0" : : "m"(mxcsr));
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ(handled, 1);
    CHECK_EQ(mxcsr_seen_in_frame, mxcsr);
    CHECK(rip_seen_in_frame != 0);
    uint64_t flags;
    asm volatile("pushfq; popq %0" : "=r"(flags));
    CHECK_EQ(flags & 0x3000, 0u);
}

namespace {
void bad_return_handler(int, siginfo_t*, void* context) {
    auto* uc = static_cast<ucontext_t*>(context);
    uc->uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(0x8000000000000000ull);  // not canonical
}
}  // namespace

POSIX_TEST(signal, sigreturn_to_a_bad_rip_kills_with_sigsegv) {
    pid_t child = spawn([] {
        no_core_files();
        install_info(SIGUSR1, bad_return_handler);
        raise(SIGUSR1);
        _exit(7);
    });
    check_killed_by(child, SIGSEGV);
}

namespace {
uint64_t fuzz_state = 0x9E3779B97F4A7C15ull;
uint64_t next_random() {
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 7;
    fuzz_state ^= fuzz_state << 17;
    return fuzz_state;
}
alignas(64) unsigned char garbage_fpu[512];
void garbage_frame_handler(int, siginfo_t*, void* context) {
    auto* uc = static_cast<ucontext_t*>(context);
    for (auto& reg : uc->uc_mcontext.gregs) reg = static_cast<greg_t>(next_random());
    // Never a rip that could run code of ours: only addresses that fault.
    static const uint64_t bad_rips[] = {0, 1, 0x0000800000000000ull, 0xFFFFFFFF81000000ull, 0x00007FFFFFFFF000ull,
                                        0xFFFF800000000000ull};
    uc->uc_mcontext.gregs[REG_RIP] = static_cast<greg_t>(bad_rips[next_random() % 6]);
    for (auto& byte : garbage_fpu) byte = static_cast<unsigned char>(next_random());
    uint64_t choice = next_random() % 3;
    uc->uc_mcontext.fpregs = choice == 0   ? nullptr
                             : choice == 1 ? reinterpret_cast<fpregset_t>(garbage_fpu)
                                           : reinterpret_cast<fpregset_t>(next_random());
    uc->uc_sigmask.__val[0] = next_random();
    uc->uc_stack.ss_sp = reinterpret_cast<void*>(next_random());
    uc->uc_stack.ss_size = next_random();
    uc->uc_stack.ss_flags = static_cast<int>(next_random());
}
}  // namespace

POSIX_TEST(signal, hostile_signal_frames_kill_only_their_process) {
    for (int round = 0; round < 64; ++round) {
        next_random();
        pid_t child = spawn([] {
            no_core_files();
            alarm(5);
            install_info(SIGUSR1, garbage_frame_handler);
            raise(SIGUSR1);
            _exit(7);  // not reached: the frame sends it nowhere good
        });
        int status = wait_status(child);
        CHECK(WIFSIGNALED(status));
        CHECK(WTERMSIG(status) != SIGALRM);
    }
}

namespace {
char alternate_stack[64 * 1024];
void altstack_handler(int) {
    int local;
    handler_stack_address = &local;
    stack_t now;
    sigaltstack(nullptr, &now);
    handler_stack_flags = now.ss_flags;
    // Changing the stack while on it is refused.
    stack_t other = {};
    other.ss_sp = alternate_stack;
    other.ss_size = sizeof alternate_stack;
    errno = 0;
    if (sigaltstack(&other, nullptr) == -1 && errno == EPERM) handled = handled + 1;
}
}  // namespace

POSIX_TEST(signal, sigaltstack_runs_sa_onstack_handlers_there) {
    stack_t stack = {};
    stack.ss_sp = alternate_stack;
    stack.ss_size = sizeof alternate_stack;
    CHECK_OK(sigaltstack(&stack, nullptr));
    install(SIGUSR1, altstack_handler, SA_ONSTACK);
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ(handled, 1);
    auto address = reinterpret_cast<char*>(handler_stack_address);
    CHECK(address > alternate_stack && address < alternate_stack + sizeof alternate_stack);
    CHECK_EQ(handler_stack_flags, SS_ONSTACK);
    stack_t now;
    CHECK_OK(sigaltstack(nullptr, &now));
    CHECK_EQ(now.ss_flags, 0);
    CHECK(now.ss_sp == alternate_stack);
    CHECK_EQ(now.ss_size, sizeof alternate_stack);
}

POSIX_TEST(signal, sigaltstack_errors) {
    stack_t stack = {};
    stack.ss_sp = alternate_stack;
    stack.ss_size = 100;
    CHECK_ERRNO(sigaltstack(&stack, nullptr), ENOMEM);
    stack.ss_size = sizeof alternate_stack;
    stack.ss_flags = 0x1234;
    CHECK_ERRNO(sigaltstack(&stack, nullptr), EINVAL);
    CHECK_ERRNO(syscall(SYS_sigaltstack, reinterpret_cast<void*>(8), nullptr), EFAULT);
    stack.ss_flags = SS_DISABLE;
    CHECK_OK(sigaltstack(&stack, nullptr));
    stack_t now;
    CHECK_OK(sigaltstack(nullptr, &now));
    CHECK_EQ(now.ss_flags, SS_DISABLE);
}

POSIX_TEST(signal, a_handler_without_sa_restorer_gets_sigsegv) {
    pid_t child = spawn([] {
        no_core_files();
        struct {
            void (*handler)(int);
            unsigned long flags;
            void (*restorer)();
            uint64_t mask;
        } action = {count_handler, 0, nullptr, 0};
        syscall(SYS_rt_sigaction, SIGUSR1, &action, nullptr, 8);
        raise(SIGUSR1);
        _exit(7);
    });
    check_killed_by(child, SIGSEGV);
}

// --- faults ----------------------------------------------------------------

namespace {
sigjmp_buf fault_jump;
void fault_handler(int signal, siginfo_t* info, void*) {
    handled_signal = signal;
    last_info = *info;
    siglongjmp(fault_jump, 1);
}
}  // namespace

POSIX_TEST(signal, null_write_is_sigsegv_maperr_and_the_handler_can_longjmp) {
    install_info(SIGSEGV, fault_handler);
    if (sigsetjmp(fault_jump, 1) == 0) {
        *static_cast<volatile int*>(nullptr) = 1;
        CHECK(false);
    }
    CHECK_EQ(handled_signal, SIGSEGV);
    CHECK_EQ(last_info.si_code, SEGV_MAPERR);
    CHECK(last_info.si_addr == nullptr);
    // siglongjmp restored the mask: SIGSEGV is not left blocked.
    sigset_t now;
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &now));
    CHECK(!sigismember(&now, SIGSEGV));
}

POSIX_TEST(signal, write_to_read_only_page_is_sigsegv_accerr) {
    void* page = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(page != MAP_FAILED);
    install_info(SIGSEGV, fault_handler);
    if (sigsetjmp(fault_jump, 1) == 0) {
        static_cast<volatile char*>(page)[10] = 1;
        CHECK(false);
    }
    CHECK_EQ(last_info.si_code, SEGV_ACCERR);
    CHECK(last_info.si_addr == static_cast<char*>(page) + 10);
}

POSIX_TEST(signal, ud2_is_sigill) {
    install_info(SIGILL, fault_handler);
    if (sigsetjmp(fault_jump, 1) == 0) {
        asm volatile("ud2");
        CHECK(false);
    }
    CHECK_EQ(handled_signal, SIGILL);
    CHECK_EQ(last_info.si_code, ILL_ILLOPN);
}

POSIX_TEST(signal, integer_divide_by_zero_is_sigfpe) {
    install_info(SIGFPE, fault_handler);
    volatile int zero = 0;
    if (sigsetjmp(fault_jump, 1) == 0) {
        volatile int result = 10 / zero;
        (void)result;
        CHECK(false);
    }
    CHECK_EQ(handled_signal, SIGFPE);
    CHECK_EQ(last_info.si_code, FPE_INTDIV);
}

POSIX_TEST(signal, int3_is_sigtrap_and_execution_continues) {
    install_info(SIGTRAP, info_handler);
    asm volatile("int3");
    CHECK_EQ(handled, 1);
    CHECK_EQ(handled_signal, SIGTRAP);
    CHECK_EQ(last_info.si_code, SI_KERNEL);
}

POSIX_TEST(signal, blocked_fault_signal_still_kills) {
    pid_t child = spawn([] {
        no_core_files();
        install(SIGSEGV, count_handler);
        block(SIGSEGV);
        *static_cast<volatile int*>(nullptr) = 1;
        _exit(7);
    });
    check_killed_by(child, SIGSEGV);
}

// --- default actions, stop and continue -------------------------------------

POSIX_TEST(signal, default_actions_terminate_or_ignore) {
    pid_t child = spawn([] {
        raise(SIGCHLD);  // ignored by default
        raise(SIGURG);
        raise(SIGWINCH);
        raise(SIGTERM);
        _exit(7);
    });
    check_killed_by(child, SIGTERM);
    child = spawn([] {
        no_core_files();
        raise(SIGQUIT);  // core action: killed, and with RLIMIT_CORE 0 no core
        _exit(7);
    });
    int status = wait_status(child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGQUIT);
    CHECK(!WCOREDUMP(status));
}

POSIX_TEST(signal, sigkill_cannot_be_blocked_or_ignored) {
    pid_t child = spawn([] {
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, nullptr);
        for (;;) pause();
    });
    CHECK_OK(kill(child, SIGKILL));
    check_killed_by(child, SIGKILL);
}

POSIX_TEST(signal, stop_and_continue_are_seen_by_waitpid) {
    pid_t child = spawn([] {
        for (;;) pause();
    });
    CHECK_OK(kill(child, SIGSTOP));
    int status = 0;
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    CHECK(WIFSTOPPED(status));
    CHECK_EQ(WSTOPSIG(status), SIGSTOP);
    // Reported once.
    CHECK_EQ(waitpid(child, &status, WUNTRACED | WNOHANG), 0);
    CHECK_OK(kill(child, SIGCONT));
    CHECK_EQ(waitpid(child, &status, WCONTINUED), child);
    CHECK(WIFCONTINUED(status));
    CHECK_OK(kill(child, SIGTSTP));
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    CHECK(WIFSTOPPED(status));
    CHECK_EQ(WSTOPSIG(status), SIGTSTP);
    // A stopped process still dies of SIGKILL.
    CHECK_OK(kill(child, SIGKILL));
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), SIGKILL);
}

POSIX_TEST(signal, waitid_reports_stops_with_wnowait) {
    pid_t child = spawn([] {
        for (;;) pause();
    });
    CHECK_OK(kill(child, SIGSTOP));
    siginfo_t info = {};
    CHECK_OK(waitid(P_PID, child, &info, WSTOPPED | WNOWAIT));
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_code, CLD_STOPPED);
    CHECK_EQ(info.si_status, SIGSTOP);
    info = {};
    CHECK_OK(waitid(P_PID, child, &info, WSTOPPED));
    CHECK_EQ(info.si_code, CLD_STOPPED);
    CHECK_OK(kill(child, SIGCONT));
    info = {};
    CHECK_OK(waitid(P_PID, child, &info, WCONTINUED));
    CHECK_EQ(info.si_code, CLD_CONTINUED);
    CHECK_EQ(info.si_status, SIGCONT);
    CHECK_OK(kill(child, SIGTERM));
    info = {};
    CHECK_OK(waitid(P_PID, child, &info, WEXITED));
    CHECK_EQ(info.si_code, CLD_KILLED);
    CHECK_EQ(info.si_status, SIGTERM);
}

POSIX_TEST(signal, handled_sigcont_runs_its_handler_after_continuing) {
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t child = spawn([&] {
        install(SIGCONT, count_handler);
        block(SIGCONT);  // so it cannot come between the check and the wait
        sigset_t open;
        sigemptyset(&open);
        char ready = 'r';
        write(fds[1], &ready, 1);
        while (handled == 0) sigsuspend(&open);
        char done = 'c';
        write(fds[1], &done, 1);
    });
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_OK(kill(child, SIGSTOP));
    int status;
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    CHECK_OK(kill(child, SIGCONT));
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_EQ(byte, 'c');
    status = wait_status(child);
    CHECK(WIFEXITED(status));
}

// --- SIGCHLD -----------------------------------------------------------------

POSIX_TEST(signal, sigchld_tells_the_parent_how_the_child_ended) {
    install_info(SIGCHLD, info_handler);
    block(SIGCHLD);
    pid_t child = spawn([] { _exit(3); });
    sigset_t empty;
    sigemptyset(&empty);
    while (handled == 0) sigsuspend(&empty);
    CHECK_EQ(last_info.si_signo, SIGCHLD);
    CHECK_EQ(last_info.si_code, CLD_EXITED);
    CHECK_EQ(last_info.si_pid, child);
    CHECK_EQ(last_info.si_status, 3);
    wait_status(child);
}

POSIX_TEST(signal, sa_nocldstop_sends_no_sigchld_for_stops) {
    install(SIGCHLD, count_handler, SA_NOCLDSTOP);
    block(SIGCHLD);
    pid_t child = spawn([] {
        for (;;) pause();
    });
    CHECK_OK(kill(child, SIGSTOP));
    int status;
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    sigset_t pending;
    CHECK_OK(sigpending(&pending));
    CHECK(!sigismember(&pending, SIGCHLD));
    CHECK_OK(kill(child, SIGKILL));
    wait_status(child);
    CHECK_OK(sigpending(&pending));
    CHECK(sigismember(&pending, SIGCHLD));
}

POSIX_TEST(signal, ignored_sigchld_reaps_children_automatically) {
    install(SIGCHLD, SIG_IGN);
    pid_t child = spawn([] { _exit(0); });
    // wait blocks until the child is gone, then finds nothing to wait for.
    CHECK_ERRNO(waitpid(child, nullptr, 0), ECHILD);
}

POSIX_TEST(signal, sa_nocldwait_reaps_children_automatically) {
    install(SIGCHLD, count_handler, SA_NOCLDWAIT);
    pid_t child = spawn([] { _exit(0); });
    int result;
    do {
        result = waitpid(child, nullptr, 0);
    } while (result == -1 && errno == EINTR);
    CHECK_EQ(result, -1);
    CHECK_EQ(errno, ECHILD);
}

// --- SIGPIPE -----------------------------------------------------------------

POSIX_TEST(signal, write_to_a_pipe_without_reader_raises_sigpipe) {
    pid_t child = spawn([] {
        int fds[2];
        if (pipe(fds) != 0) _exit(1);
        close(fds[0]);
        write(fds[1], "x", 1);
        _exit(7);
    });
    check_killed_by(child, SIGPIPE);
    // Ignored, the write fails with EPIPE instead.
    install(SIGPIPE, SIG_IGN);
    int fds[2];
    CHECK_OK(pipe(fds));
    close(fds[0]);
    CHECK_ERRNO(write(fds[1], "x", 1), EPIPE);
    // Handled, the handler runs and the write fails with EPIPE.
    install_info(SIGPIPE, info_handler);
    CHECK_ERRNO(write(fds[1], "x", 1), EPIPE);
    CHECK_EQ(handled, 1);
    CHECK_EQ(last_info.si_code, SI_USER);
    CHECK_EQ(last_info.si_pid, getpid());
}

// --- EINTR and SA_RESTART ------------------------------------------------------

POSIX_TEST(signal, read_of_an_empty_pipe_fails_with_eintr) {
    install(SIGALRM, count_handler);
    int fds[2];
    CHECK_OK(pipe(fds));
    alarm_after_ms(50);
    char byte;
    CHECK_ERRNO(read(fds[0], &byte, 1), EINTR);
    CHECK_EQ(handled, 1);
}

POSIX_TEST(signal, sa_restart_restarts_a_pipe_read) {
    install(SIGALRM, count_handler, SA_RESTART);
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t writer = spawn([&] {
        usleep(300000);
        write(fds[1], "z", 1);
    });
    alarm_after_ms(50);
    char byte = 0;
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_EQ(byte, 'z');
    CHECK_EQ(handled, 1);
    wait_status(writer);
}

POSIX_TEST(signal, sa_restart_restarts_wait) {
    install(SIGALRM, count_handler, SA_RESTART);
    pid_t child = spawn([] { usleep(300000); });
    alarm_after_ms(50);
    int status;
    CHECK_EQ(waitpid(child, &status, 0), child);
    CHECK_EQ(handled, 1);
}

POSIX_TEST(signal, nanosleep_fails_with_eintr_and_the_time_left) {
    install(SIGALRM, count_handler, SA_RESTART);  // sleeps never restart after a handler
    alarm_after_ms(50);
    timespec request = {5, 0}, left = {0, 0};
    CHECK_ERRNO(nanosleep(&request, &left), EINTR);
    CHECK(left.tv_sec >= 3 && left.tv_sec <= 5);
}

POSIX_TEST(signal, a_stopped_sleep_keeps_its_deadline) {
    // Stopped 100 ms into a 2 s sleep and held 1.5 s: once continued, the
    // sleep ends at its first deadline (restart_syscall), not 2 s later.
    pid_t child = spawn([] {
        timespec start, end, request = {2, 0};
        clock_gettime(CLOCK_MONOTONIC, &start);
        if (nanosleep(&request, nullptr) != 0) _exit(2);
        clock_gettime(CLOCK_MONOTONIC, &end);
        double seconds = static_cast<double>(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
        _exit(seconds >= 1.9 && seconds < 3.0 ? 0 : 3);
    });
    usleep(100000);
    CHECK_OK(kill(child, SIGSTOP));
    int status;
    CHECK_EQ(waitpid(child, &status, WUNTRACED), child);
    usleep(1500000);
    CHECK_OK(kill(child, SIGCONT));
    status = wait_status(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

POSIX_TEST(signal, poll_fails_with_eintr) {
    install(SIGALRM, count_handler, SA_RESTART);
    int fds[2];
    CHECK_OK(pipe(fds));
    pollfd entry = {fds[0], POLLIN, 0};
    alarm_after_ms(50);
    CHECK_ERRNO(poll(&entry, 1, 5000), EINTR);
}

POSIX_TEST(signal, ppoll_waits_with_its_mask_and_restores_the_old_one) {
    install(SIGUSR1, count_handler);
    block(SIGUSR1);
    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ(handled, 0);
    int fds[2];
    CHECK_OK(pipe(fds));
    pollfd entry = {fds[0], POLLIN, 0};
    sigset_t empty;
    sigemptyset(&empty);
    timespec timeout = {5, 0};
    CHECK_ERRNO(ppoll(&entry, 1, &timeout, &empty), EINTR);
    CHECK_EQ(handled, 1);
    sigset_t now;
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &now));
    CHECK(sigismember(&now, SIGUSR1));
}

POSIX_TEST(signal, sigsuspend_waits_for_a_handler_and_restores_the_mask) {
    install(SIGUSR1, count_handler);
    block(SIGUSR1);
    pid_t sender = spawn([] {
        usleep(50000);
        kill(getppid(), SIGUSR1);
    });
    sigset_t empty;
    sigemptyset(&empty);
    CHECK_ERRNO(sigsuspend(&empty), EINTR);
    CHECK_EQ(handled, 1);
    sigset_t now;
    CHECK_OK(sigprocmask(SIG_BLOCK, nullptr, &now));
    CHECK(sigismember(&now, SIGUSR1));
    wait_status(sender);
    CHECK_ERRNO(syscall(SYS_rt_sigsuspend, &empty, 4), EINVAL);
}

POSIX_TEST(signal, pause_returns_eintr_after_a_handler) {
    install(SIGALRM, count_handler);
    CHECK(alarm(1) <= 20);  // the runner's own alarm
    CHECK_ERRNO(pause(), EINTR);
    CHECK_EQ(handled, 1);
}

POSIX_TEST(signal, sigtimedwait_takes_a_blocked_signal) {
    block(SIGUSR2);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    timespec zero = {0, 0};
    CHECK_ERRNO(sigtimedwait(&set, nullptr, &zero), EAGAIN);
    timespec bad = {0, 2000000000};
    CHECK_ERRNO(sigtimedwait(&set, nullptr, &bad), EINVAL);
    CHECK_OK(raise(SIGUSR2));
    siginfo_t info = {};
    CHECK_EQ(sigtimedwait(&set, &info, &zero), SIGUSR2);
    CHECK_EQ(info.si_signo, SIGUSR2);
    CHECK_EQ(info.si_code, SI_USER);  // glibc folds the kernel's SI_TKILL into SI_USER here
    // Waiting: a signal sent later wakes it.
    pid_t sender = spawn([] {
        usleep(50000);
        kill(getppid(), SIGUSR2);
    });
    timespec second = {5, 0};
    CHECK_EQ(sigtimedwait(&set, &info, &second), SIGUSR2);
    CHECK_EQ(info.si_pid, sender);
    wait_status(sender);
    timespec short_wait = {0, 20000000};
    CHECK_ERRNO(sigtimedwait(&set, nullptr, &short_wait), EAGAIN);
}

// --- timers ----------------------------------------------------------------

POSIX_TEST(signal, alarm_reports_the_time_left) {
    CHECK(alarm(10) <= 20);  // the runner's own alarm
    unsigned left = alarm(0);
    CHECK(left == 10 || left == 9);
    CHECK_EQ(alarm(0), 0u);
}

POSIX_TEST(signal, setitimer_and_getitimer) {
    itimerval value = {}, old = {};
    value.it_value.tv_sec = 5;
    value.it_interval.tv_usec = 250000;
    CHECK_OK(setitimer(ITIMER_REAL, &value, nullptr));
    itimerval now = {};
    CHECK_OK(getitimer(ITIMER_REAL, &now));
    CHECK(now.it_value.tv_sec == 4 || now.it_value.tv_sec == 5);
    CHECK_EQ(now.it_interval.tv_usec, 250000);
    itimerval off = {};
    CHECK_OK(setitimer(ITIMER_REAL, &off, &old));
    CHECK(old.it_value.tv_sec == 4 || old.it_value.tv_sec == 5);
    CHECK_OK(getitimer(ITIMER_REAL, &now));
    CHECK_EQ(now.it_value.tv_sec, 0);
    CHECK_EQ(now.it_value.tv_usec, 0);
    value.it_value.tv_usec = 1000000;
    CHECK_ERRNO(setitimer(ITIMER_REAL, &value, nullptr), EINVAL);
    CHECK_ERRNO(getitimer(static_cast<__itimer_which>(7), &now), EINVAL);
    CHECK_ERRNO(getitimer(ITIMER_REAL, reinterpret_cast<itimerval*>(8)), EFAULT);
}

POSIX_TEST(signal, interval_timer_repeats) {
    install(SIGALRM, count_handler);
    itimerval value = {};
    value.it_value.tv_usec = 20000;
    value.it_interval.tv_usec = 20000;
    CHECK_OK(setitimer(ITIMER_REAL, &value, nullptr));
    while (handled < 3) pause();
    itimerval off = {};
    CHECK_OK(setitimer(ITIMER_REAL, &off, nullptr));
}
