// The in-memory filesystem's nodes: a tree of directories, regular files,
// symbolic links and device nodes. The ramdisk is unpacked into it at boot.
// Regular files unpacked from the ramdisk point at their bytes inside the
// boot module (which stays reserved) instead of copying them.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/string.h"
#include "lib/vector.h"

namespace fs {

// File type bits, Linux values (S_IFMT and friends).
constexpr uint32_t type_mask = 0170000;
constexpr uint32_t type_directory = 0040000;
constexpr uint32_t type_regular = 0100000;
constexpr uint32_t type_symlink = 0120000;
constexpr uint32_t type_character_device = 0020000;

constexpr size_t max_name_length = 255;
constexpr size_t max_path_length = 4096;

struct Node {
    lib::String name;
    uint32_t mode = 0;  // type | permissions
    uint64_t inode = 0;
    uint64_t modified_seconds = 0;
    uint32_t device = 0;  // character devices: major << 8 | minor
    Node* parent = nullptr;
    lib::Vector<Node*> children;    // directories
    const uint8_t* data = nullptr;  // regular files and symlink targets
    size_t size = 0;

    bool is_directory() const { return (mode & type_mask) == type_directory; }
    bool is_symlink() const { return (mode & type_mask) == type_symlink; }
    bool is_regular() const { return (mode & type_mask) == type_regular; }
    Node* child(lib::StringView name) const;
};

class Tree {
public:
    Tree() = default;
    ~Tree();
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    lib::Status init();
    Node* root() const { return root_; }

    // A new node in directory parent; Error::exists when the name is taken.
    lib::ErrorOr<Node*> create(Node* parent, lib::StringView name, uint32_t mode);

private:
    void destroy(Node* node);

    Node* root_ = nullptr;
    uint64_t next_inode_ = 1;
};

}  // namespace fs
