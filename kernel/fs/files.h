// Files opened on nodes of the tree, and the console device.
#pragma once
#include "fs/node.h"
#include "object/file.h"

namespace fs {

// The tree the ramdisk was unpacked into (the whole filesystem for now).
Tree& root_tree();

// A File for node; regular files and directories are read-only (the
// ramdisk's bytes are in the boot module), the console reads and writes.
lib::ErrorOr<object::File*> open_node(Node* node);

// Device numbers (major 5, minor 1 is /dev/console on Linux).
constexpr uint32_t console_device = (5 << 8) | 1;

object::FileStatus status_of(const Node& node);

}  // namespace fs
