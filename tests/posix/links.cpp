// Names: link(at), unlink(at), symlink(at), readlink(at), rename(at) and
// renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE), symlink loops, files that
// live on unlinked while open.
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "posix_test.h"

namespace {

void make(const char* path, const char* contents) {
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || write(fd, contents, strlen(contents)) < 0) posix::fail(__FILE__, __LINE__, "make");
    close(fd);
}

std::string contents(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return "<missing>";
    char buffer[256];
    ssize_t n = read(fd, buffer, sizeof buffer);
    close(fd);
    return std::string(buffer, n > 0 ? n : 0);
}

int rename2(const char* from, const char* to, unsigned flags) {
    return static_cast<int>(syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, flags));
}

nlink_t links_of(const char* path) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_nlink : 0;
}

}  // namespace

POSIX_TEST(link, hard_links_share_the_file_and_count) {
    make("a", "data");
    CHECK_OK(link("a", "b"));
    CHECK_EQ(links_of("a"), 2u);
    struct stat sa, sb;
    CHECK_OK(stat("a", &sa));
    CHECK_OK(stat("b", &sb));
    CHECK_EQ(sa.st_ino, sb.st_ino);
    CHECK_OK(unlink("a"));
    CHECK_EQ(links_of("b"), 1u);
    CHECK_STREQ(contents("b").c_str(), "data");
    CHECK_ERRNO(link("missing", "c"), ENOENT);
    CHECK_ERRNO(link("b", "b"), EEXIST);
    CHECK_OK(mkdir("d", 0755));
    CHECK_ERRNO(link("d", "d2"), EPERM);
    CHECK_OK(linkat(AT_FDCWD, "b", AT_FDCWD, "c", 0));
    CHECK_ERRNO(linkat(AT_FDCWD, "b", AT_FDCWD, "e", 0x40000000), EINVAL);
}

POSIX_TEST(link, linkat_follows_symlinks_only_when_asked) {
    make("target", "t");
    CHECK_OK(symlink("target", "sym"));
    CHECK_OK(linkat(AT_FDCWD, "sym", AT_FDCWD, "nofollow", 0));
    struct stat st;
    CHECK_OK(lstat("nofollow", &st));
    CHECK(S_ISLNK(st.st_mode));
    CHECK_OK(linkat(AT_FDCWD, "sym", AT_FDCWD, "follow", AT_SYMLINK_FOLLOW));
    CHECK_OK(lstat("follow", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_EQ(links_of("target"), 2u);
}

POSIX_TEST(unlink, errors) {
    CHECK_ERRNO(unlink("missing"), ENOENT);
    CHECK_OK(mkdir("d", 0755));
    CHECK_ERRNO(unlink("d"), EISDIR);
    make("f", "x");
    CHECK_ERRNO(unlink("f/"), ENOTDIR);
    CHECK_ERRNO(unlink("f/x"), ENOTDIR);
    CHECK_ERRNO(unlinkat(AT_FDCWD, "f", 0x40000000), EINVAL);
    CHECK_ERRNO(unlink(static_cast<const char*>(reinterpret_cast<void*>(1))), EFAULT);
}

POSIX_TEST(unlink, open_file_outlives_its_name) {
    make("f", "still here");
    int fd = CHECK_OK(open("f", O_RDWR));
    CHECK_OK(unlink("f"));
    CHECK_ERRNO(access("f", F_OK), ENOENT);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_nlink, 0u);
    char buffer[16] = {};
    CHECK_EQ(read(fd, buffer, sizeof buffer - 1), 10);
    CHECK_STREQ(buffer, "still here");
    CHECK_EQ(pwrite(fd, "S", 1, 0), 1);
    CHECK_EQ(pread(fd, buffer, 1, 0), 1);
    CHECK(buffer[0] == 'S');
    // A new file of the same name is another file.
    make("f", "new");
    CHECK_STREQ(contents("f").c_str(), "new");
}

POSIX_TEST(symlink, create_read_and_errors) {
    CHECK_OK(symlink("some/target", "l"));
    char buffer[64];
    CHECK_EQ(readlink("l", buffer, sizeof buffer), 11);
    CHECK(std::string(buffer, 11) == "some/target");
    CHECK_EQ(readlink("l", buffer, 4), 4);  // truncated, no NUL
    CHECK(std::string(buffer, 4) == "some");
    CHECK_ERRNO(symlink("x", "l"), EEXIST);
    CHECK_ERRNO(symlink("", "empty"), ENOENT);
    make("f", "");
    CHECK_ERRNO(readlink("f", buffer, sizeof buffer), EINVAL);
    CHECK_ERRNO(readlink("missing", buffer, sizeof buffer), ENOENT);
    CHECK_ERRNO(readlink("l", buffer, 0), EINVAL);
    int dir = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_OK(symlinkat("f", dir, "l2"));
    CHECK_EQ(readlinkat(dir, "l2", buffer, sizeof buffer), 1);
}

POSIX_TEST(symlink, loops_are_eloop_and_chains_resolve) {
    CHECK_OK(symlink("loop2", "loop1"));
    CHECK_OK(symlink("loop1", "loop2"));
    CHECK_ERRNO(open("loop1", O_RDONLY), ELOOP);
    struct stat looped;
    CHECK_ERRNO(stat("loop1/x", &looped), ELOOP);
    CHECK_OK(mkdir("d", 0755));
    make("d/file", "end");
    CHECK_OK(symlink("d", "to_d"));
    CHECK_OK(symlink("to_d/file", "to_file"));
    CHECK_OK(symlink("/nonexistent/absolute", "dangling"));
    CHECK_STREQ(contents("to_file").c_str(), "end");
    CHECK_ERRNO(open("dangling", O_RDONLY), ENOENT);
    struct stat st;
    CHECK_OK(stat("to_d/", &st));
    CHECK(S_ISDIR(st.st_mode));
}

POSIX_TEST(rename, moves_and_replaces) {
    make("a", "A");
    make("b", "B");
    CHECK_OK(rename("a", "b"));
    CHECK_STREQ(contents("b").c_str(), "A");
    CHECK_ERRNO(access("a", F_OK), ENOENT);
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(rename("b", "d/b"));
    CHECK_STREQ(contents("d/b").c_str(), "A");
    CHECK_OK(rename("d/b", "d/b"));  // the same file: nothing happens
    CHECK_ERRNO(rename("missing", "x"), ENOENT);
    int dir = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    CHECK_OK(renameat(dir, "b", AT_FDCWD, "back"));
    CHECK_STREQ(contents("back").c_str(), "A");
}

POSIX_TEST(rename, directories) {
    CHECK_OK(mkdir("a", 0755));
    CHECK_OK(mkdir("a/sub", 0755));
    CHECK_OK(mkdir("empty", 0755));
    CHECK_OK(mkdir("full", 0755));
    make("full/x", "");
    make("file", "");
    CHECK_ERRNO(rename("a", "a/sub/inside"), EINVAL);
    CHECK_ERRNO(rename("a", "full"), ENOTEMPTY);
    CHECK_ERRNO(rename("a", "file"), ENOTDIR);
    CHECK_ERRNO(rename("file", "empty"), EISDIR);
    CHECK_ERRNO(rename("file/", "x"), ENOTDIR);
    CHECK_OK(rename("a", "empty"));  // replaces an empty directory
    struct stat st;
    CHECK_OK(stat("empty/sub", &st));
    CHECK_OK(rename("empty", "full/moved"));
    CHECK_EQ(links_of("full"), 3u);
    CHECK_ERRNO(rename(".", "x"), EBUSY);
}

POSIX_TEST(rename, renameat2_noreplace_and_exchange) {
    make("a", "A");
    make("b", "B");
    CHECK_ERRNO(rename2("a", "b", RENAME_NOREPLACE), EEXIST);
    CHECK_OK(rename2("a", "c", RENAME_NOREPLACE));
    CHECK_OK(rename2("b", "c", RENAME_EXCHANGE));
    CHECK_STREQ(contents("b").c_str(), "A");
    CHECK_STREQ(contents("c").c_str(), "B");
    CHECK_ERRNO(rename2("b", "missing", RENAME_EXCHANGE), ENOENT);
    CHECK_ERRNO(rename2("b", "c", RENAME_EXCHANGE | RENAME_NOREPLACE), EINVAL);
    CHECK_ERRNO(rename2("b", "c", 0x100), EINVAL);
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(rename2("d", "b", RENAME_EXCHANGE));  // a directory and a file swap
    struct stat st;
    CHECK_OK(stat("b", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_OK(stat("d", &st));
    CHECK(S_ISREG(st.st_mode));
}
