// timerfd_create, timerfd_settime, timerfd_gettime: one-shot and periodic
// timers, absolute times, reads of the expiration count, EAGAIN, EINVAL.
#include <fcntl.h>
#include <poll.h>
#include <sys/timerfd.h>
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

itimerspec after_ms(long value_ms, long interval_ms = 0) {
    itimerspec spec{};
    spec.it_value.tv_sec = value_ms / 1000;
    spec.it_value.tv_nsec = (value_ms % 1000) * 1000000;
    spec.it_interval.tv_sec = interval_ms / 1000;
    spec.it_interval.tv_nsec = (interval_ms % 1000) * 1000000;
    return spec;
}

long long now_ms(clockid_t clock) {
    timespec now;
    clock_gettime(clock, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

}  // namespace

POSIX_TEST(timerfd, disarmed_timer_read_is_eagain_when_nonblocking) {
    int fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
    uint64_t count;
    CHECK_ERRNO(read(fd, &count, sizeof count), EAGAIN);
    itimerspec current;
    CHECK_OK(timerfd_gettime(fd, &current));
    CHECK_EQ(current.it_value.tv_sec, 0);
    CHECK_EQ(current.it_value.tv_nsec, 0);
}

POSIX_TEST(timerfd, one_shot_read_blocks_until_expiry) {
    int fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
    itimerspec spec = after_ms(50);
    long long start = now_ms(CLOCK_MONOTONIC);
    CHECK_OK(timerfd_settime(fd, 0, &spec, nullptr));
    uint64_t count = 0;
    CHECK_EQ(CHECK_OK(read(fd, &count, sizeof count)), 8);
    CHECK_EQ(count, 1u);
    CHECK(now_ms(CLOCK_MONOTONIC) - start >= 49);
}

POSIX_TEST(timerfd, periodic_timer_counts_missed_expirations) {
    int fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
    itimerspec spec = after_ms(10, 10);
    long long start = now_ms(CLOCK_MONOTONIC);
    CHECK_OK(timerfd_settime(fd, 0, &spec, nullptr));
    usleep(105000);
    uint64_t count = 0;
    CHECK_OK(read(fd, &count, sizeof count));
    // A loaded machine may oversleep: at most one expiry per 10 ms passed.
    long long elapsed = now_ms(CLOCK_MONOTONIC) - start;
    CHECK(count >= 9 && static_cast<long long>(count) <= elapsed / 10 + 1);
    itimerspec current;
    CHECK_OK(timerfd_gettime(fd, &current));
    CHECK_EQ(current.it_interval.tv_nsec, 10000000);
}

POSIX_TEST(timerfd, absolute_realtime_in_the_past_expires_at_once) {
    int fd = CHECK_OK(timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK));
    itimerspec spec{};
    spec.it_value.tv_sec = 1;  // 1970
    CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr));
    uint64_t count = 0;
    CHECK_OK(read(fd, &count, sizeof count));
    CHECK_EQ(count, 1u);
}

POSIX_TEST(timerfd, absolute_monotonic_expires_at_the_time) {
    int fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    itimerspec spec{};
    spec.it_value = now;
    spec.it_value.tv_nsec += 30000000;
    if (spec.it_value.tv_nsec >= 1000000000) {
        spec.it_value.tv_sec += 1;
        spec.it_value.tv_nsec -= 1000000000;
    }
    CHECK_OK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr));
    pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 0);
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 2000)), 1);
    CHECK_EQ(entry.revents, POLLIN);
}

POSIX_TEST(timerfd, settime_returns_the_old_value_and_disarms) {
    int fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK));
    itimerspec spec = after_ms(10000, 1000);
    CHECK_OK(timerfd_settime(fd, 0, &spec, nullptr));
    itimerspec zero{}, old{};
    CHECK_OK(timerfd_settime(fd, 0, &zero, &old));
    CHECK(old.it_value.tv_sec >= 9 && old.it_value.tv_sec <= 10);
    CHECK_EQ(old.it_interval.tv_sec, 1);
    itimerspec current;
    CHECK_OK(timerfd_gettime(fd, &current));
    CHECK_EQ(current.it_value.tv_sec, 0);
    CHECK_EQ(current.it_value.tv_nsec, 0);
}

POSIX_TEST(timerfd, bad_arguments) {
    CHECK_ERRNO(timerfd_create(12345, 0), EINVAL);
    CHECK_ERRNO(timerfd_create(CLOCK_MONOTONIC, 0x1), EINVAL);
    int fd = CHECK_OK(timerfd_create(CLOCK_MONOTONIC, 0));
    itimerspec bad = after_ms(10);
    bad.it_value.tv_nsec = 1000000000;
    CHECK_ERRNO(timerfd_settime(fd, 0, &bad, nullptr), EINVAL);
    itimerspec good = after_ms(10);
    CHECK_ERRNO(timerfd_settime(fd, 0x100, &good, nullptr), EINVAL);
    CHECK_ERRNO(timerfd_settime(fd, 0, bad_address<itimerspec>(), nullptr), EFAULT);
    CHECK_ERRNO(timerfd_settime(999, 0, &good, nullptr), EBADF);
    int pipe_fds[2];
    CHECK_OK(pipe(pipe_fds));
    CHECK_ERRNO(timerfd_settime(pipe_fds[0], 0, &good, nullptr), EINVAL);
    CHECK_ERRNO(timerfd_gettime(pipe_fds[0], &good), EINVAL);
    uint32_t small;
    CHECK_ERRNO(read(fd, &small, sizeof small), EINVAL);
}
