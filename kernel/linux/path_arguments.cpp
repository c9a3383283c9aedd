#include "linux/path_arguments.h"

#include "fs/vfs/mount.h"
#include "lib/allocator.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {

UserPath::~UserPath() {
    lib::deallocate(text_);
}

lib::Status UserPath::copy(uint64_t address) {
    text_ = static_cast<char*>(lib::allocate(fs::max_path_length));
    if (text_ == nullptr) return lib::Error::no_memory;
    length_ = TRY(mm::copy_string_from_user(text_, address, fs::max_path_length));
    return lib::ok();
}

lib::ErrorOr<fs::VnodeReference> start_directory(int64_t descriptor) {
    sched::Process& process = current_process();
    if (static_cast<int32_t>(descriptor) == at_fdcwd) return fs::VnodeReference::share(process.cwd.get());
    auto file = TRY(process.files.get(static_cast<int>(descriptor)));
    fs::Vnode* vnode = file->vnode();
    if (vnode == nullptr || !vnode->is_directory()) return lib::Error::not_directory;
    return fs::VnodeReference::share(vnode);
}

namespace {

// Where the lookup of a non-empty path starts: an absolute path ignores
// the descriptor (even a bad one), as Linux does.
lib::ErrorOr<fs::VnodeReference> start_for(int64_t descriptor, const UserPath& path) {
    if (path.empty()) return lib::Error::not_found;
    if (path.view()[0] == '/') return fs::VnodeReference::share(fs::root_vnode());
    return start_directory(descriptor);
}

}  // namespace

lib::ErrorOr<fs::VnodeReference> lookup_at(int64_t descriptor, const UserPath& path, uint64_t flags) {
    if (path.empty() && (flags & at_empty_path)) {
        sched::Process& process = current_process();
        if (static_cast<int32_t>(descriptor) == at_fdcwd) return fs::VnodeReference::share(process.cwd.get());
        auto file = TRY(process.files.get(static_cast<int>(descriptor)));
        if (file->vnode() == nullptr) return lib::Error::not_found;  // pipes and sockets have no node
        return fs::VnodeReference::share(file->vnode());
    }
    fs::VnodeReference start = TRY(start_for(descriptor, path));
    return fs::resolve(fs::Lookup{fs::root_vnode(), start.get(), (flags & at_symlink_nofollow) == 0}, path.view());
}

lib::ErrorOr<fs::VnodeReference> lookup_user_path(int64_t descriptor, uint64_t path_address, uint64_t flags) {
    UserPath path;
    TRY(path.copy(path_address));
    return lookup_at(descriptor, path, flags);
}

lib::ErrorOr<fs::ParentAndName> lookup_parent(int64_t descriptor, const UserPath& path) {
    fs::VnodeReference start = TRY(start_for(descriptor, path));
    return fs::resolve_parent(fs::Lookup{fs::root_vnode(), start.get(), true}, path.view());
}

uint32_t apply_umask(uint32_t mode) {
    return mode & ~current_process().umask;
}

}  // namespace linux
