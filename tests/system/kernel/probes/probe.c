/*
 * kernel-probe: a tiny static program without libc that exercises kernel
 * paths the other test programs do not reach directly. Run as init:
 *
 *   kernel-probe segfault   load from address 0: the kernel must kill it
 *                           with SIGSEGV's status and carry on
 *   kernel-probe futex      FUTEX_WAIT times out after its timeout (the
 *                           timer wakes the sleeper), a wrong value gives
 *                           EAGAIN, FUTEX_WAKE with no waiter returns 0
 *   kernel-probe enosys     an unknown call number returns ENOSYS, twice
 *                           (the kernel logs it once)
 *   kernel-probe sse        SSE registers survive a timer tick and sleeps
 *   kernel-probe exec       failed execve calls return errors and leave the
 *                           program running; then it execs itself with
 *                           "exec-done", which checks its new arguments
 *
 * Exits 0 when every check held, else the number of the failed check.
 */
#include <stdint.h>

#define SYS_write 1
#define SYS_nanosleep 35
#define SYS_execve 59
#define SYS_exit 60
#define SYS_futex 202
#define SYS_clock_gettime 228

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
    long result;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}

static void say(const char* text) {
    long length = 0;
    while (text[length]) ++length;
    syscall6(SYS_write, 1, (long)text, length, 0, 0, 0);
}

static __attribute__((noreturn)) void finish(int status) {
    say(status == 0 ? "kernel-probe: ok\n" : "kernel-probe: FAILED\n");
    for (;;) syscall6(SYS_exit, status, 0, 0, 0, 0, 0);
}

static int equal(const char* a, const char* b) {
    while (*a && *a == *b) ++a, ++b;
    return *a == *b;
}

struct timespec_ {
    long seconds, nanoseconds;
};

static long now_ns(void) {
    struct timespec_ t;
    syscall6(SYS_clock_gettime, 1, (long)&t, 0, 0, 0, 0);
    return t.seconds * 1000000000L + t.nanoseconds;
}

static int futex_checks(void) {
    static volatile uint32_t word = 5;
    struct timespec_ timeout = {0, 50 * 1000000L};
    long before = now_ns();
    long result = syscall6(SYS_futex, (long)&word, 0 /* FUTEX_WAIT */, 5, (long)&timeout, 0, 0);
    long waited = now_ns() - before;
    if (result != -110) return 1;                                                      /* ETIMEDOUT */
    if (waited < 50 * 1000000L) return 2;                                              /* slept at least the timeout */
    if (waited > 2000 * 1000000L) return 3;                                            /* and was woken by the timer */
    if (syscall6(SYS_futex, (long)&word, 0, 6, (long)&timeout, 0, 0) != -11) return 4; /* EAGAIN */
    if (syscall6(SYS_futex, (long)&word, 1 /* FUTEX_WAKE */, 1, 0, 0, 0) != 0) return 5;
    if (syscall6(SYS_futex, (long)&word + 1, 0, 5, 0, 0, 0) != -22) return 6; /* EINVAL: unaligned */
    return 0;
}

static int sse_checks(void) {
    /* Values in xmm registers across a sleep of several timer ticks. */
    double values[2] = {1.5, -2.25};
    double back[2];
    struct timespec_ pause = {0, 20 * 1000000L};
    __asm__ volatile("movupd %0, %%xmm7" : : "m"(values) : "xmm7");
    syscall6(SYS_nanosleep, (long)&pause, 0, 0, 0, 0, 0);
    __asm__ volatile("movupd %%xmm7, %0" : "=m"(back) : : "xmm7");
    if (back[0] != 1.5 || back[1] != -2.25) return 1;
    return 0;
}

void probe_main(long* stack) {
    long argc = stack[0];
    char** argv = (char**)(stack + 1);
    if (argc < 2) finish(100);
    const char* mode = argv[1];
    if (equal(mode, "segfault")) {
        say("kernel-probe: loading from address 0\n");
        volatile long* null = 0;
        long value = *null;
        (void)value;
        finish(101);
    }
    if (equal(mode, "futex")) finish(futex_checks());
    if (equal(mode, "enosys")) {
        if (syscall6(499, 0, 0, 0, 0, 0, 0) != -38) finish(1);
        if (syscall6(499, 0, 0, 0, 0, 0, 0) != -38) finish(2);
        if (syscall6(100000, 0, 0, 0, 0, 0, 0) != -38) finish(3);
        finish(0);
    }
    if (equal(mode, "sse")) finish(sse_checks());
    if (equal(mode, "exec")) {
        char* next[] = {"kernel-probe", "exec-done", "second", 0};
        char* environment[] = {"PROBE=1", 0};
        if (syscall6(SYS_execve, (long)"/nope", (long)next, (long)environment, 0, 0, 0) != -2) finish(1);
        if (syscall6(SYS_execve, (long)"/etc/motd", (long)next, (long)environment, 0, 0, 0) != -13) finish(2);
        if (syscall6(SYS_execve, 0xffffffff80000000L, (long)next, (long)environment, 0, 0, 0) != -14) finish(3);
        say("kernel-probe: failed execs returned errors\n");
        syscall6(SYS_execve, (long)"/sbin/kernel-probe", (long)next, (long)environment, 0, 0, 0);
        finish(4);
    }
    if (equal(mode, "exec-done")) {
        char** envp = argv + argc + 1;
        if (argc != 3 || !equal(argv[2], "second")) finish(5);
        if (!envp[0] || !equal(envp[0], "PROBE=1") || envp[1]) finish(6);
        say("kernel-probe: running the new image\n");
        finish(0);
    }
    finish(102);
}

__asm__(
    ".global _start\n"
    "_start:\n"
    "    movq %rsp, %rdi\n"
    "    andq $-16, %rsp\n"
    "    call probe_main\n"
    "    hlt\n");
