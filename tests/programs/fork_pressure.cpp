// fork-pressure [LIMIT]: the process tree's edge cases, and fork until the
// kernel runs out of memory (LIMIT 0, on Tessera as init) or LIMIT children
// (on the host, which must not be exhausted). Every child tells us it is
// running (so its own first faults are behind it) and then blocks reading a
// pipe; it exits 42 when it sees end of file (42 only if getppid() named
// us). A failed fork must be ENOMEM and leave the system working: closing
// the pipe releases every child, all of them are reaped, and the kernel's
// free-frame count (checked by the system test) is back where it started.
// Also: WNOHANG with a running child gives 0, wait with no child ECHILD, an
// orphan is reparented to init (to us, a subreaper on the host).
#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "report.h"

namespace {

using tessera::programs::Report;

constexpr int child_ok = 42, orphan_ok = 43;

void orphan_case(Report& report) {
    pid_t self = getpid();
    pid_t middle = fork();
    if (middle == 0) {
        pid_t orphan = fork();
        if (orphan == 0) {
            // Wait (bounded) for the middle process to exit, then look at our parent.
            for (int i = 0; i < 100000 && getppid() != self; ++i) sched_yield();
            _exit(getppid() == self ? orphan_ok : 1);
        }
        _exit(orphan > 0 ? 0 : 2);
    }
    int status = -1;
    report.check(waitpid(middle, &status, 0) == middle && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                 "the middle process forked and exited", "status " + std::to_string(status));
    pid_t got = wait(&status);
    report.check(got > 0 && WIFEXITED(status) && WEXITSTATUS(status) == orphan_ok,
                 "the orphan was reparented to us and reaped",
                 "wait " + std::to_string(got) + " status " + std::to_string(status));
}

}  // namespace

int main(int argc, char** argv) {
    Report report("fork-pressure");
    long limit = argc > 1 ? std::atol(argv[1]) : 64;
    // On the host, orphans come back to us rather than to the real init.
    (void)prctl(PR_SET_CHILD_SUBREAPER, 1);
    int status = 0;
    report.check(waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD, "no children: ECHILD", "not ECHILD");

    orphan_case(report);

    int fds[2], ready[2];
    if (!report.check(pipe(fds) == 0 && pipe(ready) == 0, "pipes", "pipe failed")) return report.summarize() ? 0 : 1;
    pid_t self = getpid();
    long children = 0;
    int fork_errno = 0;
    for (;;) {
        if (limit != 0 && children == limit) break;
        pid_t child = fork();
        if (child < 0) {
            fork_errno = errno;
            break;
        }
        if (child == 0) {
            close(fds[1]);
            char byte = 'r';
            if (write(ready[1], &byte, 1) != 1) _exit(3);
            ssize_t got = read(fds[0], &byte, 1);
            _exit(got == 0 && getppid() == self ? child_ok : 1);
        }
        ++children;
        char byte;
        if (read(ready[0], &byte, 1) != 1) {
            report.fail("the child reports it runs", "read failed");
            break;
        }
        if (children == 1) {
            report.check(waitpid(-1, &status, WNOHANG) == 0, "WNOHANG with a blocked child returns 0",
                         "did not return 0");
        }
    }
    std::printf("fork-pressure: %ld children, then %s\n", children,
                fork_errno != 0 ? strerrorname_np(fork_errno) : "the limit");
    std::fflush(stdout);
    if (limit == 0) report.check(fork_errno == ENOMEM, "fork fails with ENOMEM when memory runs out", "other error");
    report.check(children > 0, "at least one child", "none");

    close(fds[1]);  // every child now reads end of file
    long exited = 0, killed = 0, wrong = 0;
    for (;;) {
        pid_t got = wait(&status);
        if (got < 0) break;
        if (WIFEXITED(status) && WEXITSTATUS(status) == child_ok)
            ++exited;
        else if (WIFSIGNALED(status))
            ++killed;  // a child's own page fault can find no memory, as on Linux
        else
            ++wrong;
    }
    std::printf("fork-pressure: %ld exited normally, %ld killed, %ld wrong\n", exited, killed, wrong);
    report.check(errno == ECHILD, "all children reaped, then ECHILD", "wait failed otherwise");
    report.check(exited + killed == children && wrong == 0, "every child saw EOF and its parent",
                 std::to_string(wrong) + " wrong");
    report.check(exited > 0, "children exited normally", "none did");
    close(fds[0]);
    close(ready[0]);
    close(ready[1]);
    return report.summarize() ? 0 : 1;
}
