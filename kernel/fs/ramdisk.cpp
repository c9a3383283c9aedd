#include "fs/ramdisk.h"

#include "fs/cpio.h"
#include "mm/memory_object.h"

namespace fs {
namespace {

// Finds or makes each directory along `path` below root; returns the last.
lib::ErrorOr<VnodeReference> make_directories(Vnode& root, lib::StringView path) {
    VnodeReference current = VnodeReference::share(&root);
    size_t i = 0;
    while (i < path.length) {
        while (i < path.length && path[i] == '/') ++i;
        size_t begin = i;
        while (i < path.length && path[i] != '/') ++i;
        if (i == begin) break;
        lib::StringView name(path.data + begin, i - begin);
        if (name.equals(".")) continue;
        if (name.equals("..")) return lib::Error::invalid_argument;  // archives must not climb out
        VnodeReference directory = VnodeReference::adopt(TRY(find_or_make_directory(*current, name, 0755)));
        if (!directory->is_directory()) return lib::Error::not_directory;
        current = lib::move(directory);
    }
    return current;
}

}  // namespace

lib::ErrorOr<UnpackResult> unpack_cpio(Vnode& root, const uint8_t* archive, size_t size) {
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
        VnodeReference parent = TRY(make_directories(root, lib::StringView(name.data, slash)));
        lib::StringView base(name.data + slash, name.length - slash);
        uint32_t type = entry.mode & type_mask;
        if (type != type_directory && type != type_regular && type != type_symlink) {
            ++result.skipped;
            continue;
        }
        auto existing = parent->lookup(base);
        if (!existing.is_error()) {
            VnodeReference found = VnodeReference::adopt(existing.value());
            // "mkdir -p" style archives list directories more than once.
            if (!(found->is_directory() && type == type_directory)) ++result.skipped;
            continue;
        }
        VnodeReference node;
        if (type == type_symlink) {
            node = VnodeReference::adopt(
                TRY(parent->create_symlink(base, lib::StringView(reinterpret_cast<const char*>(entry.data), entry.size))));
        } else {
            node = VnodeReference::adopt(TRY(parent->create(base, entry.mode, 0)));
            if (type == type_regular && entry.size > 0) {
                mm::MemoryObject* memory = TRY(node->memory_object());
                size_t written = TRY(memory->write(0, entry.data, entry.size));
                if (written != entry.size) return lib::Error::no_memory;
            }
        }
        node->modify_ns = node->change_ns = node->access_ns = entry.modified_seconds * 1'000'000'000ull;
        ++result.entries;
    }
    return result;
}

}  // namespace fs
