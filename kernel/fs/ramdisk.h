// Unpacks a cpio archive into the node tree: directories are created as
// needed, later entries replace nothing (a duplicate name is skipped with
// a count), file data stays in the archive.
#pragma once
#include "fs/node.h"

namespace fs {

struct UnpackResult {
    size_t entries = 0;
    size_t skipped = 0;  // duplicates and unsupported types
};

lib::ErrorOr<UnpackResult> unpack_cpio(Tree& tree, const uint8_t* archive, size_t size);

}  // namespace fs
