// epoll: create, ctl (ADD/MOD/DEL and their errors), wait with level- and
// edge-triggered items, EPOLLONESHOT, nesting, closing a watched fd,
// timeouts, timerfd and eventfd as sources, a wakeup from another process.
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include "posix_test.h"

namespace {

// An address that is never mapped, hidden from the compiler's checks.
void* volatile unmapped_address = reinterpret_cast<void*>(8);
template <typename T>
T* bad_address() {
    return static_cast<T*>(unmapped_address);
}

int add(int epoll_fd, int fd, uint32_t events, uint64_t data) {
    epoll_event event{};
    event.events = events;
    event.data.u64 = data;
    return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
}

long long now_ms() {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

}  // namespace

POSIX_TEST(epoll, create_flags) {
    int fd = CHECK_OK(epoll_create1(EPOLL_CLOEXEC));
    CHECK_EQ(CHECK_OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    CHECK_ERRNO(epoll_create1(1), EINVAL);
    CHECK_ERRNO(epoll_create(0), EINVAL);
    CHECK_OK(epoll_create(1));
}

POSIX_TEST(epoll, level_triggered_reports_while_ready) {
    int ep = CHECK_OK(epoll_create1(0));
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(add(ep, fds[0], EPOLLIN, 42));
    epoll_event events[4];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 4, 0)), 0);
    CHECK_OK(write(fds[1], "ab", 2));
    for (int round = 0; round < 2; ++round) {
        CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 4, 0)), 1);
        CHECK_EQ(events[0].events, EPOLLIN);
        CHECK_EQ(events[0].data.u64, 42u);
    }
}

POSIX_TEST(epoll, edge_triggered_reports_once_per_change) {
    int ep = CHECK_OK(epoll_create1(0));
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(add(ep, fds[0], EPOLLIN | EPOLLET, 1));
    epoll_event events[4];
    CHECK_OK(write(fds[1], "a", 1));
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 4, 0)), 1);
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 4, 0)), 0);
    CHECK_OK(write(fds[1], "b", 1));
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 4, 0)), 1);
}

POSIX_TEST(epoll, oneshot_is_disabled_until_modified) {
    int ep = CHECK_OK(epoll_create1(0));
    int fd = CHECK_OK(eventfd(1, 0));
    CHECK_OK(add(ep, fd, EPOLLIN | EPOLLONESHOT, 7));
    epoll_event events[2];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 2, 0)), 1);
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 2, 0)), 0);
    epoll_event again{};
    again.events = EPOLLIN | EPOLLONESHOT;
    again.data.u64 = 8;
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_MOD, fd, &again));
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 2, 0)), 1);
    CHECK_EQ(events[0].data.u64, 8u);
}

POSIX_TEST(epoll, ctl_errors) {
    int ep = CHECK_OK(epoll_create1(0));
    int fd = CHECK_OK(eventfd(0, 0));
    CHECK_OK(add(ep, fd, EPOLLIN, 0));
    CHECK_ERRNO(add(ep, fd, EPOLLIN, 0), EEXIST);
    epoll_event event{};
    event.events = EPOLLIN;
    int other = CHECK_OK(eventfd(0, 0));
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, other, &event), ENOENT);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, other, nullptr), ENOENT);
    CHECK_ERRNO(add(ep, ep, EPOLLIN, 0), EINVAL);
    CHECK_ERRNO(add(fd, other, EPOLLIN, 0), EINVAL);  // not an epoll
    CHECK_ERRNO(add(ep, 999, EPOLLIN, 0), EBADF);
    CHECK_ERRNO(add(999, fd, EPOLLIN, 0), EBADF);
    CHECK_ERRNO(epoll_ctl(ep, 99, other, &event), EINVAL);
    CHECK_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, other, bad_address<epoll_event>()), EFAULT);
    int directory = CHECK_OK(open("/", O_RDONLY | O_DIRECTORY));  // always ready: not pollable
    CHECK_ERRNO(add(ep, directory, EPOLLIN, 0), EPERM);
    CHECK_OK(epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr));
    CHECK_OK(add(ep, fd, EPOLLIN, 0));
}

POSIX_TEST(epoll, wait_errors) {
    int ep = CHECK_OK(epoll_create1(0));
    epoll_event events[1];
    CHECK_ERRNO(epoll_wait(ep, events, 0, 0), EINVAL);
    CHECK_ERRNO(epoll_wait(999, events, 1, 0), EBADF);
    int fd = CHECK_OK(eventfd(0, 0));
    CHECK_ERRNO(epoll_wait(fd, events, 1, 0), EINVAL);
    // Only a copy of a ready event can fault.
    uint64_t one = 1;
    CHECK_OK(write(fd, &one, sizeof one));
    CHECK_OK(add(ep, fd, EPOLLIN, 0));
    CHECK_ERRNO(epoll_wait(ep, bad_address<epoll_event>(), 1, 0), EFAULT);
}

POSIX_TEST(epoll, timeout_passes) {
    int ep = CHECK_OK(epoll_create1(0));
    epoll_event events[1];
    long long start = now_ms();
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 1, 50)), 0);
    CHECK(now_ms() - start >= 49);
}

POSIX_TEST(epoll, hangup_and_error_are_always_reported) {
    int ep = CHECK_OK(epoll_create1(0));
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(add(ep, fds[0], 0, 1));
    CHECK_OK(close(fds[1]));
    epoll_event events[2];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 2, 0)), 1);
    CHECK_EQ(events[0].events, EPOLLHUP);
}

POSIX_TEST(epoll, closing_the_last_reference_removes_the_item) {
    int ep = CHECK_OK(epoll_create1(0));
    int fd = CHECK_OK(eventfd(1, 0));
    CHECK_OK(add(ep, fd, EPOLLIN, 1));
    int copy = CHECK_OK(dup(fd));
    CHECK_OK(close(fd));
    epoll_event events[2];
    // The file lives on through the copy: still reported.
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 2, 0)), 1);
    CHECK_OK(close(copy));
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 2, 0)), 0);
}

POSIX_TEST(epoll, nested_epoll_is_readable_when_inner_is_ready) {
    int outer = CHECK_OK(epoll_create1(0));
    int inner = CHECK_OK(epoll_create1(0));
    int fd = CHECK_OK(eventfd(0, 0));
    CHECK_OK(add(inner, fd, EPOLLIN, 1));
    CHECK_OK(add(outer, inner, EPOLLIN, 2));
    CHECK_ERRNO(add(inner, outer, EPOLLIN, 3), ELOOP);
    epoll_event events[2];
    CHECK_EQ(CHECK_OK(epoll_wait(outer, events, 2, 0)), 0);
    uint64_t one = 1;
    CHECK_OK(write(fd, &one, sizeof one));
    CHECK_EQ(CHECK_OK(epoll_wait(outer, events, 2, 0)), 1);
    CHECK_EQ(events[0].data.u64, 2u);
    pollfd entry = {inner, POLLIN, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
}

POSIX_TEST(epoll, timerfd_wakes_a_wait) {
    int ep = CHECK_OK(epoll_create1(0));
    int timer = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
    CHECK_OK(add(ep, timer, EPOLLIN | EPOLLET, 5));
    itimerspec spec{};
    spec.it_value.tv_nsec = 30000000;
    CHECK_OK(timerfd_settime(timer, 0, &spec, nullptr));
    epoll_event events[1];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 1, 3000)), 1);
    CHECK_EQ(events[0].data.u64, 5u);
}

POSIX_TEST(epoll, wait_is_woken_from_another_process) {
    int ep = CHECK_OK(epoll_create1(0));
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(add(ep, fds[0], EPOLLIN, 9));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        usleep(50000);
        _exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
    }
    epoll_event events[1];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 1, 5000)), 1);
    CHECK_EQ(events[0].data.u64, 9u);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}

POSIX_TEST(epoll, maxevents_limits_and_rotates) {
    int ep = CHECK_OK(epoll_create1(0));
    int a = CHECK_OK(eventfd(1, 0));
    int b = CHECK_OK(eventfd(1, 0));
    CHECK_OK(add(ep, a, EPOLLIN, 1));
    CHECK_OK(add(ep, b, EPOLLIN, 2));
    epoll_event events[1];
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 1, 0)), 1);
    uint64_t first = events[0].data.u64;
    CHECK_EQ(CHECK_OK(epoll_wait(ep, events, 1, 0)), 1);
    CHECK(events[0].data.u64 != first);
}

POSIX_TEST(epoll, pwait_accepts_a_mask) {
    int ep = CHECK_OK(epoll_create1(0));
    int fd = CHECK_OK(eventfd(1, 0));
    CHECK_OK(add(ep, fd, EPOLLIN, 1));
    sigset_t mask;
    sigemptyset(&mask);
    epoll_event events[1];
    CHECK_EQ(CHECK_OK(epoll_pwait(ep, events, 1, 0, &mask)), 1);
}

POSIX_TEST(epoll, pwait2_takes_a_timespec) {
    int ep = CHECK_OK(epoll_create1(0));
    epoll_event events[1];
    timespec timeout = {0, 20000000};
    long long start = now_ms();
    CHECK_EQ(CHECK_OK(static_cast<int>(syscall(SYS_epoll_pwait2, ep, events, 1, &timeout, nullptr, 8))), 0);
    CHECK(now_ms() - start >= 19);
    int fd = CHECK_OK(eventfd(1, 0));
    CHECK_OK(add(ep, fd, EPOLLIN, 4));
    CHECK_EQ(CHECK_OK(static_cast<int>(syscall(SYS_epoll_pwait2, ep, events, 1, nullptr, nullptr, 8))), 1);
    timespec bad = {0, 1000000000};
    CHECK_ERRNO(static_cast<int>(syscall(SYS_epoll_pwait2, ep, events, 1, &bad, nullptr, 8)), EINVAL);
}
