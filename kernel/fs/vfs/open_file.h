// The File behind a descriptor opened on a regular file or directory (and
// any node opened with O_PATH): the vnode, the offset, the open flags.
#pragma once
#include "fs/vfs/vnode.h"
#include "object/file.h"

namespace fs {

// open(2) flags, Linux values.
constexpr int open_access_mask = 3, open_read_only = 0, open_write_only = 1, open_read_write = 2;
constexpr int open_create = 0100, open_exclusive = 0200, open_no_tty = 0400, open_truncate = 01000,
              open_append = 02000, open_nonblock = 04000, open_dsync = 010000, open_direct = 040000,
              open_large_file = 0100000, open_directory = 0200000, open_no_follow = 0400000,
              open_no_atime = 01000000, open_close_on_exec = 02000000, open_sync = 04010000,
              open_path = 010000000, open_tmpfile = 020200000;

constexpr bool can_read(int flags) {
    return (flags & open_path) == 0 && (flags & open_access_mask) != open_write_only;
}
constexpr bool can_write(int flags) {
    return (flags & open_path) == 0 && ((flags & open_access_mask) == open_write_only ||
                                        (flags & open_access_mask) == open_read_write);
}

class VnodeFile : public object::File {
public:
    VnodeFile(Vnode& vnode, int flags);
    ~VnodeFile() override;

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> read_at(uint64_t offset, uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> write_at(uint64_t offset, uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> write_from(const mm::ByteSource& source) override;
    lib::ErrorOr<uint64_t> seek(int64_t offset, int whence) override;
    lib::ErrorOr<object::FileStatus> status() override { return vnode_->status(); }
    lib::ErrorOr<size_t> read_directory(uint64_t user_address, size_t length) override;
    lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument) override;
    lib::ErrorOr<mm::MemoryObject*> memory_object() override;
    Vnode* vnode() override { return vnode_; }
    const char* opened_path() const override { return path_.c_str(); }
    void set_opened_path(lib::String path) override { path_ = lib::move(path); }
    void descriptor_closed() override;

private:
    lib::ErrorOr<size_t> write_at_from(uint64_t offset, const mm::ByteSource& source);

    Vnode* vnode_;  // referenced
    lib::String path_;
    uint64_t offset_ = 0;
};

// Writes one struct linux_dirent64 into user memory at user_address if it
// fits in capacity; its length, or 0 when it does not fit.
lib::ErrorOr<size_t> put_directory_entry(uint64_t user_address, size_t capacity, const DirectoryEntry& entry);

}  // namespace fs
