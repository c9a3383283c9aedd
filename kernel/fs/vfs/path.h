// Path resolution over the VFS with Linux's rules: "." and "..", repeated
// and trailing slashes, mounts (a lookup entering a mount point continues
// in the mounted root; ".." from a mounted root goes to the mount point's
// parent), symbolic links followed (at most max_symlinks in one lookup,
// then too_many_links), a non-directory in the middle gives not_directory,
// a component over 255 bytes name_too_long.
#pragma once
#include "fs/vfs/vnode.h"

namespace fs {

constexpr int max_symlinks = 40;

struct Lookup {
    Vnode* root;   // "/" (and where ".." stops)
    Vnode* start;  // where relative paths begin (the cwd or a directory fd)
    bool follow_final_symlink = true;
};

lib::ErrorOr<VnodeReference> resolve(const Lookup& lookup, lib::StringView path);

// For calls that create or remove a name: the directory that holds the
// last component, and that component (empty for "/", possibly "." or
// ".."). trailing_slash: the path ended in "/" (only directories fit).
struct ParentAndName {
    VnodeReference parent;
    lib::StringView name;
    bool trailing_slash = false;
};
lib::ErrorOr<ParentAndName> resolve_parent(const Lookup& lookup, lib::StringView path);

// The absolute path of directory (NUL-terminated in buffer); its length.
// not_found for a removed directory (getcwd's ENOENT).
lib::ErrorOr<size_t> directory_path(Vnode* directory, Vnode* root, char* buffer, size_t capacity);

// The absolute path of the file at path, symlinks in its last component
// followed too (what /proc/<pid>/exe shows); NUL-terminated in buffer.
lib::ErrorOr<size_t> file_path(const Lookup& lookup, lib::StringView path, char* buffer, size_t capacity);

}  // namespace fs
