#include "fs/vfs/vnode.h"

#include "lib/allocator.h"
#include "object/file.h"
#include "sched/clock.h"

namespace fs {

Vnode::Vnode(FileSystem& filesystem, uint32_t mode) : filesystem(filesystem), inode(filesystem.next_inode()), mode(mode) {
    ++filesystem.live_vnodes;
    touch_all();
}

Vnode::~Vnode() {
    if (parent != nullptr && parent != this) parent->release();
    if (mounted != nullptr) mounted->release();
    if (covered != nullptr) covered->release();
    // Last: the releases above must not see this filesystem idle yet.
    --filesystem.live_vnodes;
}

void Vnode::release() {
    if (--references_ != 0) {
        if (references_ == 1) filesystem.free_if_idle();  // perhaps the root, now held only by its filesystem
        return;
    }
    FileSystem& owner = filesystem;
    lib::destroy(this);
    owner.free_if_idle();
}

void FileSystem::detach() {
    detached = true;
    free_if_idle();
}

void FileSystem::free_if_idle() {
    // Only the root is left: the filesystem goes (its destructor releases
    // the root, which must not come back here).
    if (!detached || live_vnodes != 1 || root()->reference_count() != 1) return;
    detached = false;
    lib::destroy(this);
}

object::FileStatus Vnode::status() const {
    object::FileStatus status;
    status.inode = inode;
    status.mode = mode;
    status.size = is_directory() ? 4096 : size();
    status.device = filesystem.device;
    status.rdev = device;
    status.links = links;
    status.uid = uid;
    status.gid = gid;
    status.access_ns = access_ns;
    status.modify_ns = modify_ns;
    status.change_ns = change_ns;
    status.blocks = (status.size + 511) / 512;
    return status;
}

void Vnode::touch_all() {
    access_ns = modify_ns = change_ns = sched::realtime_ns();
}
void Vnode::touch_modified() {
    modify_ns = change_ns = sched::realtime_ns();
}
void Vnode::touch_changed() {
    change_ns = sched::realtime_ns();
}

// The defaults: what a node of a filesystem that does not support the
// operation answers (a directory operation on a non-directory gives ENOTDIR).
lib::ErrorOr<Vnode*> Vnode::lookup(lib::StringView) {
    return is_directory() ? lib::Error::not_found : lib::Error::not_directory;
}
lib::ErrorOr<Vnode*> Vnode::create(lib::StringView, uint32_t, uint64_t) {
    return is_directory() ? lib::Error::read_only : lib::Error::not_directory;
}
lib::ErrorOr<Vnode*> Vnode::create_symlink(lib::StringView, lib::StringView) {
    return is_directory() ? lib::Error::read_only : lib::Error::not_directory;
}
lib::Status Vnode::link(lib::StringView, Vnode&) {
    return is_directory() ? lib::Error::read_only : lib::Error::not_directory;
}
lib::Status Vnode::unlink(lib::StringView, bool) {
    return is_directory() ? lib::Error::read_only : lib::Error::not_directory;
}
lib::Status Vnode::rename(lib::StringView, Vnode&, lib::StringView, unsigned) {
    return is_directory() ? lib::Error::read_only : lib::Error::not_directory;
}
lib::ErrorOr<bool> Vnode::read_entry(uint64_t, DirectoryEntry&) {
    return lib::Error::not_directory;
}
lib::ErrorOr<lib::StringView> Vnode::link_target() {
    return lib::Error::invalid_argument;
}
lib::ErrorOr<VnodeReference> Vnode::magic_target() {
    return lib::Error::not_supported;
}
lib::Status Vnode::resize(uint64_t) {
    if (is_directory()) return lib::Error::is_directory;
    return lib::Error::invalid_argument;
}

lib::ErrorOr<Vnode*> find_or_make_directory(Vnode& parent, lib::StringView name, uint32_t mode) {
    auto found = parent.lookup(name);
    if (!found.is_error()) return found.value();
    if (found.error() != lib::Error::not_found) return found.error();
    return parent.create(name, type_directory | mode, 0);
}

}  // namespace fs
