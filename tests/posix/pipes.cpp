// Pipes: pipe and pipe2, reads and writes, EOF, EPIPE, O_NONBLOCK, dup.
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posix_test.h"

POSIX_TEST(pipe, bytes_come_out_in_order) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_EQ(CHECK_OK(write(fds[1], "abc", 3)), 3);
    char buffer[8] = {};
    CHECK_EQ(CHECK_OK(read(fds[0], buffer, sizeof buffer)), 3);
    CHECK_STREQ(buffer, "abc");
}

POSIX_TEST(pipe, read_after_the_writer_closed_is_eof) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(close(fds[1]));
    char byte;
    CHECK_EQ(CHECK_OK(read(fds[0], &byte, 1)), 0);
}

POSIX_TEST(pipe, write_without_a_reader_is_epipe_when_sigpipe_is_ignored) {
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(close(fds[0]));
    CHECK_ERRNO(write(fds[1], "x", 1), EPIPE);
}

POSIX_TEST(pipe, empty_nonblocking_read_is_eagain) {
    int fds[2];
    CHECK_OK(pipe2(fds, O_NONBLOCK));
    char byte;
    CHECK_ERRNO(read(fds[0], &byte, 1), EAGAIN);
}

POSIX_TEST(pipe, full_nonblocking_write_is_eagain) {
    int fds[2];
    CHECK_OK(pipe2(fds, O_NONBLOCK));
    static char block[4096];
    long total = 0;
    for (;;) {
        ssize_t written = write(fds[1], block, sizeof block);
        if (written < 0) break;
        total += written;
        CHECK(total < (16 << 20));
    }
    CHECK_EQ(errno, EAGAIN);
    CHECK(total >= 4096);
}

POSIX_TEST(pipe, fionread_counts_unread_bytes) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(write(fds[1], "hello", 5));
    int count = 0;
    CHECK_OK(ioctl(fds[0], FIONREAD, &count));
    CHECK_EQ(count, 5);
}

POSIX_TEST(pipe2, unknown_flags_are_einval) {
    int fds[2];
    CHECK_ERRNO(pipe2(fds, 0x1), EINVAL);
}

POSIX_TEST(pipe2, cloexec_sets_fd_cloexec) {
    int fds[2];
    CHECK_OK(pipe2(fds, O_CLOEXEC));
    CHECK_EQ(CHECK_OK(fcntl(fds[0], F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    CHECK_EQ(CHECK_OK(fcntl(fds[1], F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
}

POSIX_TEST(pipe, bad_array_pointer_is_efault) {
    CHECK_ERRNO(pipe(reinterpret_cast<int*>(8)), EFAULT);
}

POSIX_TEST(pipe, read_end_is_not_writable) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(write(fds[0], "x", 1), EBADF);
    char byte;
    CHECK_ERRNO(read(fds[1], &byte, 1), EBADF);
}

POSIX_TEST(dup, shares_the_pipe) {
    int fds[2];
    CHECK_OK(pipe(fds));
    int copy = CHECK_OK(dup(fds[1]));
    CHECK_OK(close(fds[1]));
    CHECK_EQ(CHECK_OK(write(copy, "y", 1)), 1);
    char byte = 0;
    CHECK_EQ(CHECK_OK(read(fds[0], &byte, 1)), 1);
    CHECK_EQ(byte, 'y');
}

POSIX_TEST(dup, of_a_closed_descriptor_is_ebadf) {
    CHECK_ERRNO(dup(1000), EBADF);
    CHECK_ERRNO(dup2(1000, 5), EBADF);
    CHECK_ERRNO(close(1000), EBADF);
}

POSIX_TEST(dup3, same_descriptor_is_einval) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(dup3(fds[0], fds[0], 0), EINVAL);
    CHECK_EQ(CHECK_OK(dup2(fds[0], fds[0])), fds[0]);
}

POSIX_TEST(pipe, child_reads_what_the_parent_writes) {
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        close(fds[1]);
        char buffer[16] = {};
        ssize_t got = 0, n;
        while ((n = read(fds[0], buffer + got, sizeof buffer - 1 - got)) > 0) got += n;
        _exit(std::strcmp(buffer, "ping") == 0 ? 0 : 1);
    }
    close(fds[0]);
    CHECK_OK(write(fds[1], "ping", 4));
    close(fds[1]);
    int status = 0;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK_EQ(WEXITSTATUS(status), 0);
}
