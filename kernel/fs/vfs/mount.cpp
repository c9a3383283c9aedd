#include "fs/vfs/mount.h"

#include "lib/vector.h"

namespace fs {
namespace {

lib::Vector<MountEntry> mounts;
Vnode* root = nullptr;

}  // namespace

Vnode* root_vnode() {
    return root;
}

void set_root_filesystem(FileSystem& filesystem, lib::StringView source) {
    root = filesystem.root();
    auto copied_source = lib::String::copy(source);
    auto copied_path = lib::String::copy("/");
    if (copied_source.is_error() || copied_path.is_error()) return;
    (void)mounts.try_append(MountEntry{&filesystem, copied_source.release_value(), copied_path.release_value()});
}

lib::Status mount(Vnode& directory, FileSystem& filesystem, lib::StringView source, lib::StringView path) {
    if (!directory.is_directory()) return lib::Error::not_directory;
    if (directory.mounted != nullptr) return lib::Error::busy;
    auto copied_source = TRY(lib::String::copy(source));
    auto copied_path = TRY(lib::String::copy(path));
    TRY(mounts.try_append(MountEntry{&filesystem, lib::move(copied_source), lib::move(copied_path)}));
    Vnode* mounted_root = filesystem.root();
    mounted_root->reference();
    directory.mounted = mounted_root;
    directory.reference();
    mounted_root->covered = &directory;
    return lib::ok();
}

lib::Status unmount(Vnode& mounted_root) {
    if (&mounted_root == root) return lib::Error::busy;
    if (mounted_root.covered == nullptr || mounted_root.covered->mounted != &mounted_root)
        return lib::Error::invalid_argument;
    if (mounted_root.mounted != nullptr) return lib::Error::busy;  // something is mounted on top
    FileSystem& filesystem = mounted_root.filesystem;
    if (filesystem.permanent) return lib::Error::busy;
    for (size_t i = 0; i < mounts.size(); ++i) {
        if (mounts[i].filesystem == &filesystem) {
            mounts.remove(i);
            break;
        }
    }
    Vnode* directory = mounted_root.covered;
    directory->mounted = nullptr;
    mounted_root.covered = nullptr;
    mounted_root.release();
    directory->release();
    // Like Linux's lazy unmount (MNT_DETACH): the tree goes now; files
    // still open below it (and cwds) keep working, and the filesystem
    // object goes with the last of them.
    filesystem.release_contents();
    filesystem.detach();
    return lib::ok();
}

const MountEntry* mount_entry(size_t index) {
    return index < mounts.size() ? &mounts[index] : nullptr;
}

}  // namespace fs
