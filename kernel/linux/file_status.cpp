// stat, lstat, fstat, newfstatat, statx, statfs, fstatfs.
#include "fs/vfs/vnode.h"
#include "linux/path_arguments.h"
#include "mm/physical.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {
namespace {

// struct stat for x86_64.
struct LinuxStat {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad0;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    uint64_t atime, atime_nsec, mtime, mtime_nsec, ctime, ctime_nsec;
    int64_t reserved[3];
};
static_assert(sizeof(LinuxStat) == 144);

constexpr uint64_t nanoseconds_per_second = 1'000'000'000;

Result write_stat(const object::FileStatus& status, uint64_t address) {
    LinuxStat out = {};
    out.dev = status.device;
    out.ino = status.inode;
    out.nlink = status.links;
    out.mode = status.mode;
    out.uid = status.uid;
    out.gid = status.gid;
    out.rdev = status.rdev;
    out.size = static_cast<int64_t>(status.size);
    out.blksize = 4096;
    out.blocks = static_cast<int64_t>(status.blocks);
    out.atime = status.access_ns / nanoseconds_per_second;
    out.atime_nsec = status.access_ns % nanoseconds_per_second;
    out.mtime = status.modify_ns / nanoseconds_per_second;
    out.mtime_nsec = status.modify_ns % nanoseconds_per_second;
    out.ctime = status.change_ns / nanoseconds_per_second;
    out.ctime_nsec = status.change_ns % nanoseconds_per_second;
    TRY(mm::copy_value_to_user(address, out));
    return uint64_t(0);
}

// The status of what (descriptor, path, flags) names; with AT_EMPTY_PATH
// and an empty path that is the descriptor's file, node or not (a pipe).
lib::ErrorOr<object::FileStatus> status_at(int64_t descriptor, uint64_t path_address, uint64_t flags) {
    UserPath path;
    TRY(path.copy(path_address));
    if (path.empty() && (flags & at_empty_path) && static_cast<int32_t>(descriptor) != at_fdcwd) {
        auto file = TRY(current_process().files.get(static_cast<int>(descriptor)));
        return file->status();
    }
    fs::VnodeReference node = TRY(lookup_at(descriptor, path, flags));
    return node->status();
}

Result stat_at(int64_t descriptor, uint64_t path_address, uint64_t buffer, uint64_t flags) {
    if (flags & ~(at_symlink_nofollow | at_empty_path | at_no_automount)) return lib::Error::invalid_argument;
    return write_stat(TRY(status_at(descriptor, path_address, flags)), buffer);
}

struct StatxTimestamp {
    int64_t seconds;
    uint32_t nanoseconds;
    int32_t reserved;
};
struct Statx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, spare0;
    uint64_t ino, size, blocks, attributes_mask;
    StatxTimestamp atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};
static_assert(sizeof(Statx) == 256);

StatxTimestamp statx_time(uint64_t ns) {
    return StatxTimestamp{static_cast<int64_t>(ns / nanoseconds_per_second),
                          static_cast<uint32_t>(ns % nanoseconds_per_second), 0};
}

// struct statfs for x86_64.
struct LinuxStatfs {
    int64_t type, bsize, blocks, bfree, bavail, files, ffree;
    int32_t fsid[2];
    int64_t namelen, frsize, flags, spare[4];
};
static_assert(sizeof(LinuxStatfs) == 120);

Result write_statfs(const fs::Vnode& node, uint64_t address) {
    LinuxStatfs out = {};
    out.type = static_cast<int64_t>(node.filesystem.magic());
    out.bsize = out.frsize = 4096;
    uint64_t free_frames = mm::free_frame_count();
    out.blocks = static_cast<int64_t>(mm::total_frame_count());
    out.bfree = out.bavail = static_cast<int64_t>(free_frames);
    out.files = 1 << 20;
    out.ffree = out.files - static_cast<int64_t>(node.filesystem.inodes_used());
    out.fsid[0] = static_cast<int32_t>(node.filesystem.device);
    out.namelen = fs::max_name_length;
    constexpr int64_t st_rdonly = 1;
    out.flags = node.filesystem.read_only() ? st_rdonly : 0;
    TRY(mm::copy_value_to_user(address, out));
    return uint64_t(0);
}

}  // namespace

Result sys_stat(const Arguments& a) {
    return stat_at(at_fdcwd, a.a0, a.a1, 0);
}
Result sys_lstat(const Arguments& a) {
    return stat_at(at_fdcwd, a.a0, a.a1, at_symlink_nofollow);
}
Result sys_newfstatat(const Arguments& a) {
    return stat_at(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3);
}

Result sys_fstat(const Arguments& a) {
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    return write_stat(TRY(file->status()), a.a1);
}

Result sys_statx(const Arguments& a) {
    constexpr uint64_t statx_sync_type = 0x6000, statx_reserved = 0x80000000u;
    constexpr uint32_t statx_basic_stats = 0x7FF;
    if (a.a2 & ~(at_symlink_nofollow | at_empty_path | at_no_automount | statx_sync_type)) return lib::Error::invalid_argument;
    if ((a.a2 & statx_sync_type) == statx_sync_type || (a.a3 & statx_reserved)) return lib::Error::invalid_argument;
    object::FileStatus status = TRY(status_at(static_cast<int64_t>(a.a0), a.a1, a.a2));
    Statx out = {};
    out.mask = statx_basic_stats;
    out.blksize = 4096;
    out.nlink = status.links;
    out.uid = status.uid;
    out.gid = status.gid;
    out.mode = static_cast<uint16_t>(status.mode);
    out.ino = status.inode;
    out.size = status.size;
    out.blocks = status.blocks;
    out.atime = statx_time(status.access_ns);
    out.mtime = statx_time(status.modify_ns);
    out.ctime = statx_time(status.change_ns);
    out.rdev_major = fs::device_major(status.rdev);
    out.rdev_minor = fs::device_minor(status.rdev);
    out.dev_major = fs::device_major(status.device);
    out.dev_minor = fs::device_minor(status.device);
    TRY(mm::copy_value_to_user(a.a4, out));
    return uint64_t(0);
}

Result sys_statfs(const Arguments& a) {
    fs::VnodeReference node = TRY(lookup_user_path(at_fdcwd, a.a0, 0));
    return write_statfs(*node, a.a1);
}

Result sys_fstatfs(const Arguments& a) {
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    if (file->vnode() == nullptr) return lib::Error::invalid_argument;  // FIXME: pipefs/sockfs answers
    return write_statfs(*file->vnode(), a.a1);
}

}  // namespace linux
