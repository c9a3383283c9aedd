// open, openat, creat, close, memfd_create.
#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs/mount.h"
#include "fs/vfs/open_file.h"
#include "lib/allocator.h"
#include "linux/path_arguments.h"
#include "mm/memory_object.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr int known_open_flags = 037777777;  // every O_* bit Linux defines, below __O_TMPFILE's top bit

lib::ErrorOr<fs::VnodeReference> find_or_create(int64_t directory, const UserPath& path, int flags, uint32_t mode,
                                                bool& created) {
    bool follow = (flags & (fs::open_no_follow | fs::open_exclusive)) == 0;
    auto found = lookup_at(directory, path, follow ? 0 : at_symlink_nofollow);
    if ((flags & fs::open_create) == 0 || !found.is_error() || found.error() != lib::Error::not_found) {
        if (!found.is_error() && (flags & fs::open_create) && (flags & fs::open_exclusive)) return lib::Error::exists;
        return found;
    }
    fs::ParentAndName place = TRY(lookup_parent(directory, path));
    if (place.trailing_slash) return lib::Error::is_directory;
    if (place.name.empty() || place.name.equals(".") || place.name.equals("..")) return lib::Error::is_directory;
    if (place.parent->filesystem.read_only()) return lib::Error::read_only;
    created = true;
    return fs::VnodeReference::adopt(
        TRY(place.parent->create(place.name, fs::type_regular | apply_umask(mode & fs::permission_mask), 0)));
}

// The absolute path a regular file was opened by (for /proc/<pid>/fd):
// relative paths are joined to their start directory's path, no "." or
// ".." is folded. Best effort: on failure the link shows the inode.
void record_opened_path(object::File& file, int64_t directory, const UserPath& path) {
    lib::StringView given = path.view();
    if (given[0] == '/') {
        auto copied = lib::String::copy(given);
        if (!copied.is_error()) file.set_opened_path(copied.release_value());
        return;
    }
    auto start = start_directory(directory);
    if (start.is_error()) return;
    auto* buffer = static_cast<char*>(lib::allocate(fs::max_path_length));
    if (buffer == nullptr) return;
    auto length = fs::directory_path(start.value().get(), fs::root_vnode(), buffer, fs::max_path_length);
    if (!length.is_error()) {
        size_t used = length.value() == 1 ? 0 : length.value();
        if (used + 1 + given.length < fs::max_path_length) {
            buffer[used] = '/';
            lib::copy_bytes(buffer + used + 1, given.data, given.length);
            auto copied = lib::String::copy(lib::StringView(buffer, used + 1 + given.length));
            if (!copied.is_error()) file.set_opened_path(copied.release_value());
        }
    }
    lib::deallocate(buffer);
}

Result open_at(int64_t directory, uint64_t path_address, uint64_t flags_argument, uint64_t mode) {
    int flags = static_cast<int>(flags_argument);
    if ((flags & fs::open_tmpfile) == fs::open_tmpfile) return lib::Error::not_supported;
    if ((flags & fs::open_path) != 0) flags &= fs::open_path | fs::open_directory | fs::open_no_follow | fs::open_close_on_exec;
    UserPath path;
    TRY(path.copy(path_address));
    bool created = false;
    fs::VnodeReference node = TRY(find_or_create(directory, path, flags, static_cast<uint32_t>(mode), created));
    bool writing = fs::can_write(flags);
    if (node->is_symlink() && (flags & fs::open_path) == 0) return lib::Error::too_many_links;  // O_NOFOLLOW on a link
    if ((flags & fs::open_directory) && !node->is_directory()) return lib::Error::not_directory;
    if (node->is_directory() && (writing || (flags & fs::open_create))) return lib::Error::is_directory;
    if (writing && node->filesystem.read_only()) return lib::Error::read_only;
    if ((flags & fs::open_truncate) && node->is_regular() && !created && (flags & fs::open_path) == 0) {
        if (node->filesystem.read_only()) return lib::Error::read_only;
        mm::MemoryObject* memory = TRY(node->memory_object());
        if (memory->writes_sealed()) return lib::Error::not_permitted;
        if (node->size() != 0) TRY(node->resize(0));
    }
    int kept = flags & ~(fs::open_create | fs::open_exclusive | fs::open_no_tty | fs::open_truncate |
                         fs::open_close_on_exec);
    object::File* file = TRY(node->open(kept));
    if (node->is_regular()) record_opened_path(*file, directory, path);
    return install_new_file(file, flags & fs::open_close_on_exec);
}

}  // namespace

Result sys_open(const Arguments& a) {
    return open_at(at_fdcwd, a.a0, a.a1, a.a2);
}
Result sys_openat(const Arguments& a) {
    return open_at(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3);
}
Result sys_creat(const Arguments& a) {
    return open_at(at_fdcwd, a.a0, fs::open_create | fs::open_write_only | fs::open_truncate, a.a1);
}

Result sys_close(const Arguments& a) {
    // POSIX: closing any descriptor of a file drops the process's record
    // locks on it (File::descriptor_closed).
    TRY(current_process().files.close(static_cast<int>(a.a0)));
    return uint64_t(0);
}

Result sys_memfd_create(const Arguments& a) {
    constexpr uint64_t mfd_cloexec = 1, mfd_allow_sealing = 2, mfd_noexec_seal = 8, mfd_exec = 0x10;
    if (a.a1 & ~(mfd_cloexec | mfd_allow_sealing | mfd_noexec_seal | mfd_exec)) return lib::Error::invalid_argument;
    constexpr size_t max_name = 249;  // NAME_MAX minus "memfd:"
    char name[fs::max_name_length + 1];
    auto length = mm::copy_string_from_user(name, a.a0, max_name + 1);
    if (length.is_error()) return length.error() == lib::Error::name_too_long ? lib::Error::invalid_argument : length.error();
    // A unique name in the hidden directory; the user's name is only shown.
    static uint64_t next_memfd = 0;
    char unique[24];
    size_t digits = 0;
    for (uint64_t n = ++next_memfd; n != 0 || digits == 0; n /= 10) unique[digits++] = static_cast<char>('0' + n % 10);
    for (size_t i = 0; i < digits / 2; ++i) {
        char c = unique[i];
        unique[i] = unique[digits - 1 - i];
        unique[digits - 1 - i] = c;
    }
    fs::Vnode* directory = fs::memfd_filesystem().root();
    lib::StringView unique_name(unique, digits);
    fs::VnodeReference node =
        fs::VnodeReference::adopt(TRY(directory->create(unique_name, fs::type_regular | 0777, 0)));
    TRY(directory->unlink(unique_name, false));
    auto display = TRY(lib::String::copy(lib::StringView(name, length.value())));
    node->name = lib::move(display);
    if (a.a1 & mfd_allow_sealing) TRY(node->memory_object())->allow_sealing();
    object::File* file = TRY(node->open(fs::open_read_write | fs::open_large_file));
    return install_new_file(file, a.a1 & mfd_cloexec);
}

}  // namespace linux
