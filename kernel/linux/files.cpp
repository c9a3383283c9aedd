// Paths and descriptors: open, openat, close, the stat family, getdents64,
// readlink of /proc/self/exe and symlinks, access, getcwd, chdir, dup, fcntl.
#include "fs/files.h"
#include "fs/path.h"
#include "lib/allocator.h"
#include "linux/syscall.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr int64_t at_fdcwd = -100;
constexpr uint64_t at_symlink_nofollow = 0x100, at_empty_path = 0x1000;
constexpr uint64_t o_accmode = 3, o_creat = 0100, o_excl = 0200, o_trunc = 01000, o_directory = 0200000,
                   o_nofollow = 0400000, o_cloexec = 02000000, o_path = 010000000;

// A path copied from user memory (on the heap: kernel stacks are small).
class UserPath {
public:
    ~UserPath() { lib::deallocate(text_); }
    lib::Status copy(uint64_t address) {
        text_ = static_cast<char*>(lib::allocate(fs::max_path_length));
        if (text_ == nullptr) return lib::Error::no_memory;
        length_ = TRY(mm::copy_string_from_user(text_, address, fs::max_path_length));
        return lib::ok();
    }
    lib::StringView view() const { return lib::StringView(text_, length_); }

private:
    char* text_ = nullptr;
    size_t length_ = 0;
};

lib::ErrorOr<fs::Node*> start_directory(int64_t descriptor) {
    sched::Process& process = current_process();
    if (static_cast<int32_t>(descriptor) == at_fdcwd) return process.cwd;
    auto file = TRY(process.files.get(static_cast<int>(descriptor)));
    fs::Node* node = file->node();
    if (node == nullptr || !node->is_directory()) return lib::Error::not_directory;
    return node;
}

lib::ErrorOr<fs::Node*> lookup(int64_t directory, const UserPath& path, bool follow) {
    fs::Node* start = TRY(start_directory(directory));
    return fs::resolve(fs::Lookup{fs::root_tree().root(), start, follow}, path.view());
}

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

Result write_stat(const object::FileStatus& status, uint64_t address) {
    LinuxStat out = {};
    out.dev = status.device;
    out.ino = status.inode;
    out.nlink = status.links;
    out.mode = status.mode;
    out.rdev = status.rdev;
    out.size = static_cast<int64_t>(status.size);
    out.blksize = 4096;
    out.blocks = static_cast<int64_t>((status.size + 511) / 512);
    out.atime = out.mtime = out.ctime = status.modified_seconds;
    TRY(mm::copy_value_to_user(address, out));
    return uint64_t(0);
}

Result stat_at(int64_t directory, uint64_t path_address, uint64_t buffer, uint64_t flags) {
    if (flags & ~(at_symlink_nofollow | at_empty_path)) return lib::Error::invalid_argument;
    UserPath path;
    TRY(path.copy(path_address));
    if (path.view().empty()) {
        if ((flags & at_empty_path) == 0) return lib::Error::not_found;
        if (static_cast<int32_t>(directory) == at_fdcwd)
            return write_stat(fs::status_of(*current_process().cwd), buffer);
        auto file = TRY(current_process().files.get(static_cast<int>(directory)));
        return write_stat(TRY(file->status()), buffer);
    }
    fs::Node* node = TRY(lookup(directory, path, (flags & at_symlink_nofollow) == 0));
    return write_stat(fs::status_of(*node), buffer);
}

Result open_at(int64_t directory, uint64_t path_address, uint64_t flags) {
    UserPath path;
    TRY(path.copy(path_address));
    auto found = lookup(directory, path, (flags & o_nofollow) == 0);
    if (found.is_error()) {
        // Creating files needs a writable filesystem; the ramdisk is not.
        if (found.error() == lib::Error::not_found && (flags & o_creat)) return lib::Error::read_only;
        return found.error();
    }
    fs::Node* node = found.value();
    if ((flags & (o_creat | o_excl)) == (o_creat | o_excl)) return lib::Error::exists;
    if (node->is_symlink()) return lib::Error::too_many_links;  // O_NOFOLLOW on a link: ELOOP
    if ((flags & o_directory) && !node->is_directory()) return lib::Error::not_directory;
    bool writing = (flags & o_accmode) != 0 || (flags & o_trunc);
    if (writing && !(flags & o_path)) {
        if (node->is_directory()) return lib::Error::is_directory;
        if ((node->mode & fs::type_mask) != fs::type_character_device) return lib::Error::read_only;
    }
    object::File* file = TRY(fs::open_node(node));
    file->status_flags = static_cast<int>(flags & ~(o_creat | o_excl | o_trunc | o_cloexec));
    auto descriptor = current_process().files.install(file, flags & o_cloexec);
    if (descriptor.is_error()) {
        file->release();
        return descriptor.error();
    }
    return static_cast<uint64_t>(descriptor.value());
}

Result read_link(int64_t directory, uint64_t path_address, uint64_t buffer, uint64_t size) {
    if (static_cast<int64_t>(size) <= 0) return lib::Error::invalid_argument;
    UserPath path;
    TRY(path.copy(path_address));
    const char* target;
    size_t length;
    if (path.view().equals("/proc/self/exe")) {
        target = current_process().executable;
        length = lib::string_length(target);
    } else {
        fs::Node* node = TRY(lookup(directory, path, false));
        if (!node->is_symlink()) return lib::Error::invalid_argument;
        target = reinterpret_cast<const char*>(node->data);
        length = node->size;
    }
    length = lib::min<size_t>(length, size);
    TRY(mm::copy_to_user(buffer, target, length));
    return length;
}

Result access_at(int64_t directory, uint64_t path_address, uint64_t mode, uint64_t flags) {
    if (mode & ~7ull) return lib::Error::invalid_argument;
    UserPath path;
    TRY(path.copy(path_address));
    fs::Node* node = TRY(lookup(directory, path, (flags & at_symlink_nofollow) == 0));
    constexpr uint64_t write_ok = 2, execute_ok = 1;
    if ((mode & write_ok) && (node->mode & fs::type_mask) != fs::type_character_device) return lib::Error::read_only;
    if ((mode & execute_ok) && (node->mode & 0111) == 0) return lib::Error::access_denied;
    return uint64_t(0);
}

Result duplicate(uint64_t old_descriptor, int lowest, bool close_on_exec) {
    sched::Process& process = current_process();
    auto file = TRY(process.files.get(static_cast<int>(old_descriptor)));
    auto descriptor = TRY(process.files.install(file.get(), close_on_exec, lowest));
    (void)file.leak();  // the new descriptor's reference
    return static_cast<uint64_t>(descriptor);
}

Result duplicate_to(uint64_t old_descriptor, uint64_t new_descriptor, bool close_on_exec) {
    sched::Process& process = current_process();
    auto file = TRY(process.files.get(static_cast<int>(old_descriptor)));
    if (new_descriptor >= static_cast<uint64_t>(object::FileTable::max_descriptors)) return lib::Error::bad_descriptor;
    if (old_descriptor == new_descriptor) return new_descriptor;
    TRY(process.files.install_at(static_cast<int>(new_descriptor), file.get(), close_on_exec));
    (void)file.leak();  // the new descriptor's reference
    return new_descriptor;
}

}  // namespace

Result sys_open(const Arguments& a) {
    return open_at(at_fdcwd, a.a0, a.a1);
}
Result sys_openat(const Arguments& a) {
    return open_at(static_cast<int64_t>(a.a0), a.a1, a.a2);
}

Result sys_close(const Arguments& a) {
    TRY(current_process().files.close(static_cast<int>(a.a0)));
    return uint64_t(0);
}

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

Result sys_getdents64(const Arguments& a) {
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    return TRY(file->read_directory(a.a1, lib::min<uint64_t>(a.a2, 0x7FFFF000)));
}

Result sys_readlink(const Arguments& a) {
    return read_link(at_fdcwd, a.a0, a.a1, a.a2);
}
Result sys_readlinkat(const Arguments& a) {
    return read_link(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3);
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

Result sys_getcwd(const Arguments& a) {
    // On the heap: a path can be 4 KiB and kernel stacks are 16 KiB.
    auto* buffer = static_cast<char*>(lib::allocate(fs::max_path_length));
    if (buffer == nullptr) return lib::Error::no_memory;
    struct Free {
        char* p;
        ~Free() { lib::deallocate(p); }
    } free_buffer{buffer};
    size_t length = TRY(fs::absolute_path(current_process().cwd, fs::root_tree().root(), buffer, fs::max_path_length));
    if (a.a1 < length + 1) return lib::Error::out_of_range;
    TRY(mm::copy_to_user(a.a0, buffer, length + 1));
    return length + 1;
}

Result sys_chdir(const Arguments& a) {
    UserPath path;
    TRY(path.copy(a.a0));
    fs::Node* node = TRY(lookup(at_fdcwd, path, true));
    if (!node->is_directory()) return lib::Error::not_directory;
    current_process().cwd = node;
    return uint64_t(0);
}

Result sys_fchdir(const Arguments& a) {
    current_process().cwd = TRY(start_directory(static_cast<int32_t>(a.a0)));
    return uint64_t(0);
}

Result sys_dup(const Arguments& a) {
    return duplicate(a.a0, 0, false);
}
Result sys_dup2(const Arguments& a) {
    if (a.a0 == a.a1) {
        TRY(current_process().files.get(static_cast<int>(a.a0)));
        return a.a1;
    }
    return duplicate_to(a.a0, a.a1, false);
}
Result sys_dup3(const Arguments& a) {
    if (a.a0 == a.a1 || (a.a2 & ~o_cloexec) != 0) return lib::Error::invalid_argument;
    return duplicate_to(a.a0, a.a1, a.a2 & o_cloexec);
}

Result sys_fcntl(const Arguments& a) {
    constexpr uint64_t dupfd = 0, getfd = 1, setfd = 2, getfl = 3, setfl = 4, dupfd_cloexec = 1030;
    sched::Process& process = current_process();
    int descriptor = static_cast<int>(a.a0);
    auto file = TRY(process.files.get(descriptor));
    switch (a.a1) {
        case dupfd:
        case dupfd_cloexec:
            if (a.a2 >= static_cast<uint64_t>(object::FileTable::max_descriptors)) return lib::Error::invalid_argument;
            return duplicate(a.a0, static_cast<int>(a.a2), a.a1 == dupfd_cloexec);
        case getfd:
            return uint64_t(process.files.close_on_exec(descriptor) ? 1 : 0);
        case setfd:
            process.files.set_close_on_exec(descriptor, a.a2 & 1);
            return uint64_t(0);
        case getfl:
            return static_cast<uint64_t>(file->status_flags);
        case setfl: {
            constexpr int changeable = 02000 | 04000;  // O_APPEND, O_NONBLOCK
            file->status_flags = (file->status_flags & ~changeable) | (static_cast<int>(a.a2) & changeable);
            return uint64_t(0);
        }
        default:
            return lib::Error::invalid_argument;
    }
}

}  // namespace linux
