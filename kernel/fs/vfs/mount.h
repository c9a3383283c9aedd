// The mount table: which filesystem is mounted where. The root filesystem
// (tmpfs) is "/"; boot mounts devfs on /dev and procfs on /proc; mount(2)
// adds more (tmpfs, proc).
#pragma once
#include "fs/vfs/vnode.h"

namespace fs {

// The root directory of the whole tree (a reference the caller does not own).
Vnode* root_vnode();
void set_root_filesystem(FileSystem& filesystem, lib::StringView source);

// Mounts filesystem on directory (taking it over). busy when directory is
// already the root of a mount (mounting twice on one place stacks in
// Linux; here it is refused).
lib::Status mount(Vnode& directory, FileSystem& filesystem, lib::StringView source, lib::StringView path);
// Unmounts the filesystem whose root is root. invalid_argument when root
// is not a mount's root; busy for "/".
lib::Status unmount(Vnode& root);

struct MountEntry {
    FileSystem* filesystem;
    lib::String source;
    lib::String path;
};
// The index-th mount in mount order (for /proc/mounts); nullptr past the end.
const MountEntry* mount_entry(size_t index);

}  // namespace fs
