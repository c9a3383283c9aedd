// The standard devices in /dev: null, zero, full, random, urandom; /dev/tty
// without a controlling terminal.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "posix_test.h"

POSIX_TEST(dev, null_swallows_and_reads_nothing) {
    int fd = CHECK_OK(open("/dev/null", O_RDWR));
    CHECK_EQ(write(fd, "abc", 3), 3);
    char buffer[8];
    CHECK_EQ(read(fd, buffer, sizeof buffer), 0);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(major(st.st_rdev), 1u);
    CHECK_EQ(minor(st.st_rdev), 3u);
}

POSIX_TEST(dev, zero_reads_zeros_and_full_is_enospc) {
    int zero = CHECK_OK(open("/dev/zero", O_RDWR));
    char buffer[64];
    memset(buffer, 'x', sizeof buffer);
    CHECK_EQ(read(zero, buffer, sizeof buffer), 64);
    for (char c : buffer) CHECK(c == 0);
    CHECK_EQ(write(zero, buffer, 10), 10);
    int full = CHECK_OK(open("/dev/full", O_RDWR));
    CHECK_ERRNO(write(full, "x", 1), ENOSPC);
    CHECK_EQ(read(full, buffer, 8), 8);
}

POSIX_TEST(dev, random_and_urandom_give_bytes) {
    for (const char* path : {"/dev/random", "/dev/urandom"}) {
        int fd = CHECK_OK(open(path, O_RDONLY));
        unsigned char a[32] = {}, b[32] = {};
        CHECK_EQ(read(fd, a, sizeof a), 32);
        CHECK_EQ(read(fd, b, sizeof b), 32);
        CHECK(memcmp(a, b, sizeof a) != 0);
        CHECK_ERRNO(syscall(SYS_read, fd, 1, 8), EFAULT);
        CHECK_OK(close(fd));
    }
}

POSIX_TEST(dev, tty_without_a_controlling_terminal_is_enxio) {
    if (setsid() < 0) CHECK_EQ(errno, EPERM);  // a new session has no terminal
    CHECK_ERRNO(open("/dev/tty", O_RDWR), ENXIO);
}

POSIX_TEST(dev, mknod_of_an_unknown_device_opens_to_enxio) {
    CHECK_OK(mknod("nodevice", S_IFCHR | 0600, makedev(250, 77)));
    CHECK_ERRNO(open("nodevice", O_RDWR), ENXIO);
}
