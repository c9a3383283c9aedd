// mount and umount2: tmpfs and proc, mounted on a directory. MS_RDONLY
// is honoured; MS_REMOUNT, MS_BIND and MS_MOVE are EINVAL for now; the
// other MS_* flags (nosuid, nodev, noexec, atime ones) are accepted and ignored.
#include "fs/procfs/procfs.h"
#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs/mount.h"
#include "linux/path_arguments.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {

Result sys_mount(const Arguments& a) {
    constexpr uint64_t ms_remount = 32, ms_bind = 4096, ms_move = 8192;
    char type[32] = {};
    char source[64] = {};
    if (a.a0 != 0) {
        auto copied = mm::copy_string_from_user(source, a.a0, sizeof source);
        if (copied.is_error() && copied.error() != lib::Error::name_too_long) return copied.error();
    }
    UserPath target;
    TRY(target.copy(a.a1));
    fs::VnodeReference directory = TRY(lookup_at(at_fdcwd, target, 0));
    if (!directory->is_directory()) return lib::Error::not_directory;
    if (a.a3 & (ms_remount | ms_bind | ms_move)) return lib::Error::invalid_argument;  // FIXME: not supported yet
    if (a.a2 == 0) return lib::Error::invalid_argument;
    auto copied_type = mm::copy_string_from_user(type, a.a2, sizeof type);
    if (copied_type.is_error()) return copied_type.error() == lib::Error::name_too_long ? lib::Error::no_device : copied_type.error();
    lib::StringView kind(type);
    fs::FileSystem* filesystem;
    if (kind.equals("tmpfs"))
        filesystem = TRY(fs::Tmpfs::create(01777));
    else if (kind.equals("proc"))
        filesystem = TRY(fs::create_procfs());
    else
        return lib::Error::no_device;
    constexpr uint64_t ms_rdonly = 1;
    filesystem->mounted_read_only = (a.a3 & ms_rdonly) != 0;
    // The mount's path as given (for /proc/mounts).
    lib::Status mounted = fs::mount(*directory, *filesystem, source[0] ? source : type, target.view());
    if (mounted.is_error()) {
        lib::destroy(filesystem);
        return mounted.error();
    }
    return uint64_t(0);
}

Result sys_umount2(const Arguments& a) {
    constexpr uint64_t mnt_force = 1, mnt_detach = 2, mnt_expire = 4, umount_nofollow = 8;
    if (a.a1 & ~(mnt_force | mnt_detach | mnt_expire | umount_nofollow)) return lib::Error::invalid_argument;
    fs::VnodeReference root = TRY(lookup_user_path(at_fdcwd, a.a0, (a.a1 & umount_nofollow) ? at_symlink_nofollow : 0));
    TRY(fs::unmount(*root));
    return uint64_t(0);
}

}  // namespace linux
