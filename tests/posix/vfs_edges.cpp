// Path edge cases that random-syscall fuzzing found worth pinning down:
// renames that would detach a directory from the tree, names with
// trailing slashes, and creating below a file that is not a directory.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "posix_test.h"

namespace {
bool lists(const char* directory, const char* name) {
    DIR* listing = opendir(directory);
    if (!listing) return false;
    bool found = false;
    while (dirent* entry = readdir(listing)) found |= std::string(entry->d_name) == name;
    closedir(listing);
    return found;
}
}  // namespace

POSIX_TEST(rename, a_directory_into_its_own_subtree_is_einval) {
    CHECK_OK(mkdir("a", 0755));
    CHECK_OK(mkdir("a/b", 0755));
    CHECK_ERRNO(rename("a", "a/b/c"), EINVAL);
    CHECK_ERRNO(rename("a", "a/c"), EINVAL);
    CHECK_ERRNO(rename("a/", "a/b/../c"), EINVAL);
    CHECK_ERRNO(rename("./a", "a/./b/c"), EINVAL);
    CHECK_ERRNO(renameat(AT_FDCWD, "a", AT_FDCWD, "a/b/../../a/b/c"), EINVAL);
    int inner = CHECK_OK(open("a/b", O_RDONLY | O_DIRECTORY));
    CHECK_ERRNO(renameat(AT_FDCWD, "a", inner, "c"), EINVAL);
    close(inner);
    struct stat status;
    CHECK_OK(stat("a/b", &status));
}

POSIX_TEST(rename, dot_and_dotdot_are_refused) {
    CHECK_OK(mkdir("a", 0755));
    CHECK_ERRNO(rename(".", "x"), EBUSY);
    CHECK_ERRNO(rename("a/..", "x"), EBUSY);
    CHECK_ERRNO(rename("a/.", "x"), EBUSY);
}

POSIX_TEST(mkdir, a_trailing_slash_names_the_directory_itself) {
    CHECK_OK(mkdir("d/", 0755));
    CHECK(lists(".", "d"));
    CHECK(!lists(".", "d/"));
    CHECK_OK(rmdir("d/"));
    CHECK(!lists(".", "d"));
}

POSIX_TEST(create, below_a_regular_file_or_device_is_enotdir) {
    int fd = CHECK_OK(open("f", O_CREAT | O_WRONLY, 0644));
    close(fd);
    CHECK_ERRNO(open("f/x", O_CREAT | O_WRONLY, 0644), ENOTDIR);
    CHECK_ERRNO(mkdir("f/x", 0755), ENOTDIR);
    CHECK_ERRNO(open("/dev/null/x", O_CREAT | O_WRONLY, 0644), ENOTDIR);
    CHECK_ERRNO(mkdir("/dev/null/x", 0755), ENOTDIR);
    CHECK_ERRNO(symlink("f", "/dev/null/x"), ENOTDIR);
    CHECK_ERRNO(link("f", "f/x"), ENOTDIR);
}
