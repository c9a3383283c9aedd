// Directories: mkdir(at), rmdir, getdents64 (with stable offsets),
// chdir, fchdir, getcwd, mknod(at), and what removed directories still do.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "posix_test.h"

namespace {

struct Entry {
    std::string name;
    unsigned char type;
    off_t next;
};

// One getdents64 call's entries.
std::vector<Entry> read_entries(int fd, size_t buffer_size, ssize_t* result = nullptr) {
    std::vector<char> buffer(buffer_size);
    ssize_t n = syscall(SYS_getdents64, fd, buffer.data(), buffer.size());
    if (result != nullptr) *result = n;
    std::vector<Entry> entries;
    for (ssize_t at = 0; at < n;) {
        auto* d = reinterpret_cast<dirent64*>(buffer.data() + at);
        entries.push_back({d->d_name, d->d_type, d->d_off});
        at += d->d_reclen;
    }
    return entries;
}

std::string cwd() {
    char buffer[4096];
    return getcwd(buffer, sizeof buffer) ? buffer : "<error>";
}

}  // namespace

POSIX_TEST(mkdir, creates_and_refuses_existing_names) {
    CHECK_OK(mkdir("d", 0755));
    struct stat st;
    CHECK_OK(stat("d", &st));
    CHECK(S_ISDIR(st.st_mode));
    CHECK_ERRNO(mkdir("d", 0755), EEXIST);
    CHECK_ERRNO(mkdir(".", 0755), EEXIST);
    CHECK_ERRNO(mkdir("missing/d", 0755), ENOENT);
    CHECK_OK(close(CHECK_OK(open("f", O_CREAT | O_WRONLY, 0600))));
    CHECK_ERRNO(mkdir("f/d", 0755), ENOTDIR);
    CHECK_ERRNO(mkdir("f", 0755), EEXIST);
    CHECK_OK(mkdir("trailing/", 0755));
    CHECK_OK(stat("trailing", &st));
    CHECK_ERRNO(mkdir(std::string(300, 'n').c_str(), 0755), ENAMETOOLONG);
}

POSIX_TEST(mkdir, mkdirat_counts_links) {
    CHECK_OK(mkdir("d", 0755));
    int dir = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    CHECK_OK(mkdirat(dir, "a", 0755));
    CHECK_OK(mkdirat(dir, "b", 0755));
    struct stat st;
    CHECK_OK(stat("d", &st));
    CHECK_EQ(st.st_nlink, 4u);
    CHECK_ERRNO(mkdirat(999, "x", 0755), EBADF);
}

POSIX_TEST(rmdir, removes_empty_directories_only) {
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(mkdir("d/sub", 0755));
    CHECK_ERRNO(rmdir("d"), ENOTEMPTY);
    CHECK_ERRNO(rmdir("d/sub/."), EINVAL);
    CHECK_ERRNO(rmdir("missing"), ENOENT);
    CHECK_OK(close(CHECK_OK(open("f", O_CREAT | O_WRONLY, 0600))));
    CHECK_ERRNO(rmdir("f"), ENOTDIR);
    CHECK_OK(rmdir("d/sub"));
    CHECK_OK(rmdir("d"));
    CHECK_ERRNO(access("d", F_OK), ENOENT);
    CHECK_OK(mkdir("e", 0755));
    CHECK_OK(unlinkat(AT_FDCWD, "e", AT_REMOVEDIR));
    CHECK_ERRNO(unlinkat(AT_FDCWD, "f", AT_REMOVEDIR), ENOTDIR);
}

POSIX_TEST(getdents, lists_dot_dotdot_and_entries_with_types) {
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(mkdir("d/sub", 0755));
    CHECK_OK(close(CHECK_OK(open("d/file", O_CREAT | O_WRONLY, 0600))));
    CHECK_OK(symlink("file", "d/link"));
    int fd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    std::vector<Entry> all;
    for (;;) {
        auto entries = read_entries(fd, 4096);
        if (entries.empty()) break;
        all.insert(all.end(), entries.begin(), entries.end());
    }
    CHECK_EQ(all.size(), 5u);
    for (auto& e : all) {
        if (e.name == "sub" || e.name == "." || e.name == "..") CHECK_EQ(e.type, DT_DIR);
        if (e.name == "file") CHECK_EQ(e.type, DT_REG);
        if (e.name == "link") CHECK_EQ(e.type, DT_LNK);
    }
}

POSIX_TEST(getdents, errors) {
    CHECK_OK(close(CHECK_OK(open("f", O_CREAT | O_WRONLY, 0600))));
    int file = CHECK_OK(open("f", O_RDONLY));
    char buffer[256];
    CHECK_ERRNO(syscall(SYS_getdents64, file, buffer, sizeof buffer), ENOTDIR);
    CHECK_ERRNO(syscall(SYS_getdents64, 999, buffer, sizeof buffer), EBADF);
    int dir = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    CHECK_ERRNO(syscall(SYS_getdents64, dir, buffer, 1), EINVAL);
    CHECK_ERRNO(syscall(SYS_getdents64, dir, reinterpret_cast<void*>(1), sizeof buffer), EFAULT);
}

POSIX_TEST(getdents, offsets_resume_across_removals_and_additions) {
    CHECK_OK(mkdir("d", 0755));
    for (int i = 0; i < 20; ++i)
        CHECK_OK(close(CHECK_OK(open(("d/f" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0600))));
    int fd = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    // A small buffer: the first call returns only some entries.
    auto first = read_entries(fd, 128);
    CHECK(!first.empty() && first.size() < 22);
    std::set<std::string> seen;
    for (auto& e : first) seen.insert(e.name);
    // Remove everything already seen and one not yet seen; add a file.
    std::string unseen;
    for (int i = 0; i < 20; ++i) {
        std::string name = "f" + std::to_string(i);
        if (seen.count(name)) {
            CHECK_OK(unlink(("d/" + name).c_str()));
        } else if (unseen.empty()) {
            unseen = name;
        }
    }
    CHECK(!unseen.empty());
    CHECK_OK(unlink(("d/" + unseen).c_str()));
    std::set<std::string> rest;
    for (;;) {
        auto entries = read_entries(fd, 4096);
        if (entries.empty()) break;
        for (auto& e : entries) rest.insert(e.name);
    }
    // Every entry that was there throughout shows exactly once, the removed one not at all.
    for (int i = 0; i < 20; ++i) {
        std::string name = "f" + std::to_string(i);
        if (!seen.count(name) && name != unseen) CHECK(rest.count(name) == 1);
    }
    CHECK(rest.count(unseen) == 0);
    // Seeking back to a returned offset resumes after that entry.
    CHECK_OK(lseek(fd, 0, SEEK_SET));
    auto again = read_entries(fd, 4096);
    CHECK(again.size() >= 2);
    CHECK_OK(lseek(fd, again[0].next, SEEK_SET));
    auto resumed = read_entries(fd, 4096);
    CHECK(!resumed.empty());
    CHECK(resumed[0].name == again[1].name);
}

POSIX_TEST(cwd, chdir_getcwd_fchdir) {
    std::string start = cwd();
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(chdir("d"));
    CHECK_STREQ(cwd().c_str(), (start + "/d").c_str());
    CHECK_OK(chdir(".."));
    CHECK_STREQ(cwd().c_str(), start.c_str());
    int dir = CHECK_OK(open("d", O_RDONLY | O_DIRECTORY));
    CHECK_OK(fchdir(dir));
    CHECK_STREQ(cwd().c_str(), (start + "/d").c_str());
    CHECK_OK(chdir(start.c_str()));
    CHECK_OK(close(CHECK_OK(open("f", O_CREAT | O_WRONLY, 0600))));
    CHECK_ERRNO(chdir("f"), ENOTDIR);
    CHECK_ERRNO(chdir("missing"), ENOENT);
    int file = CHECK_OK(open("f", O_RDONLY));
    CHECK_ERRNO(fchdir(file), ENOTDIR);
    CHECK_ERRNO(fchdir(999), EBADF);
    char small[2];
    CHECK(getcwd(small, sizeof small) == nullptr && errno == ERANGE);
}

POSIX_TEST(cwd, removed_cwd_still_works_but_getcwd_is_enoent) {
    CHECK_OK(mkdir("d", 0755));
    CHECK_OK(chdir("d"));
    CHECK_OK(rmdir("../d"));
    char buffer[4096];
    CHECK(getcwd(buffer, sizeof buffer) == nullptr && errno == ENOENT);
    CHECK_ERRNO(open("new", O_CREAT | O_WRONLY, 0600), ENOENT);
    int fd = CHECK_OK(open(".", O_RDONLY | O_DIRECTORY));
    auto entries = read_entries(fd, 4096);
    CHECK_EQ(entries.size(), 0u);  // not even "." and ".."
    CHECK_OK(chdir(".."));
    CHECK(getcwd(buffer, sizeof buffer) != nullptr);
}

POSIX_TEST(mknod, regular_fifo_and_character_device) {
    CHECK_OK(mknod("regular", S_IFREG | 0600, 0));
    CHECK_OK(mknod("fifo", S_IFIFO | 0600, 0));
    CHECK_OK(mknodat(AT_FDCWD, "null", S_IFCHR | 0666, makedev(1, 3)));
    struct stat st;
    CHECK_OK(stat("regular", &st));
    CHECK(S_ISREG(st.st_mode));
    CHECK_OK(stat("fifo", &st));
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_OK(stat("null", &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_EQ(major(st.st_rdev), 1u);
    CHECK_EQ(minor(st.st_rdev), 3u);
    // The node opens the device, wherever it is.
    int fd = CHECK_OK(open("null", O_RDWR));
    CHECK_EQ(write(fd, "gone", 4), 4);
    char byte;
    CHECK_EQ(read(fd, &byte, 1), 0);
    CHECK_ERRNO(mknod("regular", S_IFREG | 0600, 0), EEXIST);
    CHECK_ERRNO(mknod("bad", 0170000 | 0600, 0), EINVAL);
}
