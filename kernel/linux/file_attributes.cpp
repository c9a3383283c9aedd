// Metadata and whole-file changes: chmod, fchmod, fchmodat, chown, fchown,
// fchownat, lchown, utimensat, utimes, futimesat, utime, truncate,
// ftruncate, fsync, fdatasync, sync, syncfs, umask, access, faccessat,
// faccessat2.
#include "fs/vfs/open_file.h"
#include "linux/path_arguments.h"
#include "mm/memory_object.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/process.h"

namespace linux {
namespace {

// The node a descriptor names (EBADF; pipes and sockets have none).
lib::ErrorOr<fs::VnodeReference> descriptor_node(uint64_t descriptor) {
    auto file = TRY(current_process().files.get(static_cast<int>(descriptor)));
    if (file->vnode() == nullptr) return lib::Error::invalid_argument;
    return fs::VnodeReference::share(file->vnode());
}

Result change_mode(fs::Vnode& node, uint64_t mode) {
    if (node.filesystem.read_only()) return lib::Error::read_only;
    node.mode = (node.mode & fs::type_mask) | static_cast<uint32_t>(mode & fs::permission_mask);
    node.touch_changed();
    return uint64_t(0);
}

Result change_owner(fs::Vnode& node, uint64_t user, uint64_t group) {
    if (node.filesystem.read_only()) return lib::Error::read_only;
    // -1 leaves the id alone.
    if (static_cast<uint32_t>(user) != 0xFFFFFFFFu) node.uid = static_cast<uint32_t>(user);
    if (static_cast<uint32_t>(group) != 0xFFFFFFFFu) node.gid = static_cast<uint32_t>(group);
    // A change of owner clears set-user-ID and set-group-ID on non-directories.
    if (!node.is_directory()) node.mode &= ~06000u;
    node.touch_changed();
    return uint64_t(0);
}

Result change_owner_at(int64_t directory, uint64_t path_address, uint64_t user, uint64_t group, uint64_t flags) {
    if (flags & ~(at_symlink_nofollow | at_empty_path)) return lib::Error::invalid_argument;
    fs::VnodeReference node = TRY(lookup_user_path(directory, path_address, flags));
    return change_owner(*node, user, group);
}

constexpr uint64_t utime_now = (1ull << 30) - 1, utime_omit = (1ull << 30) - 2;
constexpr uint64_t nanoseconds_per_second = 1'000'000'000;

struct Timespec {
    int64_t seconds;
    int64_t nanoseconds;
};

// Sets access and modification times: times == nullptr means both now.
Result set_times(fs::Vnode& node, const Timespec* times) {
    if (node.filesystem.read_only()) return lib::Error::read_only;
    uint64_t now = sched::realtime_ns();
    uint64_t* fields[2] = {&node.access_ns, &node.modify_ns};
    for (int i = 0; i < 2; ++i) {
        if (times == nullptr || static_cast<uint64_t>(times[i].nanoseconds) == utime_now) {
            *fields[i] = now;
        } else if (static_cast<uint64_t>(times[i].nanoseconds) != utime_omit) {
            *fields[i] = static_cast<uint64_t>(times[i].seconds) * nanoseconds_per_second +
                         static_cast<uint64_t>(times[i].nanoseconds);
        }
    }
    node.change_ns = now;
    return uint64_t(0);
}

Result utimens_at(int64_t directory, uint64_t path_address, uint64_t times_address, uint64_t flags) {
    if (flags & ~(at_symlink_nofollow | at_empty_path)) return lib::Error::invalid_argument;
    Timespec times[2];
    if (times_address != 0) {
        TRY(mm::copy_from_user(times, times_address, sizeof times));
        for (const Timespec& t : times) {
            uint64_t ns = static_cast<uint64_t>(t.nanoseconds);
            if (ns != utime_now && ns != utime_omit && (t.nanoseconds < 0 || t.nanoseconds >= 1'000'000'000))
                return lib::Error::invalid_argument;
        }
    }
    fs::VnodeReference node;
    if (path_address == 0) {
        // utimensat(fd, NULL, ...): the descriptor itself (futimens).
        if (static_cast<int32_t>(directory) == at_fdcwd) return lib::Error::bad_address;
        node = TRY(descriptor_node(static_cast<uint64_t>(directory)));
    } else {
        node = TRY(lookup_user_path(directory, path_address, flags));
    }
    return set_times(*node, times_address != 0 ? times : nullptr);
}

// utimes/futimesat: struct timeval pairs (microseconds).
Result utimes_at(int64_t directory, uint64_t path_address, uint64_t times_address) {
    Timespec times[2];
    if (times_address != 0) {
        TRY(mm::copy_from_user(times, times_address, sizeof times));
        for (Timespec& t : times) {
            if (t.nanoseconds < 0 || t.nanoseconds >= 1'000'000) return lib::Error::invalid_argument;
            t.nanoseconds *= 1000;
        }
    }
    fs::VnodeReference node = TRY(lookup_user_path(directory, path_address, 0));
    return set_times(*node, times_address != 0 ? times : nullptr);
}

Result resize(fs::Vnode& node, uint64_t length) {
    if (static_cast<int64_t>(length) < 0) return lib::Error::invalid_argument;
    if (node.is_directory()) return lib::Error::is_directory;
    if (!node.is_regular()) return lib::Error::invalid_argument;
    if (node.filesystem.read_only()) return lib::Error::read_only;
    TRY(node.resize(length));
    return uint64_t(0);
}

Result access_at(int64_t directory, uint64_t path_address, uint64_t mode, uint64_t flags) {
    constexpr uint64_t write_ok = 2, execute_ok = 1;
    if (mode & ~7ull) return lib::Error::invalid_argument;
    if (flags & ~(at_symlink_nofollow | at_eaccess | at_empty_path)) return lib::Error::invalid_argument;
    fs::VnodeReference node = TRY(lookup_user_path(directory, path_address, flags & ~at_eaccess));
    if ((mode & write_ok) && node->filesystem.read_only()) return lib::Error::read_only;
    // Every process runs as root for now: only execute needs some x bit
    // (root may execute a file when anyone may, and search any directory).
    if ((mode & execute_ok) && !node->is_directory() && (node->mode & 0111) == 0) return lib::Error::access_denied;
    return uint64_t(0);
}

}  // namespace

Result sys_chmod(const Arguments& a) {
    fs::VnodeReference node = TRY(lookup_user_path(at_fdcwd, a.a0, 0));
    return change_mode(*node, a.a1);
}
Result sys_fchmod(const Arguments& a) {
    fs::VnodeReference node = TRY(descriptor_node(a.a0));
    return change_mode(*node, a.a1);
}
Result sys_fchmodat(const Arguments& a) {
    fs::VnodeReference node = TRY(lookup_user_path(static_cast<int64_t>(a.a0), a.a1, 0));
    return change_mode(*node, a.a2);
}

Result sys_chown(const Arguments& a) {
    return change_owner_at(at_fdcwd, a.a0, a.a1, a.a2, 0);
}
Result sys_lchown(const Arguments& a) {
    return change_owner_at(at_fdcwd, a.a0, a.a1, a.a2, at_symlink_nofollow);
}
Result sys_fchown(const Arguments& a) {
    fs::VnodeReference node = TRY(descriptor_node(a.a0));
    return change_owner(*node, a.a1, a.a2);
}
Result sys_fchownat(const Arguments& a) {
    return change_owner_at(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3, a.a4);
}

Result sys_utimensat(const Arguments& a) {
    return utimens_at(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3);
}
Result sys_utimes(const Arguments& a) {
    return utimes_at(at_fdcwd, a.a0, a.a1);
}
Result sys_futimesat(const Arguments& a) {
    return utimes_at(static_cast<int64_t>(a.a0), a.a1, a.a2);
}
Result sys_utime(const Arguments& a) {
    // struct utimbuf: actime, modtime in seconds.
    int64_t seconds[2];
    Timespec times[2] = {};
    if (a.a1 != 0) {
        TRY(mm::copy_from_user(seconds, a.a1, sizeof seconds));
        times[0].seconds = seconds[0];
        times[1].seconds = seconds[1];
    }
    fs::VnodeReference node = TRY(lookup_user_path(at_fdcwd, a.a0, 0));
    return set_times(*node, a.a1 != 0 ? times : nullptr);
}

Result sys_truncate(const Arguments& a) {
    fs::VnodeReference node = TRY(lookup_user_path(at_fdcwd, a.a0, 0));
    return resize(*node, a.a1);
}
Result sys_ftruncate(const Arguments& a) {
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    if (file->vnode() == nullptr || !fs::can_write(file->status_flags)) return lib::Error::invalid_argument;
    return resize(*file->vnode(), a.a1);
}

// Everything is in memory: there is nothing to write back.
Result sys_fsync(const Arguments& a) {
    TRY(current_process().files.get(static_cast<int>(a.a0)));
    return uint64_t(0);
}
Result sys_fdatasync(const Arguments& a) {
    return sys_fsync(a);
}
Result sys_syncfs(const Arguments& a) {
    return sys_fsync(a);
}
Result sys_sync(const Arguments&) {
    return uint64_t(0);
}

Result sys_umask(const Arguments& a) {
    sched::Process& process = current_process();
    uint32_t old = process.umask;
    process.umask = static_cast<uint32_t>(a.a0) & 0777;
    return uint64_t(old);
}

Result sys_access(const Arguments& a) {
    return access_at(at_fdcwd, a.a0, a.a1, 0);
}
Result sys_faccessat(const Arguments& a) {
    return access_at(static_cast<int64_t>(a.a0), a.a1, a.a2, 0);
}
Result sys_faccessat2(const Arguments& a) {
    return access_at(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3);
}

}  // namespace linux
