// The VFS's nodes. A Vnode is one file of some filesystem (tmpfs, procfs)
// with its metadata; the filesystem implements the operations it supports
// by overriding the virtuals, the rest fail as Linux does.
//
// Vnodes are reference counted. Holders: a directory's entry (tmpfs), an
// open File, a process's cwd, a mount, a subdirectory (its parent
// pointer). So an unlinked file lives on while open, and a removed
// directory keeps working for the fds and cwds that hold it (lookups in it
// find nothing and creating in it fails with ENOENT, as on Linux).
//
// FIXME: no locks. The kernel runs on one CPU and is not preempted, and
// no operation blocks halfway through a change; SMP needs a lock per
// filesystem (rename) and per vnode.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/string.h"

namespace mm {
class MemoryObject;
}
namespace object {
class File;
struct FileStatus;
}  // namespace object

namespace fs {

// File type bits, Linux values (S_IFMT and friends).
constexpr uint32_t type_mask = 0170000;
constexpr uint32_t type_socket = 0140000;
constexpr uint32_t type_symlink = 0120000;
constexpr uint32_t type_regular = 0100000;
constexpr uint32_t type_block_device = 0060000;
constexpr uint32_t type_directory = 0040000;
constexpr uint32_t type_character_device = 0020000;
constexpr uint32_t type_fifo = 0010000;
constexpr uint32_t permission_mask = 07777;

constexpr size_t max_name_length = 255;
constexpr size_t max_path_length = 4096;

// renameat2 flags, Linux values.
constexpr unsigned rename_noreplace = 1, rename_exchange = 2;

class Vnode;
class VnodeReference;

// One mounted filesystem instance.
class FileSystem {
public:
    virtual ~FileSystem() = default;
    virtual Vnode* root() = 0;
    virtual const char* type_name() const = 0;
    // statfs's f_type (TMPFS_MAGIC, PROC_SUPER_MAGIC).
    virtual uint64_t magic() const = 0;
    // Mounted with MS_RDONLY: creating, changing and opening for writing give EROFS.
    virtual bool read_only() const { return mounted_read_only; }
    uint64_t next_inode() { return next_inode_++; }
    uint64_t inodes_used() const { return next_inode_ - 1; }
    // Unmounted: the filesystem frees itself once only its root is left
    // (open files and cwds below it keep it alive until then).
    void detach();
    // Called by Vnode::release: frees a detached filesystem that is idle.
    void free_if_idle();
    // Unmounting: drops what only the filesystem itself holds (tmpfs: the tree).
    virtual void release_contents() {}

    uint64_t device = 0;        // st_dev of its files
    uint64_t live_vnodes = 0;   // counted by Vnode's constructor and destructor
    bool detached = false;
    bool permanent = false;     // never unmounted (devfs: drivers add nodes to it)
    bool mounted_read_only = false;

private:
    uint64_t next_inode_ = 1;
};

// What a directory read yields; cookie orders entries and resumes a read
// (getdents64's d_off): it stays valid while entries come and go.
struct DirectoryEntry {
    lib::StringView name;
    uint64_t inode = 0;
    uint32_t type = 0;  // type bits of the mode
    uint64_t next_cookie = 0;
};

class Vnode {
public:
    explicit Vnode(FileSystem& filesystem, uint32_t mode);
    virtual ~Vnode();
    Vnode(const Vnode&) = delete;
    Vnode& operator=(const Vnode&) = delete;

    void reference() { ++references_; }
    void release();
    uint32_t reference_count() const { return references_; }

    bool is_directory() const { return (mode & type_mask) == type_directory; }
    bool is_symlink() const { return (mode & type_mask) == type_symlink; }
    bool is_regular() const { return (mode & type_mask) == type_regular; }
    uint32_t type() const { return mode & type_mask; }

    virtual uint64_t size() const { return 0; }
    object::FileStatus status() const;
    // Sets the three times to now (as creation does); touch_* for one change.
    void touch_all();
    void touch_modified();  // mtime and ctime (contents changed)
    void touch_changed();   // ctime (metadata changed)

    // Directories. lookup returns a new reference; not_found when absent.
    virtual lib::ErrorOr<Vnode*> lookup(lib::StringView name);
    // A new node named name (regular, directory, device, FIFO or socket by
    // the type in mode), with a new reference; exists when the name is taken.
    virtual lib::ErrorOr<Vnode*> create(lib::StringView name, uint32_t mode, uint64_t device);
    virtual lib::ErrorOr<Vnode*> create_symlink(lib::StringView name, lib::StringView target);
    virtual lib::Status link(lib::StringView name, Vnode& target);
    // Removes the entry; directory: rmdir semantics (not_empty), else unlink.
    virtual lib::Status unlink(lib::StringView name, bool directory);
    // Moves the entry name to new_parent/new_name (same filesystem).
    virtual lib::Status rename(lib::StringView name, Vnode& new_parent, lib::StringView new_name, unsigned flags);
    // The first entry at or after cookie ("." and ".." included); false at the end.
    virtual lib::ErrorOr<bool> read_entry(uint64_t cookie, DirectoryEntry& entry);

    // Symbolic links.
    virtual lib::ErrorOr<lib::StringView> link_target();
    // Linux's "magic" links (/proc/<pid>/fd/N, cwd): the node itself, which
    // a lookup continues from instead of the text (so an unlinked file or
    // a memfd opens through them). not_supported for ordinary links.
    virtual lib::ErrorOr<VnodeReference> magic_target();

    // Regular files: their pages, and truncate/extend.
    virtual lib::ErrorOr<mm::MemoryObject*> memory_object() { return lib::Error::no_device; }
    virtual lib::Status resize(uint64_t size);

    // A File for this node (one reference), with the open flags. The
    // default serves regular files and directories; devices go to the
    // device registry; filesystems with generated contents override it.
    virtual lib::ErrorOr<object::File*> open(int flags);

    FileSystem& filesystem;
    uint64_t inode;
    uint32_t mode;
    uint32_t uid = 0, gid = 0;
    uint32_t links = 1;
    uint64_t device = 0;  // character devices: Linux's dev_t encoding
    uint64_t access_ns = 0, modify_ns = 0, change_ns = 0;  // realtime
    // Directories: the parent (a reference; the root's is itself, unreferenced).
    Vnode* parent = nullptr;
    // Mounts: the root of the filesystem mounted on this directory, and
    // for a filesystem root, the directory it covers (both referenced).
    Vnode* mounted = nullptr;
    Vnode* covered = nullptr;
    // Sockets: the listening socket bound to this path (ipc's; opaque here).
    void* socket = nullptr;
    // Directories: their name in the parent, for getcwd and /proc paths
    // (a directory has one name; tmpfs keeps it current across renames).
    lib::String name;

private:
    uint32_t references_ = 1;
};

// One counted reference to a Vnode, released at scope end.
class VnodeReference {
public:
    VnodeReference() = default;
    static VnodeReference adopt(Vnode* vnode) { return VnodeReference(vnode); }
    static VnodeReference share(Vnode* vnode) {
        if (vnode != nullptr) vnode->reference();
        return VnodeReference(vnode);
    }
    VnodeReference(VnodeReference&& other) : vnode_(other.vnode_) { other.vnode_ = nullptr; }
    VnodeReference& operator=(VnodeReference&& other) {
        if (this != &other) {
            reset();
            vnode_ = other.vnode_;
            other.vnode_ = nullptr;
        }
        return *this;
    }
    VnodeReference(const VnodeReference&) = delete;
    VnodeReference& operator=(const VnodeReference&) = delete;
    ~VnodeReference() { reset(); }

    Vnode* get() const { return vnode_; }
    Vnode* operator->() const { return vnode_; }
    Vnode& operator*() const { return *vnode_; }
    explicit operator bool() const { return vnode_ != nullptr; }
    Vnode* leak() {
        Vnode* vnode = vnode_;
        vnode_ = nullptr;
        return vnode;
    }
    void reset() {
        if (vnode_ != nullptr) vnode_->release();
        vnode_ = nullptr;
    }

private:
    explicit VnodeReference(Vnode* vnode) : vnode_(vnode) {}
    Vnode* vnode_ = nullptr;
};

// The directory name in parent, made with mode when absent (a new reference).
lib::ErrorOr<Vnode*> find_or_make_directory(Vnode& parent, lib::StringView name, uint32_t mode);

// Linux's dev_t encoding (new_encode_dev) and its parts.
constexpr uint64_t make_device(uint32_t major, uint32_t minor) {
    return (minor & 0xFF) | (uint64_t(major & 0xFFF) << 8) | (uint64_t(minor & ~0xFFu) << 12);
}
constexpr uint32_t device_major(uint64_t device) {
    return static_cast<uint32_t>((device >> 8) & 0xFFF);
}
constexpr uint32_t device_minor(uint64_t device) {
    return static_cast<uint32_t>((device & 0xFF) | ((device >> 12) & 0xFFF00));
}

}  // namespace fs
