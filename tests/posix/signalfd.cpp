// signalfd and signalfd4: reading blocked signals as signalfd_siginfo,
// readiness for poll and epoll, changing the mask, and the errors.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posix_test.h"

namespace {

sigset_t only(int signal) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signal);
    return set;
}

void block(int signal) {
    sigset_t set = only(signal);
    sigprocmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

POSIX_TEST(signalfd, reads_a_pending_blocked_signal) {
    block(SIGUSR1);
    sigset_t set = only(SIGUSR1);
    int fd = CHECK_OK(signalfd(-1, &set, SFD_NONBLOCK));
    signalfd_siginfo info{};
    CHECK_ERRNO(read(fd, &info, sizeof info), EAGAIN);
    CHECK_OK(kill(getpid(), SIGUSR1));
    CHECK_EQ(CHECK_OK(read(fd, &info, sizeof info)), static_cast<ssize_t>(sizeof info));
    CHECK_EQ(info.ssi_signo, static_cast<uint32_t>(SIGUSR1));
    CHECK_EQ(info.ssi_pid, static_cast<uint32_t>(getpid()));
    CHECK_EQ(info.ssi_code, SI_USER);
    sigset_t pending;
    sigpending(&pending);
    CHECK_EQ(sigismember(&pending, SIGUSR1), 0);  // taken by the read
    CHECK_ERRNO(read(fd, &info, sizeof info), EAGAIN);
}

POSIX_TEST(signalfd, poll_and_epoll_see_a_pending_signal) {
    block(SIGUSR2);
    sigset_t set = only(SIGUSR2);
    int fd = CHECK_OK(signalfd(-1, &set, 0));
    pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 0);
    int ep = CHECK_OK(epoll_create1(0));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = 3;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event));
    CHECK_OK(kill(getpid(), SIGUSR2));
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
    CHECK_EQ(entry.revents, POLLIN);
    epoll_event ready[1];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, ready, 1, 0)), 1);
    CHECK_EQ(ready[0].data.u64, 3u);
}

POSIX_TEST(signalfd, blocking_read_is_woken_by_a_child_signal) {
    block(SIGCHLD);
    sigset_t set = only(SIGCHLD);
    int fd = CHECK_OK(signalfd(-1, &set, SFD_CLOEXEC));
    CHECK_EQ(CHECK_OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        usleep(50000);
        _exit(7);
    }
    signalfd_siginfo info{};
    CHECK_EQ(CHECK_OK(read(fd, &info, sizeof info)), static_cast<ssize_t>(sizeof info));
    CHECK_EQ(info.ssi_signo, static_cast<uint32_t>(SIGCHLD));
    CHECK_EQ(info.ssi_pid, static_cast<uint32_t>(child));
    CHECK_EQ(info.ssi_status, 7);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}

POSIX_TEST(signalfd, epoll_wait_is_woken_by_a_signal_from_another_process) {
    block(SIGUSR1);
    sigset_t set = only(SIGUSR1);
    int fd = CHECK_OK(signalfd(-1, &set, 0));
    int ep = CHECK_OK(epoll_create1(0));
    epoll_event event{};
    event.events = EPOLLIN;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event));
    pid_t parent = getpid();
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        usleep(50000);
        _exit(kill(parent, SIGUSR1) == 0 ? 0 : 1);
    }
    epoll_event ready[1];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, ready, 1, 5000)), 1);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}

POSIX_TEST(signalfd, changing_the_mask_of_an_existing_fd) {
    block(SIGUSR1);
    block(SIGUSR2);
    sigset_t set = only(SIGUSR1);
    int fd = CHECK_OK(signalfd(-1, &set, SFD_NONBLOCK));
    CHECK_OK(kill(getpid(), SIGUSR2));
    signalfd_siginfo info{};
    CHECK_ERRNO(read(fd, &info, sizeof info), EAGAIN);
    sigset_t other = only(SIGUSR2);
    CHECK_EQ(CHECK_OK(signalfd(fd, &other, 0)), fd);
    CHECK_EQ(CHECK_OK(read(fd, &info, sizeof info)), static_cast<ssize_t>(sizeof info));
    CHECK_EQ(info.ssi_signo, static_cast<uint32_t>(SIGUSR2));
}

POSIX_TEST(signalfd, errors) {
    sigset_t set = only(SIGUSR1);
    CHECK_ERRNO(signalfd(-1, &set, 0x1), EINVAL);
    CHECK_ERRNO(static_cast<int>(syscall(SYS_signalfd4, -1, &set, 4, 0)), EINVAL);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(signalfd(fds[0], &set, 0), EINVAL);
    CHECK_ERRNO(signalfd(999, &set, 0), EBADF);
    int fd = CHECK_OK(signalfd(-1, &set, 0));
    char small[8];
    CHECK_ERRNO(read(fd, small, sizeof small), EINVAL);
}
