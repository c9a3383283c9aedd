// Unpacking the boot ramdisk (cpio newc) into a directory of the VFS (the
// tmpfs root): directories, regular files (their bytes copied into memory
// objects, so the boot module can be freed afterwards) and symlinks.
#pragma once
#include "fs/vfs/vnode.h"

namespace fs {

struct UnpackResult {
    size_t entries = 0;
    size_t skipped = 0;  // duplicates and unsupported types
};

lib::ErrorOr<UnpackResult> unpack_cpio(Vnode& root, const uint8_t* archive, size_t size);

}  // namespace fs
