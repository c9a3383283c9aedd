#include "fs/procfs/procfs.h"

#include "fs/procfs/generators.h"
#include "lib/allocator.h"
#include "lib/format.h"
#include "mm/user_copy.h"
#include "object/file.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace fs {
namespace {

class Procfs final : public FileSystem {
public:
    ~Procfs() override {
        if (root_ != nullptr) root_->release();
    }
    Vnode* root() override { return root_; }
    const char* type_name() const override { return "proc"; }
    uint64_t magic() const override { return 0x9fa0; }  // PROC_SUPER_MAGIC

    Vnode* root_ = nullptr;
};

struct Name {
    const char* name;
    ProcKind kind;
    uint32_t mode;
};

constexpr Name system_entries[] = {
    {"self", ProcKind::self, type_symlink | 0777},
    {"thread-self", ProcKind::thread_self, type_symlink | 0777},
    {"meminfo", ProcKind::meminfo, type_regular | 0444},
    {"uptime", ProcKind::uptime, type_regular | 0444},
    {"loadavg", ProcKind::loadavg, type_regular | 0444},
    {"stat", ProcKind::stat, type_regular | 0444},
    {"mounts", ProcKind::mounts, type_symlink | 0777},
    {"filesystems", ProcKind::filesystems, type_regular | 0444},
};

constexpr Name process_entries[] = {
    {"stat", ProcKind::process_stat, type_regular | 0444},
    {"statm", ProcKind::process_statm, type_regular | 0444},
    {"status", ProcKind::process_status, type_regular | 0444},
    {"cmdline", ProcKind::process_cmdline, type_regular | 0444},
    {"comm", ProcKind::process_comm, type_regular | 0644},
    {"exe", ProcKind::process_exe, type_symlink | 0777},
    {"cwd", ProcKind::process_cwd, type_symlink | 0777},
    {"fd", ProcKind::process_fd_directory, type_directory | 0500},
    {"mounts", ProcKind::mounts, type_regular | 0444},
};

// A file's text, generated at open.
class ProcFile final : public object::File {
public:
    ProcFile(Vnode& node, Text& text) : node_(node), length_(text.length()), data_(text.take()) { node.reference(); }
    ~ProcFile() override {
        lib::deallocate(data_);
        node_.release();
    }
    lib::ErrorOr<size_t> read_at(uint64_t offset, uint64_t user_address, size_t length) override {
        if (offset >= length_) return size_t(0);
        size_t count = lib::min<uint64_t>(length, length_ - offset);
        TRY(mm::copy_to_user(user_address, data_ + offset, count));
        return count;
    }
    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        size_t count = TRY(read_at(offset_, user_address, length));
        offset_ += count;
        return count;
    }
    lib::ErrorOr<size_t> write(uint64_t, size_t) override { return lib::Error::bad_descriptor; }
    lib::ErrorOr<uint64_t> seek(int64_t offset, int whence) override {
        int64_t base = whence == 0 ? 0 : whence == 1 ? static_cast<int64_t>(offset_) : whence == 2 ? static_cast<int64_t>(length_) : -1;
        if (base < 0 || base + offset < 0) return lib::Error::invalid_argument;
        offset_ = static_cast<uint64_t>(base + offset);
        return offset_;
    }
    lib::ErrorOr<object::FileStatus> status() override { return node_.status(); }
    Vnode* vnode() override { return &node_; }

private:
    Vnode& node_;
    uint64_t length_;
    char* data_;
    uint64_t offset_ = 0;
};

class ProcNode final : public Vnode {
public:
    ProcNode(FileSystem& filesystem, uint32_t mode, ProcKind kind, int pid, int descriptor)
        : Vnode(filesystem, mode), kind(kind), pid(pid), descriptor(descriptor) {
        // Stable numbers: the same file has the same inode on every lookup.
        inode = kind == ProcKind::root ? 1 : (uint64_t(pid) << 16) + (uint64_t(kind) << 10) + uint64_t(descriptor) + 2;
        links = is_directory() ? 2 : 1;
    }

    lib::ErrorOr<Vnode*> lookup(lib::StringView name) override;
    // Names are the kernel's: what Linux answers to attempts to change them.
    lib::ErrorOr<Vnode*> create(lib::StringView, uint32_t, uint64_t) override { return lib::Error::not_found; }
    lib::ErrorOr<Vnode*> create_symlink(lib::StringView, lib::StringView) override { return lib::Error::not_found; }
    lib::Status link(lib::StringView, Vnode&) override { return lib::Error::not_found; }
    lib::Status unlink(lib::StringView, bool) override { return lib::Error::not_permitted; }
    lib::Status rename(lib::StringView, Vnode&, lib::StringView, unsigned) override { return lib::Error::not_found; }
    lib::ErrorOr<bool> read_entry(uint64_t cookie, DirectoryEntry& entry) override;
    lib::ErrorOr<lib::StringView> link_target() override;
    lib::ErrorOr<VnodeReference> magic_target() override;
    lib::ErrorOr<object::File*> open(int flags) override;

    ProcKind kind;
    int pid;  // 0 for system files
    int descriptor;

private:
    char number_[24];  // read_entry's names
    Text target_;      // link_target's text (kept while the node lives)
};

lib::ErrorOr<Vnode*> make_node(ProcNode& parent, const char* name, ProcKind kind, uint32_t mode, int pid,
                               int descriptor) {
    auto* node = lib::make<ProcNode>(parent.filesystem, mode, kind, pid, descriptor);
    if (node == nullptr) return lib::Error::no_memory;
    if (node->is_directory()) {
        parent.reference();
        node->parent = &parent;
        auto copied = lib::String::copy(name);
        if (copied.is_error()) {
            node->release();
            return copied.error();
        }
        node->name = copied.release_value();
    }
    return node;
}

bool parse_number(lib::StringView name, int& value) {
    if (name.empty() || name.length > 9) return false;
    value = 0;
    for (size_t i = 0; i < name.length; ++i) {
        if (name[i] < '0' || name[i] > '9') return false;
        value = value * 10 + (name[i] - '0');
    }
    return true;
}

sched::Process* live_process(int pid) {
    return sched::find_process(pid);
}

lib::ErrorOr<Vnode*> ProcNode::lookup(lib::StringView name) {
    if (!is_directory()) return lib::Error::not_directory;
    char text[16];
    lib::copy_bytes(text, name.data, lib::min<size_t>(name.length, sizeof text - 1));
    text[lib::min<size_t>(name.length, sizeof text - 1)] = '\0';
    int number;
    switch (kind) {
        case ProcKind::root:
            for (const Name& entry : system_entries) {
                if (name.equals(entry.name)) return make_node(*this, entry.name, entry.kind, entry.mode, 0, 0);
            }
            if (parse_number(name, number) && live_process(number) != nullptr)
                return make_node(*this, text, ProcKind::process_directory, type_directory | 0555, number, 0);
            return lib::Error::not_found;
        case ProcKind::process_directory:
            if (live_process(pid) == nullptr) return lib::Error::not_found;
            for (const Name& entry : process_entries) {
                if (name.equals(entry.name)) return make_node(*this, entry.name, entry.kind, entry.mode, pid, 0);
            }
            return lib::Error::not_found;
        case ProcKind::process_fd_directory: {
            sched::Process* process = live_process(pid);
            if (process == nullptr || !parse_number(name, number)) return lib::Error::not_found;
            if (process->files.get(number).is_error()) return lib::Error::not_found;
            return make_node(*this, text, ProcKind::process_fd, type_symlink | 0700, pid, number);
        }
        default:
            return lib::Error::not_found;
    }
}

lib::ErrorOr<bool> ProcNode::read_entry(uint64_t cookie, DirectoryEntry& entry) {
    if (!is_directory()) return lib::Error::not_directory;
    if (cookie == 0) {
        entry = DirectoryEntry{".", inode, type_directory, 1};
        return true;
    }
    if (cookie == 1) {
        entry = DirectoryEntry{"..", parent != nullptr ? parent->inode : inode, type_directory, 2};
        return true;
    }
    // Fixed entries from cookie 2; numbered ones (pids, descriptors) from
    // 1000, cookie = 1000 + number, so a resumed read skips none.
    constexpr uint64_t numbered = 1000;
    const Name* fixed = kind == ProcKind::root                ? system_entries
                        : kind == ProcKind::process_directory ? process_entries
                                                              : nullptr;
    size_t fixed_count = kind == ProcKind::root                ? sizeof system_entries / sizeof(Name)
                         : kind == ProcKind::process_directory ? sizeof process_entries / sizeof(Name)
                                                               : 0;
    if (cookie - 2 < fixed_count) {
        const Name& n = fixed[cookie - 2];
        entry = DirectoryEntry{n.name, (uint64_t(pid) << 16) + (uint64_t(n.kind) << 10) + 2, n.mode & type_mask,
                               cookie + 1};
        return true;
    }
    uint64_t from = cookie < numbered ? 0 : cookie - numbered;
    int found = -1;
    if (kind == ProcKind::root) {
        sched::all_processes().for_each([&](sched::Process& p) {
            if (static_cast<uint64_t>(p.pid) >= from && (found < 0 || p.pid < found)) found = p.pid;
        });
    } else if (kind == ProcKind::process_fd_directory) {
        sched::Process* process = live_process(pid);
        if (process == nullptr) return false;
        for (int d = static_cast<int>(from); d < object::FileTable::max_descriptors; ++d) {
            if (!process->files.get(d).is_error()) {
                found = d;
                break;
            }
        }
    }
    if (found < 0) return false;
    size_t length = lib::format_to(number_, sizeof number_, "%d", found);
    bool is_process = kind == ProcKind::root;
    ProcKind child = is_process ? ProcKind::process_directory : ProcKind::process_fd;
    entry = DirectoryEntry{lib::StringView(number_, length),
                           (uint64_t(is_process ? found : pid) << 16) + (uint64_t(child) << 10) +
                               uint64_t(is_process ? 0 : found) + 2,
                           is_process ? type_directory : type_symlink, numbered + uint64_t(found) + 1};
    return true;
}

lib::ErrorOr<lib::StringView> ProcNode::link_target() {
    if (!is_symlink()) return lib::Error::invalid_argument;
    if (target_.length() == 0) {
        sched::Thread* thread = sched::current_thread();
        sched::Process* self = thread != nullptr ? thread->process : nullptr;
        switch (kind) {
            case ProcKind::self:
                if (self == nullptr) return lib::Error::not_found;
                target_.add("%d", self->pid);
                break;
            case ProcKind::thread_self:
                if (self == nullptr) return lib::Error::not_found;
                target_.add("%d/task/%d", self->pid, thread->tid);
                break;
            case ProcKind::mounts:
                target_.add("self/mounts");
                break;
            default: {
                sched::Process* process = live_process(pid);
                if (process == nullptr) return lib::Error::not_found;
                TRY(process_link_target(kind, *process, descriptor, target_));
            }
        }
        if (target_.failed()) return lib::Error::no_memory;
    }
    return lib::StringView(target_.data(), target_.length());
}

lib::ErrorOr<VnodeReference> ProcNode::magic_target() {
    sched::Process* process = live_process(pid);
    if (process == nullptr || process->state == sched::ProcessState::zombie) return lib::Error::not_supported;
    if (kind == ProcKind::process_cwd) return VnodeReference::share(process->cwd.get());
    if (kind != ProcKind::process_fd) return lib::Error::not_supported;
    auto file = process->files.get(descriptor);
    if (file.is_error() || file.value()->vnode() == nullptr) return lib::Error::not_supported;
    return VnodeReference::share(file.value()->vnode());
}

lib::ErrorOr<object::File*> ProcNode::open(int flags) {
    constexpr int path_only = 010000000;
    // Root may open a file for writing (Linux checks the mode bits, which
    // root passes); the writes then fail (ProcFile::write).
    if (is_directory() || is_symlink() || (flags & path_only)) return Vnode::open(flags);
    Text text;
    if (pid == 0) {
        generate_system_file(kind, text);
    } else {
        sched::Process* process = live_process(pid);
        if (process == nullptr) return lib::Error::not_found;
        generate_process_file(kind, *process, text);
    }
    if (text.failed()) return lib::Error::no_memory;
    object::File* file = lib::make<ProcFile>(*this, text);
    if (file == nullptr) return lib::Error::no_memory;
    file->status_flags = flags;
    return file;
}

}  // namespace

lib::ErrorOr<FileSystem*> create_procfs() {
    auto* procfs = lib::make<Procfs>();
    if (procfs == nullptr) return lib::Error::no_memory;
    procfs->device = 0x4;
    auto* root = lib::make<ProcNode>(*procfs, type_directory | 0555, ProcKind::root, 0, 0);
    if (root == nullptr) {
        lib::destroy(procfs);
        return lib::Error::no_memory;
    }
    root->parent = root;
    procfs->root_ = root;
    return procfs;
}

}  // namespace fs
