#include "fs/devfs/devices.h"

#include "fs/devfs/standard_devices.h"
#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs/path.h"
#include "lib/vector.h"

namespace fs {
namespace {

struct Driver {
    uint32_t major, first_minor, count;
    DeviceOpen open;
};

lib::Vector<Driver> drivers;
ControllingTerminalOpen controlling_terminal = nullptr;
FileSystem* devfs = nullptr;

lib::ErrorOr<object::File*> open_tty(Vnode& node, int flags) {
    if (controlling_terminal == nullptr) return lib::Error::no_device_or_address;
    return controlling_terminal(node, flags);
}

}  // namespace

lib::Status register_device(uint32_t major, uint32_t first_minor, uint32_t count, DeviceOpen open) {
    for (const Driver& driver : drivers) {
        if (driver.major == major && first_minor < driver.first_minor + driver.count &&
            driver.first_minor < first_minor + count)
            return lib::Error::exists;
    }
    return drivers.try_append(Driver{major, first_minor, count, open});
}

lib::ErrorOr<object::File*> open_device(Vnode& node, int flags) {
    uint32_t major = device_major(node.device), minor = device_minor(node.device);
    for (const Driver& driver : drivers) {
        if (driver.major == major && minor >= driver.first_minor && minor < driver.first_minor + driver.count)
            return driver.open(node, flags);
    }
    return lib::Error::no_device_or_address;
}

void set_controlling_terminal_hook(ControllingTerminalOpen open) {
    controlling_terminal = open;
}

lib::ErrorOr<FileSystem*> create_devfs() {
    if (drivers.empty()) {
        TRY(register_standard_devices());
        TRY(register_device(5, 0, 1, open_tty));
    }
    Tmpfs* tmpfs = TRY(Tmpfs::create(0755));
    tmpfs->permanent = true;  // add_device_node keeps using it
    devfs = tmpfs;
    struct Standard {
        const char* name;
        uint32_t permissions;
        uint64_t device;
    };
    static const Standard standard[] = {
        {"null", 0666, null_device},     {"zero", 0666, zero_device},       {"full", 0666, full_device},
        {"random", 0666, random_device}, {"urandom", 0666, urandom_device}, {"tty", 0666, tty_device},
        {"console", 0600, console_device}, {"ptmx", 0666, make_device(5, 2)},
    };
    for (const Standard& s : standard) TRY(add_device_node(s.name, type_character_device | s.permissions, s.device));
    Vnode* root = tmpfs->root();
    VnodeReference(VnodeReference::adopt(TRY(root->create("pts", type_directory | 0755, 0))));
    VnodeReference(VnodeReference::adopt(TRY(root->create("shm", type_directory | 01777, 0))));
    VnodeReference(VnodeReference::adopt(TRY(root->create_symlink("fd", "/proc/self/fd"))));
    VnodeReference(VnodeReference::adopt(TRY(root->create_symlink("stdin", "/proc/self/fd/0"))));
    VnodeReference(VnodeReference::adopt(TRY(root->create_symlink("stdout", "/proc/self/fd/1"))));
    VnodeReference(VnodeReference::adopt(TRY(root->create_symlink("stderr", "/proc/self/fd/2"))));
    return devfs;
}

lib::Status add_device_node(lib::StringView path, uint32_t mode, uint64_t device) {
    if (devfs == nullptr) return lib::Error::not_found;
    Vnode* root = devfs->root();
    // Make the directories along the way, then the node.
    VnodeReference directory = VnodeReference::share(root);
    size_t begin = 0;
    for (size_t i = 0; i <= path.length; ++i) {
        if (i < path.length && path[i] != '/') continue;
        lib::StringView name(path.data + begin, i - begin);
        begin = i + 1;
        if (name.empty()) continue;
        if (i == path.length) {
            VnodeReference(VnodeReference::adopt(TRY(directory->create(name, mode, device))));
            return lib::ok();
        }
        directory = VnodeReference::adopt(TRY(find_or_make_directory(*directory, name, 0755)));
    }
    return lib::Error::invalid_argument;
}

namespace {

// Searches directory (and, with depth, its subdirectories) for a device
// node numbered device; writes prefix + its name into buffer.
bool find_device(Vnode& directory, uint64_t device, int depth, char* buffer, size_t capacity, size_t used) {
    DirectoryEntry entry;
    for (uint64_t cookie = 2;; cookie = entry.next_cookie) {
        auto more = directory.read_entry(cookie, entry);
        if (more.is_error() || !more.value()) return false;
        bool is_device = entry.type == type_character_device;
        if (!is_device && !(entry.type == type_directory && depth > 0)) continue;
        auto found = directory.lookup(entry.name);
        if (found.is_error()) continue;
        VnodeReference node = VnodeReference::adopt(found.value());
        if (used + entry.name.length + 2 > capacity) continue;
        lib::copy_bytes(buffer + used, entry.name.data, entry.name.length);
        size_t end = used + entry.name.length;
        if (is_device && node->device == device) {
            buffer[end] = '\0';
            return true;
        }
        if (!is_device) {
            buffer[end] = '/';
            if (find_device(*node, device, depth - 1, buffer, capacity, end + 1)) return true;
        }
    }
}

}  // namespace

void device_node_name(uint64_t device, char* buffer, size_t capacity) {
    if (capacity == 0) return;
    buffer[0] = '\0';
    if (devfs == nullptr || !find_device(*devfs->root(), device, 1, buffer, capacity, 0)) buffer[0] = '\0';
}

lib::Status remove_device_node(lib::StringView path) {
    if (devfs == nullptr) return lib::Error::not_found;
    auto parent = TRY(resolve_parent(Lookup{devfs->root(), devfs->root(), true}, path));
    return parent.parent->unlink(parent.name, false);
}

}  // namespace fs
