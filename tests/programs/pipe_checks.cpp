// pipe-checks: pipes and descriptors, run on the Linux host and in Tessera
// with the same expectations. Non-blocking ends, the 64 KiB capacity, end
// of file, EPIPE, bad flags, close-on-exec across execve, F_GETFL, dup3's
// EINVAL, and a blocking transfer with a forked writer checked byte by byte.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "report.h"

namespace {

using tessera::programs::Report;

constexpr size_t transfer_bytes = 300000;

unsigned char pattern(size_t i) {
    return static_cast<unsigned char>((i * 7 + i / 251) & 0xFF);
}

// Run after execve with "--exec-probe CLOEXEC_FD KEPT_FD": 0 when the first
// was closed by the exec and the second survived.
int exec_probe(int closed_fd, int kept_fd) {
    bool closed = fcntl(closed_fd, F_GETFD) == -1 && errno == EBADF;
    bool kept = fcntl(kept_fd, F_GETFD) == 0;
    return closed && kept ? 0 : 1;
}

void nonblocking_and_capacity(Report& report) {
    int fds[2];
    if (!report.check(pipe2(fds, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK)", strerror(errno))) return;
    char byte;
    report.check(read(fds[0], &byte, 1) == -1 && errno == EAGAIN, "empty non-blocking read: EAGAIN", "not EAGAIN");
    static char block[4096];
    size_t total = 0;
    for (;;) {
        ssize_t wrote = write(fds[1], block, sizeof block);
        if (wrote <= 0) break;
        total += static_cast<size_t>(wrote);
    }
    report.check(errno == EAGAIN, "full non-blocking write: EAGAIN", strerror(errno));
    report.check(total == 65536, "capacity is 64 KiB", std::to_string(total));
    int flags = fcntl(fds[1], F_GETFL);
    report.check((flags & O_ACCMODE) == O_WRONLY && (flags & O_NONBLOCK), "F_GETFL: O_WRONLY|O_NONBLOCK",
                 std::to_string(flags));
    close(fds[0]);
    report.check(write(fds[1], "x", 1) == -1 && errno == EPIPE, "write with no reader: EPIPE", strerror(errno));
    close(fds[1]);
}

void end_of_file_and_errors(Report& report) {
    int fds[2];
    if (!report.check(pipe(fds) == 0, "pipe", strerror(errno))) return;
    report.check(write(fds[1], "abc", 3) == 3, "write 3 bytes", strerror(errno));
    close(fds[1]);
    char buffer[8];
    report.check(read(fds[0], buffer, sizeof buffer) == 3 && std::memcmp(buffer, "abc", 3) == 0,
                 "read what was written", "wrong data");
    report.check(read(fds[0], buffer, sizeof buffer) == 0, "then end of file", "not 0");
    report.check(write(fds[0], "x", 1) == -1 && errno == EBADF, "writing the read end: EBADF", strerror(errno));
    report.check(dup2(fds[0], fds[0]) == fds[0], "dup2 onto itself", strerror(errno));
    report.check(dup3(fds[0], fds[0], 0) == -1 && errno == EINVAL, "dup3 onto itself: EINVAL", strerror(errno));
    close(fds[0]);
    report.check(pipe2(fds, 0x40000000) == -1 && errno == EINVAL, "pipe2 with unknown flags: EINVAL", strerror(errno));
}

void close_on_exec(Report& report) {
    int closed[2], kept[2];
    if (!report.check(pipe2(closed, O_CLOEXEC) == 0 && pipe(kept) == 0, "pipes for exec", strerror(errno))) return;
    const char* self = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
    pid_t child = fork();
    if (child == 0) {
        std::string a = std::to_string(closed[1]), b = std::to_string(kept[1]);
        char* args[] = {const_cast<char*>(self), const_cast<char*>("--exec-probe"), a.data(), b.data(), nullptr};
        execve(self, args, environ);
        _exit(127);
    }
    int status = -1;
    report.check(child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                 "execve closed the O_CLOEXEC end and kept the other", "status " + std::to_string(status));
    for (int fd : {closed[0], closed[1], kept[0], kept[1]}) close(fd);
}

void blocking_transfer(Report& report) {
    int fds[2];
    if (!report.check(pipe(fds) == 0, "pipe for the transfer", strerror(errno))) return;
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        static unsigned char data[transfer_bytes];
        for (size_t i = 0; i < transfer_bytes; ++i) data[i] = pattern(i);
        size_t done = 0;
        // Odd-sized writes: some split across the ring's end, some block.
        while (done < transfer_bytes) {
            size_t chunk = std::min<size_t>(transfer_bytes - done, 12345);
            ssize_t wrote = write(fds[1], data + done, chunk);
            if (wrote <= 0) _exit(2);
            done += static_cast<size_t>(wrote);
        }
        _exit(0);
    }
    close(fds[1]);
    size_t total = 0, wrong = 0;
    static unsigned char buffer[7000];
    for (;;) {
        ssize_t got = read(fds[0], buffer, sizeof buffer);
        if (got <= 0) break;
        for (ssize_t i = 0; i < got; ++i) wrong += buffer[i] != pattern(total + static_cast<size_t>(i));
        total += static_cast<size_t>(got);
    }
    close(fds[0]);
    int status = -1;
    waitpid(child, &status, 0);
    report.check(total == transfer_bytes && wrong == 0, "300000 bytes through a blocking pipe, in order",
                 std::to_string(total) + " bytes, " + std::to_string(wrong) + " wrong");
    report.check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the writer exited 0", std::to_string(status));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--exec-probe") == 0)
        return exec_probe(std::atoi(argv[2]), std::atoi(argv[3]));
    // On Linux SIGPIPE would kill us before EPIPE is seen; Tessera has no signals yet.
    signal(SIGPIPE, SIG_IGN);
    Report report("pipe-checks");
    nonblocking_and_capacity(report);
    end_of_file_and_errors(report);
    close_on_exec(report);
    blocking_transfer(report);
    return report.summarize() ? 0 : 1;
}
