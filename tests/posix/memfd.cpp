// memfd_create: an anonymous file with seals (F_ADD_SEALS, F_GET_SEALS).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "posix_test.h"

POSIX_TEST(memfd, reads_writes_truncates) {
    int fd = CHECK_OK(memfd_create("test", 0));
    CHECK_EQ(fcntl(fd, F_GETFD), 0);
    CHECK_EQ(write(fd, "hello", 5), 5);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_size, 5);
    CHECK_OK(ftruncate(fd, 4096));
    char buffer[6] = {};
    CHECK_EQ(pread(fd, buffer, 5, 0), 5);
    CHECK_STREQ(buffer, "hello");
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL);  // without MFD_ALLOW_SEALING
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
}

POSIX_TEST(memfd, flags_and_name) {
    int fd = CHECK_OK(memfd_create("named", MFD_CLOEXEC));
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    char link[64];
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = CHECK_OK(readlink(path.c_str(), link, sizeof link));
    CHECK_STREQ(std::string(link, n).c_str(), "/memfd:named (deleted)");
    CHECK_ERRNO(memfd_create("x", 0x1000), EINVAL);
    CHECK_ERRNO(memfd_create(std::string(300, 'n').c_str(), 0), EINVAL);
    CHECK_ERRNO(memfd_create(static_cast<const char*>(reinterpret_cast<void*>(1)), 0), EFAULT);
}

POSIX_TEST(memfd, seals_stop_growing_shrinking_and_writing) {
    int fd = CHECK_OK(memfd_create("sealed", MFD_ALLOW_SEALING));
    CHECK_EQ(fcntl(fd, F_GET_SEALS), 0);
    CHECK_EQ(write(fd, "abcd", 4), 4);
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
    CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW);
    CHECK_ERRNO(ftruncate(fd, 2), EPERM);
    CHECK_ERRNO(ftruncate(fd, 10), EPERM);
    CHECK_ERRNO(pwrite(fd, "xy", 2, 3), EPERM);  // would grow
    CHECK_EQ(pwrite(fd, "xy", 2, 0), 2);
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
    CHECK_ERRNO(pwrite(fd, "z", 1, 0), EPERM);
    CHECK_ERRNO(mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? -1 : 0, EPERM);
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL));
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, 0x1000), EINVAL);
}

POSIX_TEST(memfd, seal_write_with_a_writable_mapping_is_ebusy) {
    int fd = CHECK_OK(memfd_create("mapped", MFD_ALLOW_SEALING));
    CHECK_OK(ftruncate(fd, 4096));
    void* map = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED);
    CHECK_ERRNO(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    CHECK_OK(munmap(map, 4096));
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE));
}

POSIX_TEST(memfd, seals_on_other_files) {
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(fcntl(fds[0], F_GET_SEALS), EINVAL);
    int fd = CHECK_OK(memfd_create("ro", MFD_ALLOW_SEALING));
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    int reader = CHECK_OK(open(path.c_str(), O_RDONLY));
    CHECK_ERRNO(fcntl(reader, F_ADD_SEALS, F_SEAL_GROW), EPERM);
}
