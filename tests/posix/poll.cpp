// poll, ppoll, select and pselect6 over the waitable objects: each wait
// sleeps on its files' own readiness and is woken by the one that changes
// (from another process too), by a timer's expiry, or by its timeout.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include "posix_test.h"

namespace {

long long now_ms() {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

// A child that writes one byte to fd after 50 ms.
pid_t write_later(int fd) {
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        _exit(write(fd, "w", 1) == 1 ? 0 : 1);
    }
    return child;
}

}  // namespace

POSIX_TEST(poll, the_one_changing_file_wakes_a_wait_on_several) {
    int pipe_fds[2], sv[2];
    CHECK_OK(pipe(pipe_fds));
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int counter = CHECK_OK(eventfd(0, 0));
    pid_t child = CHECK_OK(write_later(sv[1]));
    pollfd entries[3] = {{pipe_fds[0], POLLIN, 0}, {sv[0], POLLIN, 0}, {counter, POLLIN, 0}};
    CHECK_EQ(CHECK_OK(poll(entries, 3, 5000)), 1);
    CHECK_EQ(entries[0].revents, 0);
    CHECK_EQ(entries[1].revents, POLLIN);
    CHECK_EQ(entries[2].revents, 0);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}

POSIX_TEST(poll, a_timerfd_expiry_wakes_poll) {
    int timer = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
    itimerspec spec{};
    spec.it_value.tv_nsec = 40000000;
    CHECK_OK(timerfd_settime(timer, 0, &spec, nullptr));
    long long start = now_ms();
    pollfd entry = {timer, POLLIN, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 5000)), 1);
    CHECK_EQ(entry.revents, POLLIN);
    long long elapsed = now_ms() - start;
    CHECK(elapsed >= 35 && elapsed < 2000);
}

POSIX_TEST(poll, select_is_woken_by_a_socket_from_another_process) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    pid_t child = CHECK_OK(write_later(sv[1]));
    fd_set reads;
    FD_ZERO(&reads);
    FD_SET(sv[0], &reads);
    timeval timeout = {5, 0};
    CHECK_EQ(CHECK_OK(select(sv[0] + 1, &reads, nullptr, nullptr, &timeout)), 1);
    CHECK(FD_ISSET(sv[0], &reads));
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}

POSIX_TEST(poll, ppoll_times_out_on_quiet_files) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    pollfd entry = {sv[0], POLLIN, 0};
    timespec timeout = {0, 30000000};
    long long start = now_ms();
    CHECK_EQ(CHECK_OK(ppoll(&entry, 1, &timeout, nullptr)), 0);
    CHECK(now_ms() - start >= 29);
    CHECK_EQ(entry.revents, 0);
}

POSIX_TEST(poll, a_peer_closing_reports_hangup) {
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        _exit(0);  // closes its copy; the parent closes its own below
    }
    CHECK_OK(close(sv[1]));
    pollfd entry = {sv[0], POLLIN, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 5000)), 1);
    CHECK_EQ(entry.revents & POLLHUP, POLLHUP);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}

POSIX_TEST(poll, pselect_with_a_mask_and_an_eventfd) {
    int counter = CHECK_OK(eventfd(0, 0));
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        uint64_t one = 1;
        _exit(write(counter, &one, sizeof one) == 8 ? 0 : 1);
    }
    sigset_t mask;
    sigemptyset(&mask);
    fd_set reads;
    FD_ZERO(&reads);
    FD_SET(counter, &reads);
    timespec timeout = {5, 0};
    CHECK_EQ(CHECK_OK(pselect(counter + 1, &reads, nullptr, nullptr, &timeout, &mask)), 1);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}
