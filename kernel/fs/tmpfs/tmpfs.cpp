#include "fs/tmpfs/tmpfs.h"

#include "lib/allocator.h"
#include "mm/memory_object.h"

namespace fs {
namespace {

uint64_t next_device = 0x100;  // st_dev of each tmpfs instance (0:N like Linux's anonymous devices)

class TmpfsNode final : public Vnode {
public:
    TmpfsNode(FileSystem& filesystem, uint32_t mode) : Vnode(filesystem, mode) {}
    ~TmpfsNode() override {
        for (Entry& entry : entries_) entry.node->release();
        if (memory_ != nullptr) memory_->release();
    }

    lib::Status init(lib::StringView target) {
        if (is_regular()) memory_ = TRY(mm::MemoryObject::create(0));
        if (is_directory()) links = 2;
        if (is_symlink()) target_ = TRY(lib::String::copy(target));
        return lib::ok();
    }

    uint64_t size() const override {
        if (memory_ != nullptr) return memory_->size();
        if (is_symlink()) return target_.length();
        return 0;
    }

    lib::ErrorOr<Vnode*> lookup(lib::StringView name) override {
        if (!is_directory()) return lib::Error::not_directory;
        Entry* entry = find(name);
        if (entry == nullptr) return lib::Error::not_found;
        entry->node->reference();
        return entry->node;
    }

    lib::ErrorOr<Vnode*> create(lib::StringView name, uint32_t mode, uint64_t device) override {
        TRY(check_new_name(name));
        auto* node = lib::make<TmpfsNode>(filesystem, mode);
        if (node == nullptr) return lib::Error::no_memory;
        VnodeReference holder = VnodeReference::adopt(node);
        TRY(node->init(""));
        node->device = device;
        TRY(attach(name, *node));
        return holder.leak();
    }

    lib::ErrorOr<Vnode*> create_symlink(lib::StringView name, lib::StringView target) override {
        TRY(check_new_name(name));
        auto* node = lib::make<TmpfsNode>(filesystem, type_symlink | 0777);
        if (node == nullptr) return lib::Error::no_memory;
        VnodeReference holder = VnodeReference::adopt(node);
        TRY(node->init(target));
        TRY(attach(name, *node));
        return holder.leak();
    }

    lib::Status link(lib::StringView name, Vnode& target) override {
        TRY(check_new_name(name));
        if (&target.filesystem != &filesystem) return lib::Error::cross_device;
        if (target.is_directory()) return lib::Error::not_permitted;
        if (target.links == 0) return lib::Error::not_found;  // linkat of an unlinked file
        TRY(attach(name, target));
        ++target.links;
        target.touch_changed();
        return lib::ok();
    }

    lib::Status unlink(lib::StringView name, bool directory) override {
        if (!is_directory()) return lib::Error::not_directory;
        Entry* entry = find(name);
        if (entry == nullptr) return lib::Error::not_found;
        Vnode* node = entry->node;
        if (directory) {
            if (!node->is_directory()) return lib::Error::not_directory;
            if (!static_cast<TmpfsNode*>(node)->entries_.empty()) return lib::Error::not_empty;
            if (node->mounted != nullptr) return lib::Error::busy;
        } else if (node->is_directory()) {
            return lib::Error::is_directory;
        }
        drop(entry);
        return lib::ok();
    }

    // Releases every entry below this directory (unmounting the filesystem
    // breaks the parent/child reference cycles this way). Iterative: a
    // process can nest directories deeper than a kernel stack could recurse.
    void clear() {
        while (!entries_.empty()) {
            // Down to a directory whose last entry is a file or an empty directory.
            TmpfsNode* directory = this;
            for (;;) {
                Entry& last = directory->entries_[directory->entries_.size() - 1];
                auto* child = static_cast<TmpfsNode*>(last.node);
                if (!child->is_directory() || child->entries_.empty()) break;
                directory = child;
            }
            directory->drop(&directory->entries_[directory->entries_.size() - 1]);
        }
    }

    lib::Status rename(lib::StringView name, Vnode& new_parent_vnode, lib::StringView new_name,
                       unsigned flags) override;

    lib::ErrorOr<bool> read_entry(uint64_t cookie, DirectoryEntry& entry) override {
        if (!is_directory()) return lib::Error::not_directory;
        if (links == 0) return false;  // a removed directory lists nothing, not even "."
        if (cookie < 1) {
            entry = DirectoryEntry{".", inode, type_directory, 1};
            return true;
        }
        if (cookie < 2) {
            entry = DirectoryEntry{"..", parent->inode, type_directory, 2};
            return true;
        }
        for (const Entry& e : entries_) {
            if (e.cookie < cookie) continue;
            entry = DirectoryEntry{e.name.view(), e.node->inode, e.node->type(), e.cookie + 1};
            return true;
        }
        return false;
    }

    lib::ErrorOr<lib::StringView> link_target() override {
        if (!is_symlink()) return lib::Error::invalid_argument;
        return target_.view();
    }

    lib::ErrorOr<mm::MemoryObject*> memory_object() override {
        if (memory_ == nullptr) return lib::Error::no_device;
        return memory_;
    }

    lib::Status resize(uint64_t size) override {
        if (memory_ == nullptr) return Vnode::resize(size);
        TRY(memory_->resize(size));
        touch_modified();
        return lib::ok();
    }

private:
    struct Entry {
        lib::String name;
        Vnode* node;  // referenced
        uint64_t cookie;
    };

    Entry* find(lib::StringView name) {
        for (Entry& entry : entries_) {
            if (entry.name.view().equals(name)) return &entry;
        }
        return nullptr;
    }

    lib::Status check_new_name(lib::StringView name) {
        if (!is_directory()) return lib::Error::not_directory;
        if (links == 0) return lib::Error::not_found;  // creating in a removed directory
        if (name.length > max_name_length) return lib::Error::name_too_long;
        if (name.empty() || name.equals(".") || name.equals("..")) return lib::Error::exists;
        if (find(name) != nullptr) return lib::Error::exists;
        return lib::ok();
    }

    // Puts node into this directory under name (checked by the caller),
    // with a reference. A directory gets this one as its parent (and is
    // counted in this one's links, for its ".."). Link counts of other
    // nodes are the caller's.
    lib::Status attach(lib::StringView name, Vnode& node) { return attach(TRY(lib::String::copy(name)), node); }
    lib::Status attach(lib::String name, Vnode& node) {
        TRY(entries_.try_append(Entry{lib::move(name), &node, next_cookie_++}));
        node.reference();
        if (node.is_directory()) {
            auto copied = lib::String::copy(entries_[entries_.size() - 1].name.view());
            if (!copied.is_error()) node.name = copied.release_value();
            reference();
            if (node.parent != nullptr && node.parent != &node) node.parent->release();
            node.parent = this;
            ++links;
        }
        touch_modified();
        return lib::ok();
    }

    // Takes entry out of the directory, dropping its reference; the node
    // may live on where it is referenced (open files, cwds, another name).
    void detach(Entry* entry) {
        Vnode* node = entry->node;
        entries_.remove(static_cast<size_t>(entry - entries_.begin()));
        // A directory that shrank gives its table back: memory returns to
        // what it was before the entries came (the fuzzer's leak check).
        entries_.shrink_if_sparse();
        if (node->is_directory()) --links;
        touch_modified();
        node->release();
    }

    // unlink/rmdir of entry: one link fewer (a directory is gone for good).
    void drop(Entry* entry) {
        Vnode* node = entry->node;
        if (node->is_directory())
            node->links = 0;
        else
            --node->links;
        node->touch_changed();
        detach(entry);
    }

    lib::Vector<Entry> entries_;
    uint64_t next_cookie_ = 3;  // after "." (0) and ".." (1, 2)
    mm::MemoryObject* memory_ = nullptr;
    lib::String target_;

    friend class Tmpfs;
};

// Whether directory is ancestor or inside it (walking parent pointers).
bool is_within(Vnode* directory, Vnode* ancestor) {
    for (Vnode* node = directory;; node = node->parent) {
        if (node == ancestor) return true;
        if (node->parent == node || node->parent == nullptr) return false;
    }
}

lib::Status TmpfsNode::rename(lib::StringView name, Vnode& new_parent_vnode, lib::StringView new_name,
                              unsigned flags) {
    if (!is_directory() || !new_parent_vnode.is_directory()) return lib::Error::not_directory;
    if (&new_parent_vnode.filesystem != &filesystem) return lib::Error::cross_device;
    auto& new_parent = static_cast<TmpfsNode&>(new_parent_vnode);
    if (new_name.length > max_name_length) return lib::Error::name_too_long;
    if (new_parent.links == 0) return lib::Error::not_found;
    Entry* source = find(name);
    if (source == nullptr) return lib::Error::not_found;
    Vnode* node = source->node;
    Entry* target = new_parent.find(new_name);
    if ((flags & rename_exchange) && target == nullptr) return lib::Error::not_found;
    if ((flags & rename_noreplace) && target != nullptr) return lib::Error::exists;
    // A directory cannot move below itself.
    if (node->is_directory() && is_within(&new_parent, node)) return lib::Error::invalid_argument;
    if (target != nullptr && target->node == node) return lib::ok();  // two links to one file: nothing to do
    if (flags & rename_exchange) {
        Vnode* other = target->node;
        if (other->is_directory() && is_within(this, other)) return lib::Error::invalid_argument;
        // Swap the entries' nodes; directories change parents (and link counts).
        source->node = other;
        target->node = node;
        auto reparent = [](Vnode* child, TmpfsNode& from, TmpfsNode& to) {
            if (!child->is_directory() || &from == &to) return;
            --from.links;
            ++to.links;
            to.reference();
            child->parent = &to;
            from.release();
        };
        reparent(node, *this, new_parent);
        reparent(other, new_parent, *this);
        node->touch_changed();
        other->touch_changed();
        touch_modified();
        new_parent.touch_modified();
        return lib::ok();
    }
    if (target != nullptr) {
        Vnode* old = target->node;
        if (node->is_directory() && !old->is_directory()) return lib::Error::not_directory;
        if (!node->is_directory() && old->is_directory()) return lib::Error::is_directory;
        if (old->is_directory() && !static_cast<TmpfsNode*>(old)->entries_.empty()) return lib::Error::not_empty;
        if (old->mounted != nullptr) return lib::Error::busy;
    }
    // Make the new name first (it can fail), then drop the old ones.
    auto copied = TRY(lib::String::copy(new_name));
    // Reserving may move the entries: look the target up again afterwards.
    TRY(new_parent.entries_.try_reserve(new_parent.entries_.size() + 1));
    target = new_parent.find(new_name);
    if (target != nullptr) new_parent.drop(target);
    TRY(new_parent.attach(lib::move(copied), *node));  // cannot fail now: the name is copied and space reserved
    detach(find(name));
    node->touch_changed();
    return lib::ok();
}

}  // namespace

lib::ErrorOr<Tmpfs*> Tmpfs::create(uint32_t root_permissions) {
    auto* tmpfs = lib::make<Tmpfs>();
    if (tmpfs == nullptr) return lib::Error::no_memory;
    tmpfs->device = next_device++;
    auto* root = lib::make<TmpfsNode>(*tmpfs, type_directory | (root_permissions & permission_mask));
    if (root == nullptr) {
        lib::destroy(tmpfs);
        return lib::Error::no_memory;
    }
    (void)root->init("");
    root->parent = root;
    tmpfs->root_ = root;
    return tmpfs;
}

void Tmpfs::release_contents() {
    static_cast<TmpfsNode*>(root_)->clear();
}

Tmpfs::~Tmpfs() {
    if (root_ == nullptr) return;
    static_cast<TmpfsNode*>(root_)->clear();
    root_->release();
}

namespace {
Tmpfs* memfds = nullptr;
}

lib::Status make_memfd_filesystem() {
    if (memfds == nullptr) memfds = TRY(Tmpfs::create(01777));
    return lib::ok();
}

Tmpfs& memfd_filesystem() {
    return *memfds;
}

}  // namespace fs
