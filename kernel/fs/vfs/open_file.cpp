#include "fs/vfs/open_file.h"

#include "fs/devfs/devices.h"
#include "fs/vfs/locks.h"
#include "lib/allocator.h"
#include "lib/string.h"
#include "mm/memory_object.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace fs {
namespace {

constexpr int seek_set = 0, seek_current = 1, seek_end = 2, seek_data = 3, seek_hole = 4;

}  // namespace

VnodeFile::VnodeFile(Vnode& vnode, int flags) : vnode_(&vnode) {
    vnode.reference();
    status_flags = flags;
}

VnodeFile::~VnodeFile() {
    release_flocks(this);
    vnode_->release();
}

void VnodeFile::descriptor_closed() {
    sched::Thread* thread = sched::current_thread();
    if (thread != nullptr && thread->process != nullptr) release_record_locks(*vnode_, thread->process->pid);
}

lib::ErrorOr<size_t> VnodeFile::read_at(uint64_t offset, uint64_t user_address, size_t length) {
    if (!can_read(status_flags)) return lib::Error::bad_descriptor;
    if (vnode_->is_directory()) return lib::Error::is_directory;
    mm::MemoryObject* memory = TRY(vnode_->memory_object());
    size_t count = TRY(memory->read_to_user(offset, user_address, length));
    // relatime: the access time moves only when it is older than the last change.
    if ((status_flags & open_no_atime) == 0 && vnode_->access_ns <= vnode_->modify_ns)
        vnode_->access_ns = sched::realtime_ns();
    return count;
}

lib::ErrorOr<size_t> VnodeFile::write_at(uint64_t offset, uint64_t user_address, size_t length) {
    return write_at_from(offset, mm::ByteSource::user(user_address, length));
}

lib::ErrorOr<size_t> VnodeFile::write_at_from(uint64_t offset, const mm::ByteSource& source) {
    if (!can_write(status_flags)) return lib::Error::bad_descriptor;
    mm::MemoryObject* memory = TRY(vnode_->memory_object());
    if (source.length() == 0) return size_t(0);
    size_t count = TRY(memory->write_from(offset, source));
    vnode_->touch_modified();
    return count;
}

lib::ErrorOr<size_t> VnodeFile::read(uint64_t user_address, size_t length) {
    size_t count = TRY(read_at(offset_, user_address, length));
    offset_ += count;
    return count;
}

lib::ErrorOr<size_t> VnodeFile::write(uint64_t user_address, size_t length) {
    return write_from(mm::ByteSource::user(user_address, length));
}

lib::ErrorOr<size_t> VnodeFile::write_from(const mm::ByteSource& source) {
    if (!can_write(status_flags)) return lib::Error::bad_descriptor;
    if (status_flags & open_append) offset_ = vnode_->size();
    size_t count = TRY(write_at_from(offset_, source));
    offset_ += count;
    return count;
}

lib::ErrorOr<uint64_t> VnodeFile::seek(int64_t offset, int whence) {
    if (status_flags & open_path) return lib::Error::bad_descriptor;
    int64_t size = static_cast<int64_t>(vnode_->size());
    int64_t base;
    switch (whence) {
        case seek_set:
            base = 0;
            break;
        case seek_current:
            base = static_cast<int64_t>(offset_);
            break;
        case seek_end:
            base = size;
            break;
        case seek_data:
        case seek_hole:
            // Holes read as zeros; report the whole file as data.
            if (vnode_->is_directory() || offset < 0 || offset >= size) return lib::Error::no_device_or_address;
            offset_ = whence == seek_data ? static_cast<uint64_t>(offset) : static_cast<uint64_t>(size);
            return offset_;
        default:
            return lib::Error::invalid_argument;
    }
    int64_t position;
    if (__builtin_add_overflow(base, offset, &position) || position < 0) return lib::Error::invalid_argument;
    offset_ = static_cast<uint64_t>(position);
    return offset_;
}

lib::ErrorOr<size_t> put_directory_entry(uint64_t user_address, size_t capacity, const DirectoryEntry& entry) {
    // struct linux_dirent64: ino, off, reclen, type, name, NUL, padding to 8.
    size_t record = (19 + entry.name.length + 1 + 7) & ~size_t(7);
    if (record > capacity) return size_t(0);
    uint8_t buffer[19 + max_name_length + 1 + 8] = {};
    uint16_t reclen = static_cast<uint16_t>(record);
    lib::copy_bytes(buffer, &entry.inode, 8);
    lib::copy_bytes(buffer + 8, &entry.next_cookie, 8);
    lib::copy_bytes(buffer + 16, &reclen, 2);
    buffer[18] = static_cast<uint8_t>(entry.type >> 12);  // DT_* = S_IFMT >> 12
    lib::copy_bytes(buffer + 19, entry.name.data, entry.name.length);
    TRY(mm::copy_to_user(user_address, buffer, record));
    return record;
}

lib::ErrorOr<size_t> VnodeFile::read_directory(uint64_t user_address, size_t length) {
    if (status_flags & open_path) return lib::Error::bad_descriptor;
    if (!vnode_->is_directory()) return lib::Error::not_directory;
    size_t written = 0;
    for (;;) {
        DirectoryEntry entry;
        if (!TRY(vnode_->read_entry(offset_, entry))) break;
        size_t record = TRY(put_directory_entry(user_address + written, length - written, entry));
        if (record == 0) {
            if (written == 0) return lib::Error::invalid_argument;
            break;
        }
        written += record;
        offset_ = entry.next_cookie;
    }
    return written;
}

lib::ErrorOr<uint64_t> VnodeFile::control(uint64_t request, uint64_t argument) {
    constexpr uint64_t fionread = 0x541B;
    if (request == fionread && vnode_->is_regular()) {
        uint64_t size = vnode_->size();
        int32_t available = static_cast<int32_t>(size > offset_ ? lib::min<uint64_t>(size - offset_, 0x7FFFFFFF) : 0);
        TRY(mm::copy_value_to_user(argument, available));
        return uint64_t(0);
    }
    return lib::Error::not_tty;
}

lib::ErrorOr<mm::MemoryObject*> VnodeFile::memory_object() {
    if (status_flags & open_path) return lib::Error::bad_descriptor;
    return vnode_->memory_object();
}


lib::ErrorOr<object::File*> Vnode::open(int flags) {
    if ((flags & open_path) == 0) {
        if (type() == type_character_device) return open_device(*this, flags);
        if (type() == type_socket || type() == type_fifo || type() == type_block_device)
            return lib::Error::no_device_or_address;
    }
    object::File* file = lib::make<VnodeFile>(*this, flags);
    if (file == nullptr) return lib::Error::no_memory;
    return file;
}

}  // namespace fs
