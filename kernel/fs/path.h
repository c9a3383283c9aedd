// Path lookup over the node tree, with Linux's rules: "." and "..",
// repeated slashes, symbolic links followed (at most max_symlinks in one
// lookup, else Error::too_many_links), a non-directory in the middle gives
// Error::not_directory, a component over 255 bytes Error::name_too_long.
#pragma once
#include "fs/node.h"

namespace fs {

constexpr int max_symlinks = 40;

struct Lookup {
    Node* root;
    Node* start;  // where relative paths begin (the cwd or a directory fd)
    bool follow_final_symlink = true;
};

lib::ErrorOr<Node*> resolve(const Lookup& lookup, lib::StringView path);

// Splits path into the directory that should contain its last component
// and that component (for create-style lookups). The name may be empty for "/".
struct ParentAndName {
    Node* parent;
    lib::StringView name;
};
lib::ErrorOr<ParentAndName> resolve_parent(const Lookup& lookup, lib::StringView path);

// Writes the absolute path of node into buffer (NUL-terminated); its length.
lib::ErrorOr<size_t> absolute_path(const Node* node, const Node* root, char* buffer, size_t capacity);

}  // namespace fs
