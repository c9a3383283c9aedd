// mount and umount2 of tmpfs and proc below the scratch directory: a new
// filesystem (its own st_dev, statfs type), EXDEV across it, EBUSY for its
// mount point, MS_RDONLY, what unmounting leaves.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>

#include "posix_test.h"

namespace {

constexpr long tmpfs_magic = 0x01021994, proc_magic = 0x9fa0;

// Mounts a tmpfs on "m"; false (the case then ends) where the host does
// not let this process mount (no CAP_SYS_ADMIN): the host run proves
// nothing then, the Tessera run still does.
bool mount_scratch(unsigned long flags = 0) {
    if (mkdir("m", 0755) != 0) posix::fail(__FILE__, __LINE__, "mkdir m");
    if (mount("scratch", "m", "tmpfs", flags, nullptr) == 0) return true;
    if (errno == EPERM && !posix::running_on_tessera()) {
        std::printf("note: mount needs privileges this host run lacks\n");
        return false;
    }
    posix::fail(__FILE__, __LINE__, "mount: " + posix::describe_errno(errno));
}

}  // namespace

POSIX_TEST(mount, tmpfs_is_a_new_filesystem) {
    if (!mount_scratch()) return;
    struct stat outside, root;
    CHECK_OK(stat(".", &outside));
    CHECK_OK(stat("m", &root));
    CHECK(outside.st_dev != root.st_dev);
    struct statfs fs;
    CHECK_OK(statfs("m", &fs));
    CHECK_EQ(fs.f_type, tmpfs_magic);
    CHECK_OK(close(CHECK_OK(open("m/f", O_CREAT | O_WRONLY, 0600))));
    CHECK_OK(close(CHECK_OK(open("here", O_CREAT | O_WRONLY, 0600))));
    CHECK_ERRNO(rename("here", "m/here"), EXDEV);
    CHECK_ERRNO(link("m/f", "f2"), EXDEV);
    CHECK_ERRNO(rmdir("m"), EBUSY);
    // ".." from the mounted root is the directory holding the mount point.
    struct stat dotdot;
    CHECK_OK(stat("m/..", &dotdot));
    CHECK_EQ(dotdot.st_ino, outside.st_ino);
    CHECK_OK(umount2("m", 0));
    CHECK_ERRNO(access("m/f", F_OK), ENOENT);
    CHECK_OK(rmdir("m"));
}

POSIX_TEST(mount, read_only_mounts_refuse_changes) {
    if (!mount_scratch(MS_RDONLY)) return;
    CHECK_ERRNO(open("m/f", O_CREAT | O_WRONLY, 0600), EROFS);
    CHECK_ERRNO(mkdir("m/d", 0755), EROFS);
    CHECK_ERRNO(chmod("m", 0700), EROFS);
    struct statfs fs;
    CHECK_OK(statfs("m", &fs));
    CHECK((fs.f_flags & ST_RDONLY) != 0);
    CHECK_OK(umount2("m", 0));
}

POSIX_TEST(mount, proc_and_errors) {
    if (!mount_scratch()) return;
    CHECK_OK(umount2("m", 0));
    CHECK_OK(mount("proc", "m", "proc", 0, nullptr));
    struct statfs fs;
    CHECK_OK(statfs("m", &fs));
    CHECK_EQ(fs.f_type, proc_magic);
    CHECK_OK(access("m/self/stat", R_OK));
    CHECK_OK(umount2("m", 0));
    CHECK_ERRNO(mount("x", "m", "no-such-filesystem", 0, nullptr), ENODEV);
    CHECK_ERRNO(mount("x", "missing", "tmpfs", 0, nullptr), ENOENT);
    CHECK_ERRNO(umount2("m", 0), EINVAL);  // not a mount point
    CHECK_ERRNO(umount2("m", 0x40000000), EINVAL);
    CHECK_ERRNO(umount2("missing", 0), ENOENT);
}

POSIX_TEST(mount, open_files_outlive_the_unmount) {
    if (!mount_scratch()) return;
    int fd = CHECK_OK(open("m/f", O_CREAT | O_RDWR, 0600));
    CHECK_EQ(write(fd, "kept", 4), 4);
    // Busy on Linux without MNT_DETACH; detached, the open file lives on.
    CHECK_OK(umount2("m", MNT_DETACH));
    char buffer[5] = {};
    CHECK_EQ(pread(fd, buffer, 4, 0), 4);
    CHECK_STREQ(buffer, "kept");
    CHECK_OK(close(fd));
}
