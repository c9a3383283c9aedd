// Files: open/openat/creat flags, read/write and their positioned and
// vector forms, lseek, truncate, the stat family, metadata changes
// (chmod, chown, utimensat), access, umask, fsync, statfs, sendfile.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <string>

#include "children.h"
#include "posix_test.h"

namespace {

int make_file(const char* path, const std::string& contents) {
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) return fd;
    if (write(fd, contents.data(), contents.size()) != static_cast<ssize_t>(contents.size())) return -1;
    return fd;
}

std::string read_all(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return "<cannot open>";
    std::string text;
    char buffer[256];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, n);
    close(fd);
    return text;
}

void* const bad_pointer = reinterpret_cast<void*>(1);

}  // namespace

POSIX_TEST(open, create_write_read_back) {
    int fd = CHECK_OK(open("f", O_CREAT | O_WRONLY | O_EXCL, 0600));
    CHECK_EQ(write(fd, "hello", 5), 5);
    CHECK_OK(close(fd));
    CHECK_STREQ(read_all("f").c_str(), "hello");
}

POSIX_TEST(open, missing_file_without_create_is_enoent) {
    CHECK_ERRNO(open("nope", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("nodir/f", O_CREAT | O_WRONLY, 0600), ENOENT);
}

POSIX_TEST(open, excl_on_existing_is_eexist) {
    CHECK_OK(close(CHECK_OK(make_file("f", "x"))));
    CHECK_ERRNO(open("f", O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST);
    CHECK_OK(symlink("dangling-target", "l"));
    CHECK_ERRNO(open("l", O_CREAT | O_EXCL | O_WRONLY, 0600), EEXIST);
}

POSIX_TEST(open, trunc_empties_and_append_writes_at_the_end) {
    CHECK_OK(close(CHECK_OK(make_file("f", "0123456789"))));
    int fd = CHECK_OK(open("f", O_WRONLY | O_APPEND));
    CHECK_OK(lseek(fd, 0, SEEK_SET));
    CHECK_EQ(write(fd, "ab", 2), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 12);
    CHECK_OK(close(fd));
    CHECK_STREQ(read_all("f").c_str(), "0123456789ab");
    CHECK_OK(close(CHECK_OK(open("f", O_WRONLY | O_TRUNC))));
    struct stat st;
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_size, 0);
}

POSIX_TEST(open, directory_flags) {
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(close(CHECK_OK(make_file("f", "x"))));
    CHECK_ERRNO(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERRNO(open("d", O_WRONLY), EISDIR);
    CHECK_ERRNO(open("d", O_RDWR), EISDIR);
    CHECK_ERRNO(open("d", O_CREAT | O_RDONLY, 0600), EISDIR);
    CHECK_ERRNO(open("f/", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(open("new/", O_CREAT | O_RDONLY, 0600), EISDIR);
    int fd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    char byte;
    CHECK_ERRNO(read(fd, &byte, 1), EISDIR);
    CHECK_OK(close(fd));
}

POSIX_TEST(open, nofollow_on_a_symlink_is_eloop_but_path_opens_it) {
    CHECK_OK(close(CHECK_OK(make_file("f", "x"))));
    CHECK_OK(symlink("f", "l"));
    CHECK_ERRNO(open("l", O_RDONLY | O_NOFOLLOW), ELOOP);
    int fd = CHECK_OK(open("l", O_PATH | O_NOFOLLOW));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISLNK(st.st_mode));
    char byte;
    CHECK_ERRNO(read(fd, &byte, 1), EBADF);
    CHECK_OK(close(fd));
}

POSIX_TEST(open, cloexec_sets_fd_flag) {
    int fd = CHECK_OK(open("f", O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    int other = CHECK_OK(open("f", O_RDWR));
    CHECK_EQ(fcntl(other, F_GETFD), 0);
}

POSIX_TEST(open, bad_path_pointer_is_efault_and_long_names_enametoolong) {
    CHECK_ERRNO(open(static_cast<const char*>(bad_pointer), O_RDONLY), EFAULT);
    std::string long_name(NAME_MAX + 1, 'a');
    CHECK_ERRNO(open(long_name.c_str(), O_CREAT | O_WRONLY, 0600), ENAMETOOLONG);
    std::string long_path(PATH_MAX + 10, 'a');
    CHECK_ERRNO(open(long_path.c_str(), O_RDONLY), ENAMETOOLONG);
    CHECK_ERRNO(open("", O_RDONLY), ENOENT);
}

POSIX_TEST(open, openat_relative_to_a_directory_fd) {
    CHECK_OK(mkdir("d", 0755));
    int dir = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    CHECK_OK(close(CHECK_OK(openat(dir, "inside", O_CREAT | O_WRONLY, 0600))));
    CHECK_OK(access("d/inside", F_OK));
    int file = CHECK_OK(openat(dir, "inside", O_RDONLY));
    CHECK_ERRNO(openat(file, "x", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(openat(999, "x", O_RDONLY), EBADF);
    // An absolute path ignores the descriptor.
    CHECK_OK(close(CHECK_OK(openat(999, "/", O_RDONLY))));
}

POSIX_TEST(open, creat_truncates_and_opens_write_only) {
    CHECK_OK(close(CHECK_OK(make_file("f", "old contents"))));
    int fd = CHECK_OK(creat("f", 0644));
    CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_WRONLY);
    char byte;
    CHECK_ERRNO(read(fd, &byte, 1), EBADF);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 0);
}

POSIX_TEST(rw, wrong_access_mode_is_ebadf) {
    CHECK_OK(close(CHECK_OK(make_file("f", "x"))));
    int reader = CHECK_OK(open("f", O_RDONLY));
    CHECK_ERRNO(write(reader, "y", 1), EBADF);
    int writer = CHECK_OK(open("f", O_WRONLY));
    char byte;
    CHECK_ERRNO(read(writer, &byte, 1), EBADF);
    CHECK_ERRNO(read(12345, &byte, 1), EBADF);
    CHECK_ERRNO(syscall(SYS_read, reader, bad_pointer, 1), EFAULT);
}

POSIX_TEST(rw, read_at_end_returns_zero_and_holes_read_as_zeros) {
    int fd = CHECK_OK(make_file("f", "ab"));
    CHECK_OK(lseek(fd, 10000, SEEK_SET));
    CHECK_EQ(write(fd, "z", 1), 1);
    char buffer[10002];
    CHECK_EQ(pread(fd, buffer, sizeof buffer, 0), 10001);
    CHECK(buffer[0] == 'a' && buffer[1] == 'b' && buffer[2] == 0 && buffer[9999] == 0 && buffer[10000] == 'z');
    CHECK_EQ(read(fd, buffer, 1), 0);
}

POSIX_TEST(rw, pread_pwrite_keep_the_offset) {
    int fd = CHECK_OK(make_file("f", "0123456789"));
    CHECK_OK(lseek(fd, 2, SEEK_SET));
    char buffer[4] = {};
    CHECK_EQ(pread(fd, buffer, 3, 5), 3);
    CHECK_STREQ(buffer, "567");
    CHECK_EQ(pwrite(fd, "XY", 2, 0), 2);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 2);
    CHECK_ERRNO(pread(fd, buffer, 1, -1), EINVAL);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(pread(fds[0], buffer, 1, 0), ESPIPE);
    CHECK_ERRNO(pwrite(fds[1], "x", 1, 0), ESPIPE);
    CHECK_STREQ(read_all("f").c_str(), "XY23456789");
}

POSIX_TEST(rw, readv_writev_preadv_pwritev) {
    int fd = CHECK_OK(open("f", O_CREAT | O_RDWR, 0600));
    char a[] = "abc", b[] = "defg";
    iovec out[2] = {{a, 3}, {b, 4}};
    CHECK_EQ(writev(fd, out, 2), 7);
    char x[2], y[5] = {};
    iovec in[2] = {{x, 2}, {y, 4}};
    CHECK_EQ(preadv(fd, in, 2, 1), 6);
    CHECK(x[0] == 'b' && x[1] == 'c');
    CHECK_STREQ(y, "defg");
    iovec patch[1] = {{a, 1}};
    CHECK_EQ(pwritev(fd, patch, 1, 6), 1);
    CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7);
    CHECK_ERRNO(syscall(SYS_writev, fd, out, -1), EINVAL);
    CHECK_STREQ(read_all("f").c_str(), "abcdefa");
}

POSIX_TEST(lseek, whence_and_errors) {
    int fd = CHECK_OK(make_file("f", "0123456789"));
    CHECK_EQ(lseek(fd, -3, SEEK_END), 7);
    CHECK_EQ(lseek(fd, 2, SEEK_CUR), 9);
    CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);  // past the end is fine
    CHECK_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
    CHECK_ERRNO(lseek(fd, 0, 99), EINVAL);
    CHECK_EQ(lseek(fd, 0, SEEK_DATA), 0);
    CHECK_EQ(lseek(fd, 0, SEEK_HOLE), 10);
    CHECK_ERRNO(lseek(fd, 10, SEEK_DATA), ENXIO);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_ERRNO(lseek(fds[0], 0, SEEK_SET), ESPIPE);
    CHECK_ERRNO(lseek(999, 0, SEEK_SET), EBADF);
}

POSIX_TEST(truncate, grows_with_zeros_and_shrinks) {
    int fd = CHECK_OK(make_file("f", "abcdef"));
    CHECK_OK(ftruncate(fd, 3));
    CHECK_STREQ(read_all("f").c_str(), "abc");
    CHECK_OK(truncate("f", 5));
    std::string text = read_all("f");
    CHECK_EQ(text.size(), 5u);
    CHECK(text[3] == 0 && text[4] == 0);
    CHECK_ERRNO(ftruncate(fd, -1), EINVAL);
    int reader = CHECK_OK(open("f", O_RDONLY));
    CHECK_ERRNO(ftruncate(reader, 0), EINVAL);
    CHECK_OK(mkdir("d", 0755));
    CHECK_ERRNO(truncate("d", 0), EISDIR);
    CHECK_ERRNO(truncate("missing", 0), ENOENT);
    CHECK_ERRNO(ftruncate(999, 0), EBADF);
}

POSIX_TEST(stat, regular_directory_and_link) {
    int fd = CHECK_OK(make_file("f", "hello"));
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(st.st_mode & 07777, 0644u);
    CHECK_EQ(st.st_size, 5);
    CHECK_EQ(st.st_nlink, 1u);
    struct stat by_path;
    CHECK_OK(stat("f", &by_path));
    CHECK_EQ(by_path.st_ino, st.st_ino);
    CHECK_EQ(by_path.st_dev, st.st_dev);
    CHECK_OK(symlink("f", "l"));
    CHECK_OK(lstat("l", &st));
    CHECK(S_ISLNK(st.st_mode));
    CHECK_EQ(st.st_size, 1);
    CHECK_OK(stat("l", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(stat("d", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_EQ(st.st_nlink, 2u);
    CHECK_ERRNO(stat("missing", &st), ENOENT);
    CHECK_ERRNO(stat("f/x", &st), ENOTDIR);
    CHECK_ERRNO(stat("f", static_cast<struct stat*>(bad_pointer)), EFAULT);
    CHECK_ERRNO(fstat(999, &st), EBADF);
}

POSIX_TEST(stat, fstatat_flags) {
    CHECK_OK(close(CHECK_OK(make_file("f", "abc"))));
    CHECK_OK(symlink("f", "l"));
    int dir = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    struct stat st;
    CHECK_OK(fstatat(dir, "l", &st, AT_SYMLINK_NOFOLLOW));
    CHECK(S_ISLNK(st.st_mode));
    int fd = CHECK_OK(open("f", O_RDONLY));
    CHECK_OK(fstatat(fd, "", &st, AT_EMPTY_PATH));
    CHECK_EQ(st.st_size, 3);
    CHECK_ERRNO(fstatat(fd, "", &st, 0), ENOENT);
    CHECK_ERRNO(fstatat(dir, "f", &st, 0x40000000), EINVAL);
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(fstatat(fds[0], "", &st, AT_EMPTY_PATH));
    CHECK(S_ISFIFO(st.st_mode));
}

POSIX_TEST(stat, statx_basic_fields) {
    CHECK_OK(close(CHECK_OK(make_file("f", "12345"))));
    struct statx sx;
    CHECK_OK(statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx));
    CHECK((sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS);
    CHECK_EQ(sx.stx_size, 5u);
    CHECK(S_ISREG(sx.stx_mode));
    CHECK_ERRNO(statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), ENOENT);
    CHECK_ERRNO(statx(AT_FDCWD, "f", 0x40000000, STATX_BASIC_STATS, &sx), EINVAL);
}

POSIX_TEST(attributes, chmod_fchmod_fchmodat) {
    int fd = CHECK_OK(make_file("f", ""));
    struct stat st;
    CHECK_OK(chmod("f", 0600));
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_mode & 07777, 0600u);
    CHECK_OK(fchmod(fd, 04711));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_mode & 07777, 04711u);
    CHECK_OK(fchmodat(AT_FDCWD, "f", 0640, 0));
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_mode & 07777, 0640u);
    CHECK(S_ISREG(st.st_mode));
    CHECK_ERRNO(chmod("missing", 0600), ENOENT);
    CHECK_ERRNO(fchmod(999, 0600), EBADF);
}

POSIX_TEST(attributes, chown_family_sets_ids_and_minus_one_keeps_them) {
    int fd = CHECK_OK(make_file("f", ""));
    CHECK_OK(chown("f", 123, 456));
    struct stat st;
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_uid, 123u);
    CHECK_EQ(st.st_gid, 456u);
    CHECK_OK(fchown(fd, static_cast<uid_t>(-1), 789));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_uid, 123u);
    CHECK_EQ(st.st_gid, 789u);
    CHECK_OK(symlink("f", "l"));
    CHECK_OK(lchown("l", 5, 5));
    CHECK_OK(lstat("l", &st));
    CHECK_EQ(st.st_uid, 5u);
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_uid, 123u);
    CHECK_OK(fchownat(AT_FDCWD, "f", 0, 0, 0));
    CHECK_ERRNO(fchownat(AT_FDCWD, "f", 0, 0, 0x40000000), EINVAL);
    CHECK_ERRNO(chown("missing", 0, 0), ENOENT);
}

POSIX_TEST(attributes, utimensat_sets_omits_and_nows) {
    CHECK_OK(close(CHECK_OK(make_file("f", ""))));
    timespec times[2] = {{1000, 500}, {2000, 600}};
    CHECK_OK(utimensat(AT_FDCWD, "f", times, 0));
    struct stat st;
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_atim.tv_sec, 1000);
    CHECK_EQ(st.st_atim.tv_nsec, 500);
    CHECK_EQ(st.st_mtim.tv_sec, 2000);
    CHECK_EQ(st.st_mtim.tv_nsec, 600);
    timespec omit_now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    CHECK_OK(utimensat(AT_FDCWD, "f", omit_now, 0));
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_atim.tv_sec, 1000);
    CHECK(st.st_mtim.tv_sec > 2000);
    timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK_ERRNO(utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
    CHECK_ERRNO(utimensat(AT_FDCWD, "missing", nullptr, 0), ENOENT);
    int fd = CHECK_OK(open("f", O_RDONLY));
    CHECK_OK(futimens(fd, times));
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_mtim.tv_sec, 2000);
}

POSIX_TEST(attributes, access_checks_existence_and_mode_argument) {
    CHECK_OK(close(CHECK_OK(make_file("f", ""))));
    CHECK_OK(access("f", F_OK));
    CHECK_OK(access("f", R_OK | W_OK));
    CHECK_ERRNO(access("missing", F_OK), ENOENT);
    CHECK_ERRNO(access("f", 0100), EINVAL);
    CHECK_OK(chmod("f", 0644));
    CHECK_ERRNO(access("f", X_OK), EACCES);  // even root needs some x bit
    CHECK_OK(faccessat(AT_FDCWD, "f", R_OK, AT_EACCESS));
    CHECK_ERRNO(faccessat(AT_FDCWD, "f", R_OK, 0x40000000), EINVAL);
}

POSIX_TEST(attributes, umask_applies_to_new_files) {
    mode_t old = umask(077);
    CHECK_EQ(umask(077), 077u);
    CHECK_OK(close(CHECK_OK(open("f", O_CREAT | O_WRONLY, 0666))));
    CHECK_OK(mkdir("d", 0777));
    struct stat st;
    CHECK_OK(stat("f", &st));
    CHECK_EQ(st.st_mode & 0777, 0600u);
    CHECK_OK(stat("d", &st));
    CHECK_EQ(st.st_mode & 0777, 0700u);
    umask(old);
}

POSIX_TEST(sync, fsync_fdatasync_sync) {
    int fd = CHECK_OK(make_file("f", "x"));
    CHECK_OK(fsync(fd));
    CHECK_OK(fdatasync(fd));
    CHECK_OK(syncfs(fd));
    sync();
    CHECK_ERRNO(fsync(999), EBADF);
}

POSIX_TEST(statfs, reports_a_filesystem) {
    struct statfs fs;
    CHECK_OK(statfs(".", &fs));
    CHECK(fs.f_bsize > 0);
    CHECK(fs.f_namelen == 255);
    int fd = CHECK_OK(open(".", O_RDONLY));
    CHECK_OK(fstatfs(fd, &fs));
    CHECK_ERRNO(statfs("missing", &fs), ENOENT);
    CHECK_ERRNO(fstatfs(999, &fs), EBADF);
}

POSIX_TEST(fcntl, flags_get_and_set) {
    int fd = CHECK_OK(make_file("f", ""));
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR);
    CHECK_OK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY));
    CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND | O_NONBLOCK), O_RDWR | O_APPEND | O_NONBLOCK);
    CHECK_OK(fcntl(fd, F_SETFD, FD_CLOEXEC));
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    int copy = CHECK_OK(fcntl(fd, F_DUPFD, 50));
    CHECK(copy >= 50);
    CHECK_EQ(fcntl(copy, F_GETFD), 0);
    int cloexec_copy = CHECK_OK(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    CHECK_EQ(fcntl(cloexec_copy, F_GETFD), FD_CLOEXEC);
    CHECK_ERRNO(fcntl(fd, F_DUPFD, -1), EINVAL);
    CHECK_ERRNO(fcntl(fd, 12345), EINVAL);
    CHECK_ERRNO(fcntl(999, F_GETFD), EBADF);
}

POSIX_TEST(sendfile, between_files_with_and_without_an_offset) {
    CHECK_OK(close(CHECK_OK(make_file("in", "0123456789"))));
    int in = CHECK_OK(open("in", O_RDONLY));
    int out = CHECK_OK(open("out", O_CREAT | O_WRONLY | O_TRUNC, 0600));
    off_t offset = 2;
    CHECK_EQ(sendfile(out, in, &offset, 5), 5);
    CHECK_EQ(offset, 7);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 0);  // with an offset pointer the file's stays
    CHECK_EQ(sendfile(out, in, nullptr, 100), 10);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 10);
    CHECK_EQ(sendfile(out, in, nullptr, 100), 0);  // at the end
    CHECK_STREQ(read_all("out").c_str(), "234560123456789");
    CHECK_ERRNO(sendfile(out, 999, nullptr, 1), EBADF);
    CHECK_ERRNO(sendfile(in, in, nullptr, 1), EBADF);  // in is not open for writing
    off_t negative = -1;
    CHECK_ERRNO(sendfile(out, in, &negative, 1), EINVAL);
}

namespace {

// Reads exactly length bytes (less at end of file) from a pipe or socket.
std::string read_exactly(int fd, size_t length) {
    std::string text;
    char buffer[4096];
    while (text.size() < length) {
        ssize_t n = read(fd, buffer, std::min(sizeof buffer, length - text.size()));
        if (n <= 0) break;
        text.append(buffer, n);
    }
    return text;
}

std::string pattern(size_t length) {
    std::string text(length, '\0');
    for (size_t i = 0; i < length; ++i) text[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    return text;
}

}  // namespace

POSIX_TEST(sendfile, file_to_pipe_with_and_without_an_offset) {
    int in = CHECK_OK(make_file("in", "hello world"));
    CHECK_OK(lseek(in, 0, SEEK_SET));
    int fds[2];
    CHECK_OK(pipe(fds));
    off_t offset = 6;
    CHECK_EQ(sendfile(fds[1], in, &offset, 5), 5);
    CHECK_EQ(offset, 11);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 0);
    CHECK_STREQ(read_exactly(fds[0], 5).c_str(), "world");
    CHECK_EQ(sendfile(fds[1], in, nullptr, 5), 5);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 5);
    CHECK_STREQ(read_exactly(fds[0], 5).c_str(), "hello");
    CHECK_EQ(sendfile(fds[1], in, nullptr, 0), 0);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), 5);
    offset = 11;
    CHECK_EQ(sendfile(fds[1], in, &offset, 10), 0);  // at the end
    CHECK_EQ(offset, 11);
}

POSIX_TEST(sendfile, memfd_to_a_pipe) {
    int in = CHECK_OK(memfd_create("source", 0));
    CHECK_EQ(write(in, "from memory", 11), 11);
    int fds[2];
    CHECK_OK(pipe(fds));
    off_t offset = 5;
    CHECK_EQ(sendfile(fds[1], in, &offset, 100), 6);
    CHECK_STREQ(read_exactly(fds[0], 6).c_str(), "memory");
}

POSIX_TEST(sendfile, several_pages_to_a_pipe_with_a_reader) {
    const std::string contents = pattern(3 * 4096 + 1234);
    int in = CHECK_OK(make_file("in", contents));
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t reader = posix::spawn([&] {
        close(fds[1]);
        CHECK(read_exactly(fds[0], contents.size()) == contents);
    });
    close(fds[0]);
    off_t offset = 0;
    CHECK_EQ(sendfile(fds[1], in, &offset, contents.size() + 100), static_cast<ssize_t>(contents.size()));
    CHECK_EQ(offset, static_cast<off_t>(contents.size()));
    close(fds[1]);
    posix::check_exits_zero(reader);
}

POSIX_TEST(sendfile, file_to_a_socketpair) {
    const std::string contents = pattern(2 * 4096 + 17);
    int in = CHECK_OK(make_file("in", contents));
    CHECK_OK(lseek(in, 0, SEEK_SET));
    int sockets[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sockets));
    CHECK_EQ(sendfile(sockets[0], in, nullptr, contents.size()), static_cast<ssize_t>(contents.size()));
    CHECK_EQ(lseek(in, 0, SEEK_CUR), static_cast<off_t>(contents.size()));
    CHECK(read_exactly(sockets[1], contents.size()) == contents);
    off_t offset = 3;
    CHECK_EQ(sendfile(sockets[1], in, &offset, 4), 4);  // the other way
    CHECK_EQ(offset, 7);
    CHECK(read_exactly(sockets[0], 4) == contents.substr(3, 4));
    // A datagram pair takes each page as a datagram.
    int datagrams[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, datagrams));
    offset = 0;
    CHECK_EQ(sendfile(datagrams[0], in, &offset, 10), 10);
    char buffer[64];
    CHECK_EQ(recv(datagrams[1], buffer, sizeof buffer, 0), 10);
    CHECK(std::string(buffer, 10) == contents.substr(0, 10));
}

POSIX_TEST(sendfile, to_a_terminal_and_dev_null) {
    int in = CHECK_OK(make_file("in", "typed"));
    int master = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
    CHECK_OK(grantpt(master));
    CHECK_OK(unlockpt(master));
    int slave = CHECK_OK(open(ptsname(master), O_RDWR | O_NOCTTY));
    off_t offset = 0;
    CHECK_EQ(sendfile(slave, in, &offset, 100), 5);
    CHECK_STREQ(read_exactly(master, 5).c_str(), "typed");
    int null = CHECK_OK(open("/dev/null", O_WRONLY));
    offset = 1;
    CHECK_EQ(sendfile(null, in, &offset, 100), 4);
    CHECK_EQ(offset, 5);
}

POSIX_TEST(sendfile, nonblocking_full_pipe_is_eagain_until_there_is_room) {
    const std::string contents = pattern(200 * 1024);
    int in = CHECK_OK(make_file("in", contents));
    CHECK_OK(lseek(in, 0, SEEK_SET));
    int fds[2];
    CHECK_OK(pipe2(fds, O_NONBLOCK));
    // An empty pipe takes what fits: a partial count, and the file
    // position moves by it alone.
    ssize_t sent = CHECK_OK(sendfile(fds[1], in, nullptr, contents.size()));
    CHECK(sent > 0 && sent < static_cast<ssize_t>(contents.size()));
    CHECK_EQ(lseek(in, 0, SEEK_CUR), sent);
    // Full: EAGAIN, and nothing moves (neither the position nor *offset).
    CHECK_ERRNO(sendfile(fds[1], in, nullptr, 4096), EAGAIN);
    CHECK_EQ(lseek(in, 0, SEEK_CUR), sent);
    off_t offset = 100;
    CHECK_ERRNO(sendfile(fds[1], in, &offset, 4096), EAGAIN);
    CHECK_EQ(offset, 100);
    CHECK(read_exactly(fds[0], sent) == contents.substr(0, sent));
    // Room again: it goes on from where it stopped.
    CHECK_EQ(sendfile(fds[1], in, nullptr, 10), 10);
    CHECK(read_exactly(fds[0], 10) == contents.substr(sent, 10));
}

POSIX_TEST(sendfile, pipe_without_readers_is_epipe_with_sigpipe) {
    int in = CHECK_OK(make_file("in", "data"));
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_OK(close(fds[0]));
    pid_t writer = posix::spawn([&] {
        off_t offset = 0;
        (void)sendfile(fds[1], in, &offset, 4);
    });
    posix::check_killed_by(writer, SIGPIPE);
    signal(SIGPIPE, SIG_IGN);
    off_t offset = 0;
    CHECK_ERRNO(sendfile(fds[1], in, &offset, 4), EPIPE);
    CHECK_EQ(offset, 0);
    int sockets[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM, 0, sockets));
    CHECK_OK(close(sockets[1]));
    CHECK_ERRNO(sendfile(sockets[0], in, &offset, 4), EPIPE);
}

POSIX_TEST(sendfile, bad_descriptors_pointers_and_inputs) {
    int in = CHECK_OK(make_file("in", "0123456789"));
    int out = CHECK_OK(open("out", O_CREAT | O_WRONLY | O_TRUNC, 0600));
    CHECK_ERRNO(sendfile(999, in, nullptr, 1), EBADF);
    CHECK_ERRNO(sendfile(out, out, nullptr, 1), EBADF);  // the input is write-only
    CHECK_ERRNO(sendfile(out, in, static_cast<off_t*>(bad_pointer), 1), EFAULT);
    int append = CHECK_OK(open("appended", O_CREAT | O_WRONLY | O_APPEND, 0600));
    off_t offset = 0;
    CHECK_ERRNO(sendfile(append, in, &offset, 1), EINVAL);
    // A pipe cannot be the input: EINVAL, or ESPIPE with an offset.
    int fds[2];
    CHECK_OK(pipe(fds));
    CHECK_EQ(write(fds[1], "x", 1), 1);
    CHECK_ERRNO(sendfile(out, fds[0], nullptr, 1), EINVAL);
    CHECK_ERRNO(sendfile(out, fds[0], &offset, 1), ESPIPE);
    // Nor can a directory.
    int directory = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_ERRNO(sendfile(out, directory, nullptr, 1), EINVAL);
    CHECK_EQ(read_all("out").size(), 0u);
}
