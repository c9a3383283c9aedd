// eventfd and eventfd2: the counter, EFD_SEMAPHORE, EFD_NONBLOCK, overflow
// rules, short buffers, poll readiness, a blocked reader woken by a writer.
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

uint64_t read_counter(int fd) {
    uint64_t value = 0;
    if (read(fd, &value, sizeof value) != sizeof value) return ~uint64_t(0);
    return value;
}

// A child that adds value to the counter after 50 ms, for a parent that waits.
pid_t add_later(int fd, uint64_t value) {
    pid_t child = fork();
    if (child == 0) {
        usleep(50000);
        _exit(write(fd, &value, sizeof value) == 8 ? 0 : 1);
    }
    return child;
}

}  // namespace

POSIX_TEST(eventfd, read_returns_the_initial_value_and_resets_it) {
    int fd = CHECK_OK(eventfd(5, EFD_NONBLOCK));
    CHECK_EQ(read_counter(fd), 5u);
    uint64_t value;
    CHECK_ERRNO(read(fd, &value, sizeof value), EAGAIN);
}

POSIX_TEST(eventfd, writes_add_up) {
    int fd = CHECK_OK(eventfd(0, 0));
    uint64_t one = 1, two = 2;
    CHECK_EQ(CHECK_OK(write(fd, &one, sizeof one)), 8);
    CHECK_EQ(CHECK_OK(write(fd, &two, sizeof two)), 8);
    CHECK_EQ(read_counter(fd), 3u);
}

POSIX_TEST(eventfd, semaphore_reads_one_at_a_time) {
    int fd = CHECK_OK(eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
    CHECK_EQ(read_counter(fd), 1u);
    CHECK_EQ(read_counter(fd), 1u);
    uint64_t value;
    CHECK_ERRNO(read(fd, &value, sizeof value), EAGAIN);
}

POSIX_TEST(eventfd, short_buffers_are_einval) {
    int fd = CHECK_OK(eventfd(1, 0));
    uint32_t small = 1;
    CHECK_ERRNO(read(fd, &small, sizeof small), EINVAL);
    CHECK_ERRNO(write(fd, &small, sizeof small), EINVAL);
}

POSIX_TEST(eventfd, writing_all_ones_is_einval) {
    int fd = CHECK_OK(eventfd(0, 0));
    uint64_t all = ~uint64_t(0);
    CHECK_ERRNO(write(fd, &all, sizeof all), EINVAL);
}

POSIX_TEST(eventfd, overflow_is_eagain_when_nonblocking) {
    int fd = CHECK_OK(eventfd(0, EFD_NONBLOCK));
    uint64_t most = ~uint64_t(0) - 1, one = 1;
    CHECK_EQ(CHECK_OK(write(fd, &most, sizeof most)), 8);
    CHECK_ERRNO(write(fd, &one, sizeof one), EAGAIN);
    pollfd entry = {fd, POLLIN | POLLOUT, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
    CHECK_EQ(entry.revents, POLLIN);
}

POSIX_TEST(eventfd, bad_flags_are_einval) {
    CHECK_ERRNO(eventfd(0, 0x40), EINVAL);
}

POSIX_TEST(eventfd, bad_buffer_is_efault) {
    int fd = CHECK_OK(eventfd(1, 0));
    CHECK_ERRNO(read(fd, bad_address<void>(), 8), EFAULT);
    CHECK_ERRNO(write(fd, bad_address<void>(), 8), EFAULT);
}

POSIX_TEST(eventfd, cloexec_flag_sets_fd_cloexec) {
    int fd = CHECK_OK(eventfd(0, EFD_CLOEXEC));
    CHECK_EQ(CHECK_OK(fcntl(fd, F_GETFD)) & FD_CLOEXEC, FD_CLOEXEC);
    int plain = CHECK_OK(static_cast<int>(syscall(SYS_eventfd, 0)));
    CHECK_EQ(CHECK_OK(fcntl(plain, F_GETFD)) & FD_CLOEXEC, 0);
}

POSIX_TEST(eventfd, poll_sees_readable_only_with_a_count) {
    int fd = CHECK_OK(eventfd(0, 0));
    pollfd entry = {fd, POLLIN | POLLOUT, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
    CHECK_EQ(entry.revents, POLLOUT);
    uint64_t one = 1;
    CHECK_OK(write(fd, &one, sizeof one));
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 0)), 1);
    CHECK_EQ(entry.revents, POLLIN | POLLOUT);
}

POSIX_TEST(eventfd, blocked_reader_is_woken_by_a_write) {
    int fd = CHECK_OK(eventfd(0, 0));
    pid_t child = CHECK_OK(add_later(fd, 7));
    CHECK_EQ(read_counter(fd), 7u);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK_EQ(status, 0);
}

POSIX_TEST(eventfd, poll_is_woken_by_a_write_from_another_process) {
    int fd = CHECK_OK(eventfd(0, 0));
    pid_t child = CHECK_OK(add_later(fd, 1));
    pollfd entry = {fd, POLLIN, 0};
    CHECK_EQ(CHECK_OK(poll(&entry, 1, 5000)), 1);
    CHECK_EQ(entry.revents, POLLIN);
    int status;
    CHECK_OK(waitpid(child, &status, 0));
}
