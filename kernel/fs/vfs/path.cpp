#include "fs/vfs/path.h"

namespace fs {
namespace {

// The topmost filesystem root mounted on node (node itself when none).
Vnode* through_mounts(Vnode* node) {
    while (node->mounted != nullptr) node = node->mounted;
    return node;
}

// ".." of directory, crossing mount points upwards; root stays root.
Vnode* parent_of(Vnode* directory, Vnode* root) {
    while (directory != root && directory->covered != nullptr) directory = directory->covered;
    if (directory == root || directory->parent == nullptr) return directory;
    return directory->parent;
}

lib::ErrorOr<VnodeReference> walk(Vnode* root, Vnode* start, lib::StringView path, bool follow_final,
                                  int& links_left) {
    if (path.empty()) return lib::Error::not_found;
    if (path.length >= max_path_length) return lib::Error::name_too_long;
    VnodeReference current = VnodeReference::share(path[0] == '/' ? root : start);
    size_t i = 0;
    while (i < path.length) {
        while (i < path.length && path[i] == '/') ++i;
        if (i == path.length) break;
        size_t begin = i;
        while (i < path.length && path[i] != '/') ++i;
        lib::StringView name(path.data + begin, i - begin);
        size_t rest = i;
        while (rest < path.length && path[rest] == '/') ++rest;
        bool last = rest == path.length;
        bool trailing_slash = last && i < path.length;
        if (name.length > max_name_length) return lib::Error::name_too_long;
        if (!current->is_directory()) return lib::Error::not_directory;
        if (name.equals(".")) continue;
        if (name.equals("..")) {
            current = VnodeReference::share(parent_of(current.get(), root));
            continue;
        }
        VnodeReference next = VnodeReference::adopt(TRY(current->lookup(name)));
        if (next->mounted != nullptr) next = VnodeReference::share(through_mounts(next.get()));
        if (next->is_symlink() && (!last || follow_final || trailing_slash)) {
            if (--links_left < 0) return lib::Error::too_many_links;
            auto magic = next->magic_target();
            if (!magic.is_error()) {
                next = magic.release_value();
            } else {
                lib::StringView target = TRY(next->link_target());
                next = TRY(walk(root, current.get(), target, true, links_left));
            }
        }
        current = lib::move(next);
        if (trailing_slash && !current->is_directory()) return lib::Error::not_directory;
    }
    return current;
}

}  // namespace

lib::ErrorOr<VnodeReference> resolve(const Lookup& lookup, lib::StringView path) {
    int links_left = max_symlinks;
    return walk(lookup.root, lookup.start, path, lookup.follow_final_symlink, links_left);
}

lib::ErrorOr<ParentAndName> resolve_parent(const Lookup& lookup, lib::StringView path) {
    if (path.empty()) return lib::Error::not_found;
    if (path.length >= max_path_length) return lib::Error::name_too_long;
    size_t end = path.length;
    while (end > 1 && path[end - 1] == '/') --end;
    size_t slash = end;
    while (slash > 0 && path[slash - 1] != '/') --slash;
    ParentAndName result;
    result.name = lib::StringView(path.data + slash, end - slash);
    result.trailing_slash = end < path.length;
    if (result.name.equals("/")) result.name = lib::StringView();  // "/" itself
    if (result.name.length > max_name_length) return lib::Error::name_too_long;
    if (slash > 0) {
        int links_left = max_symlinks;
        result.parent = TRY(walk(lookup.root, lookup.start, lib::StringView(path.data, slash), true, links_left));
    } else {
        result.parent = VnodeReference::share(lookup.start);
    }
    if (!result.parent->is_directory()) return lib::Error::not_directory;
    return result;
}

lib::ErrorOr<size_t> directory_path(Vnode* directory, Vnode* root, char* buffer, size_t capacity) {
    // Built from the end of the buffer backwards, then moved to the front.
    if (capacity < 2) return lib::Error::out_of_range;
    size_t position = capacity - 1;
    buffer[position] = '\0';
    Vnode* node = directory;
    for (;;) {
        while (node != root && node->covered != nullptr) node = node->covered;
        if (node == root || node->parent == nullptr || node->parent == node) break;
        if (node->links == 0) return lib::Error::not_found;
        size_t length = node->name.length();
        if (position < length + 1) return lib::Error::out_of_range;
        position -= length;
        lib::copy_bytes(buffer + position, node->name.c_str(), length);
        buffer[--position] = '/';
        node = node->parent;
    }
    if (directory->links == 0) return lib::Error::not_found;
    if (position == capacity - 1) buffer[--position] = '/';
    size_t length = capacity - 1 - position;
    for (size_t i = 0; i <= length; ++i) buffer[i] = buffer[position + i];
    return length;
}

lib::ErrorOr<size_t> file_path(const Lookup& lookup, lib::StringView path, char* buffer, size_t capacity) {
    VnodeReference start = VnodeReference::share(lookup.start);
    VnodeReference link;  // keeps the current path's text alive
    for (int links = 0; links <= max_symlinks; ++links) {
        ParentAndName place = TRY(resolve_parent(Lookup{lookup.root, start.get(), true}, path));
        Vnode* parent = place.parent.get();
        auto child = parent->lookup(place.name);
        if (!child.is_error() && child.value()->is_symlink()) {
            VnodeReference next = VnodeReference::adopt(child.value());
            path = TRY(next->link_target());
            start = lib::move(place.parent);
            link = lib::move(next);
            continue;
        }
        if (!child.is_error()) child.value()->release();
        size_t used = TRY(directory_path(parent, lookup.root, buffer, capacity));
        if (used == 1) used = 0;  // "/" + name, not "//name"
        if (used + 1 + place.name.length + 1 > capacity) return lib::Error::name_too_long;
        buffer[used] = '/';
        lib::copy_bytes(buffer + used + 1, place.name.data, place.name.length);
        buffer[used + 1 + place.name.length] = '\0';
        return used + 1 + place.name.length;
    }
    return lib::Error::too_many_links;
}

}  // namespace fs
