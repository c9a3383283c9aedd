// The devices every Linux system has: null, zero, full, random, urandom
// (major 1) and the console (5:1, COM1).
#pragma once
#include "fs/vfs/locks.h"
#include "fs/vfs/vnode.h"
#include "object/file.h"

namespace fs {

lib::Status register_standard_devices();

// Base of device files: fstat shows the device node.
class DeviceFile : public object::File {
public:
    DeviceFile(Vnode& node, int flags) : node_(node) {
        node.reference();
        status_flags = flags;
    }
    ~DeviceFile() override {
        release_flocks(this);
        node_.release();
    }
    lib::ErrorOr<object::FileStatus> status() override { return node_.status(); }
    Vnode* vnode() override { return &node_; }
    // Devices have no offset: seeking succeeds and stays at 0, as Linux's
    // null and zero do.
    lib::ErrorOr<uint64_t> seek(int64_t, int) override { return uint64_t(0); }

private:
    Vnode& node_;
};

}  // namespace fs
