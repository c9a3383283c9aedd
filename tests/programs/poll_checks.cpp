// poll-checks: poll, ppoll, select and pselect over pipes and regular files,
// run on the Linux host and in Tessera with the same expectations. Both
// ends' readiness (POLLIN, POLLOUT, POLLHUP, POLLERR), POLLNVAL, timeouts
// of zero, some and forever (woken by a forked writer), EFAULT, EINVAL for
// too many descriptors, and EBADF from select.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "report.h"

namespace {

using tessera::programs::Report;

long long now_ms() {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

std::string describe(int result, short revents) {
    return "returned " + std::to_string(result) + " revents " + std::to_string(revents) +
           (result < 0 ? std::string(" ") + strerror(errno) : "");
}

void pipe_readiness(Report& report) {
    int fds[2];
    if (!report.check(pipe(fds) == 0, "pipe", strerror(errno))) return;
    pollfd both[2] = {{fds[0], POLLIN, 0}, {fds[1], POLLOUT, 0}};
    int result = poll(both, 2, 0);
    report.check(result == 1 && both[0].revents == 0 && both[1].revents == POLLOUT,
                 "empty pipe: write end POLLOUT only", describe(result, both[0].revents));
    (void)!write(fds[1], "x", 1);
    result = poll(both, 2, 0);
    report.check(result == 2 && both[0].revents == POLLIN, "a byte buffered: read end POLLIN",
                 describe(result, both[0].revents));
    close(fds[1]);
    pollfd reader = {fds[0], POLLIN, 0};
    result = poll(&reader, 1, 0);
    report.check(result == 1 && reader.revents == (POLLIN | POLLHUP), "writer gone, byte left: POLLIN|POLLHUP",
                 describe(result, reader.revents));
    char byte;
    (void)!read(fds[0], &byte, 1);
    result = poll(&reader, 1, 0);
    report.check(result == 1 && reader.revents == POLLHUP, "writer gone, empty: POLLHUP",
                 describe(result, reader.revents));
    close(fds[0]);

    if (!report.check(pipe(fds) == 0, "pipe", strerror(errno))) return;
    close(fds[0]);
    pollfd writer = {fds[1], POLLOUT, 0};
    result = poll(&writer, 1, 0);
    report.check(result == 1 && (writer.revents & POLLERR), "reader gone: POLLERR", describe(result, writer.revents));
    close(fds[1]);
}

void descriptors_and_errors(Report& report, const char* self) {
    int file = open(self, O_RDONLY);
    pollfd fds[3] = {{file, POLLIN | POLLOUT, 0}, {-1, POLLIN, 7}, {1000, POLLIN, 0}};
    close(1000);
    int result = poll(fds, 3, 0);
    report.check(result == 2 && fds[0].revents == (POLLIN | POLLOUT), "regular file: POLLIN|POLLOUT",
                 describe(result, fds[0].revents));
    report.check(fds[1].revents == 0, "negative fd: ignored", std::to_string(fds[1].revents));
    report.check(fds[2].revents == POLLNVAL, "closed fd: POLLNVAL", std::to_string(fds[2].revents));
    close(file);

    // Through volatile pointers: the compiler must not see the bad sizes.
    pollfd* volatile bad_array = reinterpret_cast<pollfd*>(8);
    pollfd* volatile small_array = fds;
    result = poll(bad_array, 1, 0);
    report.check(result == -1 && errno == EFAULT, "bad array: EFAULT", describe(result, 0));
    rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    result = poll(small_array, static_cast<nfds_t>(limit.rlim_cur) + 1, 0);
    report.check(result == -1 && errno == EINVAL, "nfds over RLIMIT_NOFILE: EINVAL", describe(result, 0));
    timespec bad = {0, 1000000000};
    result = ppoll(fds, 1, &bad, nullptr);
    report.check(result == -1 && errno == EINVAL, "ppoll nanoseconds out of range: EINVAL", describe(result, 0));
}

void timeouts(Report& report) {
    int fds[2];
    if (!report.check(pipe(fds) == 0, "pipe", strerror(errno))) return;
    pollfd reader = {fds[0], POLLIN, 0};
    long long start = now_ms();
    int result = poll(&reader, 1, 50);
    long long waited = now_ms() - start;
    report.check(result == 0 && waited >= 45, "poll(50 ms) on an empty pipe times out",
                 describe(result, reader.revents) + " after " + std::to_string(waited) + " ms");
    timespec twenty = {0, 20000000};
    start = now_ms();
    result = ppoll(&reader, 1, &twenty, nullptr);
    waited = now_ms() - start;
    report.check(result == 0 && waited >= 15, "ppoll(20 ms) times out",
                 describe(result, reader.revents) + " after " + std::to_string(waited) + " ms");

    // Forever, until a forked child writes after a pause.
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        (void)!write(fds[1], "y", 1);
        _exit(0);
    }
    result = poll(&reader, 1, -1);
    report.check(result == 1 && reader.revents == POLLIN, "poll(-1) wakes when a child writes",
                 describe(result, reader.revents));
    int status = 0;
    waitpid(child, &status, 0);
    close(fds[0]);
    close(fds[1]);
}

void select_checks(Report& report) {
    int fds[2];
    if (!report.check(pipe(fds) == 0, "pipe", strerror(errno))) return;
    fd_set reads, writes;
    FD_ZERO(&reads);
    FD_ZERO(&writes);
    FD_SET(fds[0], &reads);
    FD_SET(fds[1], &writes);
    timeval zero = {0, 0};
    int result = select(fds[1] + 1, &reads, &writes, nullptr, &zero);
    report.check(result == 1 && !FD_ISSET(fds[0], &reads) && FD_ISSET(fds[1], &writes),
                 "select: empty pipe writable, not readable", describe(result, 0));
    (void)!write(fds[1], "z", 1);
    FD_ZERO(&reads);
    FD_SET(fds[0], &reads);
    timeval second = {1, 0};
    result = select(fds[0] + 1, &reads, nullptr, nullptr, &second);
    report.check(result == 1 && FD_ISSET(fds[0], &reads), "select: a byte makes it readable", describe(result, 0));
    FD_ZERO(&reads);
    FD_SET(fds[0], &reads);
    timespec wait = {0, 10000000};
    result = pselect(fds[0] + 1, &reads, nullptr, nullptr, &wait, nullptr);
    report.check(result == 1 && FD_ISSET(fds[0], &reads), "pselect: readable", describe(result, 0));
    char byte;
    (void)!read(fds[0], &byte, 1);
    FD_ZERO(&reads);
    FD_SET(fds[0], &reads);
    timeval twenty = {0, 20000};
    result = select(fds[0] + 1, &reads, nullptr, nullptr, &twenty);
    report.check(result == 0 && !FD_ISSET(fds[0], &reads), "select(20 ms) on an empty pipe times out",
                 describe(result, 0));
    close(fds[0]);
    close(fds[1]);
    FD_ZERO(&reads);
    FD_SET(fds[0], &reads);
    zero = {0, 0};
    result = select(fds[0] + 1, &reads, nullptr, nullptr, &zero);
    report.check(result == -1 && errno == EBADF, "select on a closed fd: EBADF", describe(result, 0));
}

}  // namespace

int main(int, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    Report report("poll-checks");
    pipe_readiness(report);
    descriptors_and_errors(report, argv[0]);
    timeouts(report);
    select_checks(report);
    return report.summarize() ? 0 : 1;
}
