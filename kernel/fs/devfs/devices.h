// Character devices: a registry keyed by major/minor number, so that any
// device node (in /dev or made with mknod anywhere) opens its driver, and
// devfs, the tmpfs instance mounted on /dev that holds the standard nodes.
//
// Other parts of the kernel add devices here: the terminal layer registers
// ptmx and pts/N (register_device + add_device_node) and the controlling
// terminal hook behind /dev/tty.
#pragma once
#include "fs/vfs/vnode.h"
#include "object/file.h"

namespace fs {

// Opens minor of the driver for node (a device node with this driver's
// major) with the open(2) flags; the File has one reference.
using DeviceOpen = lib::ErrorOr<object::File*> (*)(Vnode& node, int flags);

// Registers open for minors [first_minor, first_minor + count) of major.
// exists when a registered range overlaps.
lib::Status register_device(uint32_t major, uint32_t first_minor, uint32_t count, DeviceOpen open);
// ENXIO (no_device_or_address) when no driver has the node's number.
lib::ErrorOr<object::File*> open_device(Vnode& node, int flags);

// /dev/tty: the opening process's controlling terminal. Without a hook,
// or when the hook says so, opening it fails with ENXIO.
using ControllingTerminalOpen = lib::ErrorOr<object::File*> (*)(Vnode& node, int flags);
void set_controlling_terminal_hook(ControllingTerminalOpen open);

// Makes devfs, with null, zero, full, random, urandom, console and tty.
lib::ErrorOr<FileSystem*> create_devfs();
// Adds a node below /dev (e.g. "pts/3", directories made as needed) or
// removes one; for drivers whose devices come and go.
lib::Status add_device_node(lib::StringView path, uint32_t mode, uint64_t device);
lib::Status remove_device_node(lib::StringView path);
// The path below /dev of a node with this device number ("console",
// "pts/0"; one directory deep), for /proc/<pid>/fd; empty when none.
void device_node_name(uint64_t device, char* buffer, size_t capacity);

// Linux's numbers for the standard devices.
constexpr uint64_t null_device = make_device(1, 3), zero_device = make_device(1, 5), full_device = make_device(1, 7),
                   random_device = make_device(1, 8), urandom_device = make_device(1, 9),
                   tty_device = make_device(5, 0), console_device = make_device(5, 1);

}  // namespace fs
