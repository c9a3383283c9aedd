// What the file-system calls share: paths copied from user memory, the
// *at() conventions (AT_FDCWD, a directory fd, AT_EMPTY_PATH,
// AT_SYMLINK_NOFOLLOW) and the lookups built on them.
#pragma once
#include "fs/vfs/path.h"
#include "linux/syscall.h"
#include "object/file.h"

namespace linux {

constexpr int32_t at_fdcwd = -100;
constexpr uint64_t at_symlink_nofollow = 0x100, at_remove_directory = 0x200, at_eaccess = 0x200,
                   at_symlink_follow = 0x400, at_no_automount = 0x800, at_empty_path = 0x1000;

// A path copied from user memory (on the heap: kernel stacks are small).
// ENAMETOOLONG at 4096 bytes or more; EFAULT for a bad pointer.
class UserPath {
public:
    UserPath() = default;
    ~UserPath();
    UserPath(const UserPath&) = delete;
    UserPath& operator=(const UserPath&) = delete;
    lib::Status copy(uint64_t address);
    lib::StringView view() const { return lib::StringView(text_, length_); }
    bool empty() const { return length_ == 0; }

private:
    char* text_ = nullptr;
    size_t length_ = 0;
};

// The directory *at() calls start from: the cwd for AT_FDCWD, else the
// directory fd's vnode (EBADF, ENOTDIR).
lib::ErrorOr<fs::VnodeReference> start_directory(int64_t descriptor);
// The vnode at path relative to descriptor. flags: at_symlink_nofollow
// (do not follow a final symlink), at_empty_path (an empty path names the
// descriptor's own file, which then need not be a directory).
lib::ErrorOr<fs::VnodeReference> lookup_at(int64_t descriptor, const UserPath& path, uint64_t flags);
// Copies the path and looks it up.
lib::ErrorOr<fs::VnodeReference> lookup_user_path(int64_t descriptor, uint64_t path_address, uint64_t flags);
lib::ErrorOr<fs::ParentAndName> lookup_parent(int64_t descriptor, const UserPath& path);

// The process's file-creation mask applied to mode.
uint32_t apply_umask(uint32_t mode);

}  // namespace linux
