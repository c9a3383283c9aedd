// The objects behind file descriptors. A File is reference counted: dup
// and (later) fork share it, with its offset. Each kind of file (ramfs
// file or directory, the console) implements what it supports; the rest
// fails with the error Linux gives for it.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"
#include "lib/string.h"
#include "object/readiness.h"

namespace fs {
class Vnode;
}
namespace mm {
class ByteSource;
class MemoryObject;
}

namespace object {

// poll(2) event bits, Linux values.
constexpr uint32_t poll_in = 0x001, poll_priority = 0x002, poll_out = 0x004, poll_error = 0x008, poll_hangup = 0x010,
                   poll_invalid = 0x020, poll_read_normal = 0x040, poll_write_normal = 0x100;

constexpr int open_nonblocking = 04000;  // O_NONBLOCK in File::status_flags

// What fstat reports, in kernel terms; linux/files.cpp lays out struct stat.
struct FileStatus {
    uint64_t inode = 0;
    uint32_t mode = 0;  // type and permission bits, Linux values
    uint64_t size = 0;
    uint64_t device = 0;
    uint64_t rdev = 0;
    uint32_t links = 1;
    uint32_t uid = 0, gid = 0;
    uint64_t access_ns = 0, modify_ns = 0, change_ns = 0;  // realtime
    uint64_t blocks = 0;                                   // 512-byte units in use
};

// What a File is, for the calls that only work on one kind (epoll_ctl on an
// epoll, accept on a socket, the native device calls on their capabilities)
// and must say EINVAL, ENOTSOCK or EPERM to the rest.
enum class FileKind : uint8_t { other, epoll, socket, event_counter, timer, pci_bus, pci_device, interrupt, dma_memory,
                                signal_file };

// Physically contiguous RAM behind a file (DMA buffers), which mmap maps
// shared. size 0: the file has none.
struct PhysicalRange {
    uint64_t physical = 0;
    uint64_t size = 0;
};

class File {
public:
    virtual ~File() = default;

    // Reads into / writes from user memory at user_address.
    virtual lib::ErrorOr<size_t> read(uint64_t user_address, size_t length);
    virtual lib::ErrorOr<size_t> write(uint64_t user_address, size_t length);
    // Writes from user memory or a kernel buffer (sendfile's page). Files
    // sendfile can write to (pipes, Unix sockets, terminals, tmpfs files,
    // memfds, /dev/null) implement this and make write() a wrapper; the
    // default passes user memory to write() and refuses kernel bytes with
    // invalid_argument, sendfile's EINVAL for destinations it cannot use.
    virtual lib::ErrorOr<size_t> write_from(const mm::ByteSource& source);
    virtual lib::ErrorOr<uint64_t> seek(int64_t offset, int whence);
    // pread/pwrite: at offset, leaving the file offset alone; illegal_seek
    // (ESPIPE) for files without offsets.
    virtual lib::ErrorOr<size_t> read_at(uint64_t offset, uint64_t user_address, size_t length);
    virtual lib::ErrorOr<size_t> write_at(uint64_t offset, uint64_t user_address, size_t length);
    virtual lib::ErrorOr<FileStatus> status() = 0;
    // Fills user memory with struct linux_dirent64 records.
    virtual lib::ErrorOr<size_t> read_directory(uint64_t user_address, size_t length);
    virtual lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument);
    // Which poll events hold now (poll_in, poll_out, poll_hangup,
    // poll_error): a snapshot, never blocking. The default, for files
    // whose reads and writes never block, is always readable and writable.
    virtual uint32_t ready_events();
    // 0 when every change of ready_events() comes with readiness.notify;
    // otherwise the monotonic time by which it may change unannounced (the
    // console's polled input, a timer's next expiry): waiters look again then.
    virtual uint64_t readiness_deadline() { return 0; }
    // The VFS node behind the file (without a new reference), for fchdir,
    // *at() lookups relative to a directory fd, fstat-like calls and locks.
    virtual fs::Vnode* vnode() { return nullptr; }
    // The path the file was opened by, for /proc/<pid>/fd (empty when
    // not known: the node's own name or kind is shown then).
    virtual const char* opened_path() const { return ""; }
    virtual void set_opened_path(lib::String) {}
    // A descriptor naming this file was closed by the current process
    // (close, dup2 over it, close-on-exec): POSIX record locks go then.
    virtual void descriptor_closed() {}
    // The pages behind the file, for mmap (tmpfs files, memfds), without a
    // new reference: a mapping that keeps it calls reference(). no_device
    // (ENODEV) for files that cannot be mapped.
    virtual lib::ErrorOr<mm::MemoryObject*> memory_object() { return lib::Error::no_device; }
    virtual PhysicalRange physical_range() const { return {}; }

    void reference() { __atomic_add_fetch(&references_, 1, __ATOMIC_RELAXED); }
    // Destroys the file with its last reference.
    void release();
    uint32_t reference_count() const { return __atomic_load_n(&references_, __ATOMIC_RELAXED); }
    // After a release that left references: Unix sockets look for cycles of
    // sockets that only messages in each other's queues still hold.
    virtual void references_dropped(uint32_t remaining) { (void)remaining; }

    int status_flags = 0;  // O_APPEND, O_NONBLOCK...: what fcntl(F_GETFL) shows
    // Who waits for this file's readiness (poll, select, epoll items).
    ReadinessQueue readiness;
    FileKind kind = FileKind::other;  // set by whoever makes the file

private:
    uint32_t references_ = 1;
};

// One counted reference to a File, released when it goes out of scope.
// FileTable::get hands these out so that a File outlives a close(2) by
// another thread while a system call (perhaps blocked in it) still uses it.
class FileReference {
public:
    FileReference() = default;
    // Takes over a reference the caller holds (a new File's first one).
    static FileReference adopt(File* file) { return FileReference(file); }
    // Takes a new reference.
    static FileReference share(File* file) {
        if (file != nullptr) file->reference();
        return FileReference(file);
    }
    FileReference(FileReference&& other) : file_(other.file_) { other.file_ = nullptr; }
    FileReference& operator=(FileReference&& other) {
        if (this != &other) {
            reset();
            file_ = other.file_;
            other.file_ = nullptr;
        }
        return *this;
    }
    FileReference(const FileReference&) = delete;
    FileReference& operator=(const FileReference&) = delete;
    ~FileReference() { reset(); }

    File* get() const { return file_; }
    File* operator->() const { return file_; }
    File& operator*() const { return *file_; }
    explicit operator bool() const { return file_ != nullptr; }
    // Hands the reference over (FileTable::install takes one).
    File* leak() {
        File* file = file_;
        file_ = nullptr;
        return file;
    }
    void reset() {
        if (file_ != nullptr) file_->release();
        file_ = nullptr;
    }

private:
    explicit FileReference(File* file) : file_(file) {}
    File* file_ = nullptr;
};

}  // namespace object
