#include "fs/ramdisk.h"

#include "fs/cpio.h"

namespace fs {
namespace {

// Finds or makes each directory along `path` below root; returns the last.
lib::ErrorOr<Node*> make_directories(Tree& tree, lib::StringView path) {
    Node* current = tree.root();
    size_t i = 0;
    while (i < path.length) {
        while (i < path.length && path[i] == '/') ++i;
        size_t begin = i;
        while (i < path.length && path[i] != '/') ++i;
        if (i == begin) break;
        lib::StringView name(path.data + begin, i - begin);
        if (name.equals(".")) continue;
        if (name.equals("..")) return lib::Error::invalid_argument;  // archives must not climb out
        Node* next = current->child(name);
        if (next == nullptr) next = TRY(tree.create(current, name, type_directory | 0755));
        if (!next->is_directory()) return lib::Error::not_directory;
        current = next;
    }
    return current;
}

}  // namespace

lib::ErrorOr<UnpackResult> unpack_cpio(Tree& tree, const uint8_t* archive, size_t size) {
    CpioReader reader(archive, size);
    UnpackResult result;
    CpioEntry entry;
    while (TRY(reader.next(entry))) {
        lib::StringView name = entry.name;
        while (name.starts_with("./")) name = lib::StringView(name.data + 2, name.length - 2);
        while (name.starts_with("/")) name = lib::StringView(name.data + 1, name.length - 1);
        if (name.empty() || name.equals(".")) continue;
        size_t slash = name.length;
        while (slash > 0 && name[slash - 1] != '/') --slash;
        Node* parent = TRY(make_directories(tree, lib::StringView(name.data, slash)));
        lib::StringView base(name.data + slash, name.length - slash);
        uint32_t type = entry.mode & type_mask;
        if (type != type_directory && type != type_regular && type != type_symlink) {
            ++result.skipped;
            continue;
        }
        if (Node* existing = parent->child(base)) {
            // "mkdir -p" style archives list directories more than once.
            if (!(existing->is_directory() && type == type_directory)) ++result.skipped;
            continue;
        }
        Node* node = TRY(tree.create(parent, base, entry.mode));
        node->modified_seconds = entry.modified_seconds;
        if (type != type_directory) {
            node->data = entry.data;
            node->size = entry.size;
        }
        ++result.entries;
    }
    return result;
}

}  // namespace fs
