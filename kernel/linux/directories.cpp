// mkdir, mkdirat, rmdir, mknod, mknodat, getdents64, chdir, fchdir, getcwd.
#include "fs/vfs/mount.h"
#include "lib/allocator.h"
#include "linux/path_arguments.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {
namespace {

Result make_node_at(int64_t directory, uint64_t path_address, uint32_t mode, uint64_t device) {
    UserPath path;
    TRY(path.copy(path_address));
    fs::ParentAndName place = TRY(lookup_parent(directory, path));
    if (place.name.empty() || place.name.equals(".") || place.name.equals("..")) return lib::Error::exists;
    if (place.trailing_slash && (mode & fs::type_mask) != fs::type_directory) {
        // "mknod x/" names a directory that cannot be made this way.
        auto existing = place.parent->lookup(place.name);
        if (!existing.is_error()) {
            existing.value()->release();
            return lib::Error::exists;
        }
        return lib::Error::not_found;
    }
    if (place.parent->filesystem.read_only()) return lib::Error::read_only;
    fs::Vnode* node = TRY(place.parent->create(place.name, mode, device));
    node->release();
    return uint64_t(0);
}

Result make_directory_at(int64_t directory, uint64_t path_address, uint64_t mode) {
    return make_node_at(directory, path_address, fs::type_directory | apply_umask(mode & 01777), 0);
}

Result make_device_at(int64_t directory, uint64_t path_address, uint64_t mode, uint64_t device) {
    uint32_t type = mode & fs::type_mask;
    if (type == 0) type = fs::type_regular;
    switch (type) {
        case fs::type_regular:
        case fs::type_character_device:
        case fs::type_block_device:
        case fs::type_fifo:
        case fs::type_socket:
            break;
        case fs::type_directory:
            return lib::Error::not_permitted;
        default:
            return lib::Error::invalid_argument;
    }
    if (type != fs::type_character_device && type != fs::type_block_device) device = 0;
    return make_node_at(directory, path_address, type | apply_umask(mode & fs::permission_mask), device);
}

}  // namespace

Result sys_mkdir(const Arguments& a) {
    return make_directory_at(at_fdcwd, a.a0, a.a1);
}
Result sys_mkdirat(const Arguments& a) {
    return make_directory_at(static_cast<int64_t>(a.a0), a.a1, a.a2);
}
Result sys_mknod(const Arguments& a) {
    return make_device_at(at_fdcwd, a.a0, a.a1, a.a2);
}
Result sys_mknodat(const Arguments& a) {
    return make_device_at(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3);
}

Result remove_directory_at(int64_t directory, uint64_t path_address) {
    UserPath path;
    TRY(path.copy(path_address));
    fs::ParentAndName place = TRY(lookup_parent(directory, path));
    if (place.name.empty()) return lib::Error::busy;
    if (place.name.equals(".")) return lib::Error::invalid_argument;
    if (place.name.equals("..")) return lib::Error::not_empty;
    if (place.parent->filesystem.read_only()) return lib::Error::read_only;
    TRY(place.parent->unlink(place.name, true));
    return uint64_t(0);
}

Result sys_rmdir(const Arguments& a) {
    return remove_directory_at(at_fdcwd, a.a0);
}

Result sys_getdents64(const Arguments& a) {
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    return TRY(file->read_directory(a.a1, lib::min<uint64_t>(a.a2, 0x7FFFF000)));
}

Result sys_getcwd(const Arguments& a) {
    // On the heap: a path can be 4 KiB and kernel stacks are 16 KiB.
    auto* buffer = static_cast<char*>(lib::allocate(fs::max_path_length));
    if (buffer == nullptr) return lib::Error::no_memory;
    struct Free {
        char* p;
        ~Free() { lib::deallocate(p); }
    } free_buffer{buffer};
    size_t length = TRY(fs::directory_path(current_process().cwd.get(), fs::root_vnode(), buffer, fs::max_path_length));
    if (a.a1 < length + 1) return lib::Error::out_of_range;
    TRY(mm::copy_to_user(a.a0, buffer, length + 1));
    return length + 1;
}

Result sys_chdir(const Arguments& a) {
    fs::VnodeReference node = TRY(lookup_user_path(at_fdcwd, a.a0, 0));
    if (!node->is_directory()) return lib::Error::not_directory;
    current_process().cwd = lib::move(node);
    return uint64_t(0);
}

Result sys_fchdir(const Arguments& a) {
    if (static_cast<int32_t>(a.a0) < 0) return lib::Error::bad_descriptor;
    current_process().cwd = TRY(start_directory(static_cast<int32_t>(a.a0)));
    return uint64_t(0);
}

}  // namespace linux
