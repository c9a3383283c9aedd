#include "fs/path.h"

namespace fs {
namespace {

lib::ErrorOr<Node*> walk(Node* root, Node* start, lib::StringView path, bool follow_final, int& links_left);

// Follows one symlink found in directory `at`.
lib::ErrorOr<Node*> follow(Node* root, Node* at, Node* link, int& links_left) {
    if (--links_left < 0) return lib::Error::too_many_links;
    return walk(root, at, lib::StringView(reinterpret_cast<const char*>(link->data), link->size), true, links_left);
}

lib::ErrorOr<Node*> walk(Node* root, Node* start, lib::StringView path, bool follow_final, int& links_left) {
    if (path.empty()) return lib::Error::not_found;
    if (path.length >= max_path_length) return lib::Error::name_too_long;
    Node* current = path[0] == '/' ? root : start;
    size_t i = 0;
    while (i < path.length) {
        while (i < path.length && path[i] == '/') ++i;
        if (i == path.length) break;
        size_t begin = i;
        while (i < path.length && path[i] != '/') ++i;
        lib::StringView name(path.data + begin, i - begin);
        bool last = true;
        for (size_t j = i; j < path.length; ++j) {
            if (path[j] != '/') {
                last = false;
                break;
            }
        }
        bool trailing_slash = i < path.length;
        if (name.length > max_name_length) return lib::Error::name_too_long;
        if (!current->is_directory()) return lib::Error::not_directory;
        if (name.equals(".")) continue;
        if (name.equals("..")) {
            if (current != root) current = current->parent;
            continue;
        }
        Node* next = current->child(name);
        if (next == nullptr) return lib::Error::not_found;
        if (next->is_symlink() && (!last || follow_final || trailing_slash)) {
            next = TRY(follow(root, current, next, links_left));
        }
        current = next;
        if (last && trailing_slash && !current->is_directory()) return lib::Error::not_directory;
    }
    return current;
}

}  // namespace

lib::ErrorOr<Node*> resolve(const Lookup& lookup, lib::StringView path) {
    int links_left = max_symlinks;
    return walk(lookup.root, lookup.start, path, lookup.follow_final_symlink, links_left);
}

lib::ErrorOr<ParentAndName> resolve_parent(const Lookup& lookup, lib::StringView path) {
    if (path.empty()) return lib::Error::not_found;
    size_t end = path.length;
    while (end > 1 && path[end - 1] == '/') --end;
    size_t slash = end;
    while (slash > 0 && path[slash - 1] != '/') --slash;
    lib::StringView name(path.data + slash, end - slash);
    if (name.length > max_name_length) return lib::Error::name_too_long;
    Node* parent = lookup.start;
    if (slash > 0) {
        int links_left = max_symlinks;
        parent = TRY(walk(lookup.root, lookup.start, lib::StringView(path.data, slash), true, links_left));
    } else if (path[0] == '/') {
        parent = lookup.root;
    }
    if (!parent->is_directory()) return lib::Error::not_directory;
    return ParentAndName{parent, name};
}

lib::ErrorOr<size_t> absolute_path(const Node* node, const Node* root, char* buffer, size_t capacity) {
    // Build from the end of the buffer backwards, then move to the front.
    if (capacity < 2) return lib::Error::out_of_range;
    size_t position = capacity - 1;
    buffer[position] = '\0';
    for (const Node* n = node; n != root && n != nullptr; n = n->parent) {
        size_t length = n->name.length();
        if (position < length + 1) return lib::Error::out_of_range;
        position -= length;
        lib::copy_bytes(buffer + position, n->name.c_str(), length);
        buffer[--position] = '/';
        if (n->parent == n) break;
    }
    if (position == capacity - 1) buffer[--position] = '/';
    size_t length = capacity - 1 - position;
    for (size_t i = 0; i <= length; ++i) buffer[i] = buffer[position + i];
    return length;
}

}  // namespace fs
