#include "fs/node.h"

#include "lib/allocator.h"

namespace fs {

Node* Node::child(lib::StringView name) const {
    for (Node* node : children) {
        if (node->name.view().equals(name)) return node;
    }
    return nullptr;
}

Tree::~Tree() {
    destroy(root_);
}

void Tree::destroy(Node* node) {
    if (node == nullptr) return;
    for (Node* child : node->children) destroy(child);
    lib::destroy(node);
}

lib::Status Tree::init() {
    root_ = lib::make<Node>();
    if (root_ == nullptr) return lib::Error::no_memory;
    root_->mode = type_directory | 0755;
    root_->inode = next_inode_++;
    root_->parent = root_;
    return lib::ok();
}

lib::ErrorOr<Node*> Tree::create(Node* parent, lib::StringView name, uint32_t mode) {
    if (!parent->is_directory()) return lib::Error::not_directory;
    if (name.empty() || name.equals(".") || name.equals("..")) return lib::Error::invalid_argument;
    if (name.length > max_name_length) return lib::Error::name_too_long;
    if (parent->child(name) != nullptr) return lib::Error::exists;
    Node* node = lib::make<Node>();
    if (node == nullptr) return lib::Error::no_memory;
    auto copied = lib::String::copy(name);
    if (copied.is_error()) {
        lib::destroy(node);
        return copied.error();
    }
    node->name = copied.release_value();
    node->mode = mode;
    node->inode = next_inode_++;
    node->parent = parent;
    auto appended = parent->children.try_append(node);
    if (appended.is_error()) {
        lib::destroy(node);
        return appended.error();
    }
    return node;
}

}  // namespace fs
