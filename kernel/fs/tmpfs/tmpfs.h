// tmpfs: the writable in-memory filesystem (the root, and /dev's nodes).
// Regular files keep their bytes in a memory object; directories keep
// their entries in creation order, each with a cookie that getdents64
// resumes from, so a directory read stays consistent while entries come
// and go.
#pragma once
#include "fs/vfs/vnode.h"
#include "lib/vector.h"

namespace fs {

class Tmpfs final : public FileSystem {
public:
    // A new instance whose root directory has mode (0755 or 01777).
    static lib::ErrorOr<Tmpfs*> create(uint32_t root_permissions);
    ~Tmpfs() override;
    Vnode* root() override { return root_; }
    const char* type_name() const override { return "tmpfs"; }
    uint64_t magic() const override { return 0x01021994; }  // TMPFS_MAGIC
    void release_contents() override;

    Tmpfs() = default;  // use create

private:
    Vnode* root_ = nullptr;
};

// The tmpfs that memfds live in, mounted nowhere: each memfd is created
// there and unlinked at once, so it lives exactly as long as descriptors
// and mappings hold it. Made at boot (make_memfd_filesystem) so that the
// first memfd_create allocates nothing that outlives its file.
lib::Status make_memfd_filesystem();
Tmpfs& memfd_filesystem();

}  // namespace fs
