// unlink, unlinkat, link, linkat, symlink, symlinkat, readlink,
// readlinkat, rename, renameat, renameat2.
#include "fs/vfs/path.h"
#include "linux/path_arguments.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {

Result remove_directory_at(int64_t directory, uint64_t path_address);  // directories.cpp

namespace {

bool is_dot_or_dot_dot(lib::StringView name) {
    return name.equals(".") || name.equals("..");
}

Result unlink_at(int64_t directory, uint64_t path_address, uint64_t flags) {
    if (flags & ~at_remove_directory) return lib::Error::invalid_argument;
    if (flags & at_remove_directory) return remove_directory_at(directory, path_address);
    UserPath path;
    TRY(path.copy(path_address));
    fs::ParentAndName place = TRY(lookup_parent(directory, path));
    if (place.name.empty() || is_dot_or_dot_dot(place.name)) return lib::Error::is_directory;
    if (place.trailing_slash) {
        fs::VnodeReference node = fs::VnodeReference::adopt(TRY(place.parent->lookup(place.name)));
        return node->is_directory() ? lib::Error::is_directory : lib::Error::not_directory;
    }
    if (place.parent->filesystem.read_only()) return lib::Error::read_only;
    TRY(place.parent->unlink(place.name, false));
    return uint64_t(0);
}

Result link_at(int64_t old_directory, uint64_t old_path, int64_t new_directory, uint64_t new_path, uint64_t flags) {
    if (flags & ~(at_symlink_follow | at_empty_path)) return lib::Error::invalid_argument;
    UserPath source_path;
    TRY(source_path.copy(old_path));
    uint64_t lookup_flags = (flags & at_symlink_follow) ? 0 : at_symlink_nofollow;
    if (flags & at_empty_path) lookup_flags |= at_empty_path;
    fs::VnodeReference source = TRY(lookup_at(old_directory, source_path, lookup_flags));
    if (source->is_directory()) return lib::Error::not_permitted;
    UserPath target_path;
    TRY(target_path.copy(new_path));
    fs::ParentAndName place = TRY(lookup_parent(new_directory, target_path));
    if (place.name.empty() || is_dot_or_dot_dot(place.name)) return lib::Error::exists;
    if (place.trailing_slash) return lib::Error::not_found;
    if (&place.parent->filesystem != &source->filesystem) return lib::Error::cross_device;
    if (place.parent->filesystem.read_only()) return lib::Error::read_only;
    TRY(place.parent->link(place.name, *source));
    return uint64_t(0);
}

Result symlink_at(uint64_t target_address, int64_t directory, uint64_t path_address) {
    UserPath target;
    TRY(target.copy(target_address));
    if (target.empty()) return lib::Error::not_found;
    UserPath path;
    TRY(path.copy(path_address));
    fs::ParentAndName place = TRY(lookup_parent(directory, path));
    if (place.name.empty() || is_dot_or_dot_dot(place.name)) return lib::Error::exists;
    if (place.trailing_slash) return lib::Error::not_found;
    if (place.parent->filesystem.read_only()) return lib::Error::read_only;
    fs::Vnode* node = TRY(place.parent->create_symlink(place.name, target.view()));
    node->release();
    return uint64_t(0);
}

Result read_link_at(int64_t directory, uint64_t path_address, uint64_t buffer, uint64_t size) {
    if (static_cast<int64_t>(size) <= 0) return lib::Error::invalid_argument;
    UserPath path;
    TRY(path.copy(path_address));
    if (path.empty() && static_cast<int32_t>(directory) == at_fdcwd) return lib::Error::not_found;
    fs::VnodeReference node = TRY(lookup_at(directory, path, at_symlink_nofollow | at_empty_path));
    if (!node->is_symlink()) return lib::Error::invalid_argument;
    lib::StringView target = TRY(node->link_target());
    size_t length = lib::min<size_t>(target.length, size);
    TRY(mm::copy_to_user(buffer, target.data, length));
    return length;
}

Result rename_at(int64_t old_directory, uint64_t old_path, int64_t new_directory, uint64_t new_path,
                 uint64_t flags) {
    constexpr uint64_t rename_whiteout = 4;
    if (flags & ~(uint64_t(fs::rename_noreplace) | fs::rename_exchange | rename_whiteout))
        return lib::Error::invalid_argument;
    if (flags & rename_whiteout) return lib::Error::invalid_argument;
    if ((flags & fs::rename_noreplace) && (flags & fs::rename_exchange)) return lib::Error::invalid_argument;
    UserPath source_path, target_path;
    TRY(source_path.copy(old_path));
    TRY(target_path.copy(new_path));
    fs::ParentAndName source = TRY(lookup_parent(old_directory, source_path));
    fs::ParentAndName target = TRY(lookup_parent(new_directory, target_path));
    if (source.name.empty() || is_dot_or_dot_dot(source.name)) return lib::Error::busy;
    if (target.name.empty() || is_dot_or_dot_dot(target.name))
        return (flags & fs::rename_noreplace) ? lib::Error::exists : lib::Error::busy;
    fs::VnodeReference node = fs::VnodeReference::adopt(TRY(source.parent->lookup(source.name)));
    if ((source.trailing_slash || target.trailing_slash) && !node->is_directory()) return lib::Error::not_directory;
    if (&source.parent->filesystem != &target.parent->filesystem) return lib::Error::cross_device;
    if (node->mounted != nullptr) return lib::Error::busy;
    if (source.parent->filesystem.read_only()) return lib::Error::read_only;
    TRY(source.parent->rename(source.name, *target.parent, target.name, static_cast<unsigned>(flags)));
    return uint64_t(0);
}

}  // namespace

Result sys_unlink(const Arguments& a) {
    return unlink_at(at_fdcwd, a.a0, 0);
}
Result sys_unlinkat(const Arguments& a) {
    return unlink_at(static_cast<int64_t>(a.a0), a.a1, a.a2);
}
Result sys_link(const Arguments& a) {
    return link_at(at_fdcwd, a.a0, at_fdcwd, a.a1, 0);
}
Result sys_linkat(const Arguments& a) {
    return link_at(static_cast<int64_t>(a.a0), a.a1, static_cast<int64_t>(a.a2), a.a3, a.a4);
}
Result sys_symlink(const Arguments& a) {
    return symlink_at(a.a0, at_fdcwd, a.a1);
}
Result sys_symlinkat(const Arguments& a) {
    return symlink_at(a.a0, static_cast<int64_t>(a.a1), a.a2);
}
Result sys_readlink(const Arguments& a) {
    return read_link_at(at_fdcwd, a.a0, a.a1, a.a2);
}
Result sys_readlinkat(const Arguments& a) {
    return read_link_at(static_cast<int64_t>(a.a0), a.a1, a.a2, a.a3);
}
Result sys_rename(const Arguments& a) {
    return rename_at(at_fdcwd, a.a0, at_fdcwd, a.a1, 0);
}
Result sys_renameat(const Arguments& a) {
    return rename_at(static_cast<int64_t>(a.a0), a.a1, static_cast<int64_t>(a.a2), a.a3, 0);
}
Result sys_renameat2(const Arguments& a) {
    return rename_at(static_cast<int64_t>(a.a0), a.a1, static_cast<int64_t>(a.a2), a.a3, a.a4);
}

}  // namespace linux
