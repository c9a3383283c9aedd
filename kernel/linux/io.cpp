// read, write and their vector and positioned forms, lseek, sendfile, ioctl.
#include "fs/vfs/open_file.h"
#include "fs/vfs/vnode.h"
#include "lib/allocator.h"
#include "linux/syscall.h"
#include "mm/layout.h"
#include "mm/memory_object.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {
namespace {

constexpr uint64_t max_io_length = 0x7FFFF000;  // Linux's MAX_RW_COUNT
constexpr uint64_t max_iovecs = 1024;

struct IoVector {
    uint64_t base;
    uint64_t length;
};

lib::ErrorOr<object::FileReference> file_for(uint64_t descriptor) {
    return current_process().files.get(static_cast<int>(descriptor));
}

// Linux's access_ok: the whole buffer must lie in user space (EFAULT),
// checked with the length as given, before it is cut to max_io_length.
lib::Status check_buffer(uint64_t address, uint64_t length) {
    if (!mm::is_user_range(address, length)) return lib::Error::bad_address;
    return lib::ok();
}

template <typename Operation>
Result vector_io(const Arguments& a, Operation operation) {
    auto file = TRY(file_for(a.a0));
    if (static_cast<int64_t>(a.a2) < 0) return lib::Error::invalid_argument;
    if (a.a2 > max_iovecs) return lib::Error::invalid_argument;
    uint64_t total = 0;
    for (uint64_t i = 0; i < a.a2; ++i) {
        IoVector vector;
        TRY(mm::copy_value_from_user(vector, a.a1 + i * sizeof(IoVector)));
        if (vector.length > max_io_length) return lib::Error::invalid_argument;
        TRY(check_buffer(vector.base, vector.length));
    }
    for (uint64_t i = 0; i < a.a2; ++i) {
        IoVector vector;
        TRY(mm::copy_value_from_user(vector, a.a1 + i * sizeof(IoVector)));
        if (vector.length == 0) continue;
        auto done = operation(file.get(), vector.base, vector.length);
        if (done.is_error()) {
            if (total > 0) return total;
            return done.error();
        }
        total += done.value();
        if (done.value() < vector.length) break;
    }
    return total;
}

}  // namespace

Result sys_read(const Arguments& a) {
    auto file = TRY(file_for(a.a0));
    TRY(check_buffer(a.a1, a.a2));
    return TRY(file->read(a.a1, lib::min(a.a2, max_io_length)));
}

Result sys_write(const Arguments& a) {
    auto file = TRY(file_for(a.a0));
    TRY(check_buffer(a.a1, a.a2));
    return TRY(file->write(a.a1, lib::min(a.a2, max_io_length)));
}

Result sys_readv(const Arguments& a) {
    return vector_io(a, [](object::File* f, uint64_t base, uint64_t length) { return f->read(base, length); });
}

Result sys_writev(const Arguments& a) {
    return vector_io(a, [](object::File* f, uint64_t base, uint64_t length) { return f->write(base, length); });
}

Result sys_pread64(const Arguments& a) {
    auto file = TRY(file_for(a.a0));
    if (static_cast<int64_t>(a.a3) < 0) return lib::Error::invalid_argument;
    TRY(check_buffer(a.a1, a.a2));
    return TRY(file->read_at(a.a3, a.a1, lib::min(a.a2, max_io_length)));
}

Result sys_pwrite64(const Arguments& a) {
    auto file = TRY(file_for(a.a0));
    if (static_cast<int64_t>(a.a3) < 0) return lib::Error::invalid_argument;
    TRY(check_buffer(a.a1, a.a2));
    return TRY(file->write_at(a.a3, a.a1, lib::min(a.a2, max_io_length)));
}

// preadv/pwritev: the offset moves along the vectors, the file's stays.
template <typename Operation>
Result positioned_vector_io(const Arguments& a, Operation operation) {
    if (static_cast<int64_t>(a.a3) < 0) return lib::Error::invalid_argument;
    uint64_t offset = a.a3;
    return vector_io(a, [&](object::File* f, uint64_t base, uint64_t length) -> lib::ErrorOr<size_t> {
        size_t done = TRY(operation(f, offset, base, length));
        offset += done;
        return done;
    });
}

Result sys_preadv(const Arguments& a) {
    return positioned_vector_io(a, [](object::File* f, uint64_t offset, uint64_t base, uint64_t length) {
        return f->read_at(offset, base, length);
    });
}

Result sys_pwritev(const Arguments& a) {
    return positioned_vector_io(a, [](object::File* f, uint64_t offset, uint64_t base, uint64_t length) {
        return f->write_at(offset, base, length);
    });
}

Result sys_lseek(const Arguments& a) {
    auto file = TRY(file_for(a.a0));
    if (a.a2 > 4) return lib::Error::invalid_argument;  // SEEK_SET..SEEK_HOLE
    return TRY(file->seek(static_cast<int64_t>(a.a1), static_cast<int>(a.a2)));
}

Result sys_ioctl(const Arguments& a) {
    auto file = TRY(file_for(a.a0));
    return TRY(file->control(a.a1 & 0xFFFFFFFF, a.a2));
}

// sendfile: from a file with pages (a tmpfs file, a memfd) to anything
// that takes kernel bytes (File::write_from: pipes, Unix sockets,
// terminals, tmpfs files, /dev/null), a page at a time through a kernel
// buffer. The checks come in Linux's order (the offset's EFAULT first).
Result sys_sendfile(const Arguments& a) {
    constexpr int seek_set = 0, seek_current = 1;
    int64_t given = 0;
    if (a.a2 != 0) TRY(mm::copy_value_from_user(given, a.a2));
    auto in = TRY(file_for(a.a1));
    if (!fs::can_read(in->status_flags)) return lib::Error::bad_descriptor;
    uint64_t offset;
    if (a.a2 != 0) {
        TRY(in->seek(0, seek_current));  // ESPIPE: an explicit offset needs a seekable input
        if (given < 0) return lib::Error::invalid_argument;
        offset = static_cast<uint64_t>(given);
    } else {
        auto position = in->seek(0, seek_current);
        if (position.is_error()) return lib::Error::invalid_argument;  // a pipe or socket as input
        offset = position.value();
    }
    auto out = TRY(file_for(a.a0));
    if (!fs::can_write(out->status_flags)) return lib::Error::bad_descriptor;
    if (out->status_flags & fs::open_append) return lib::Error::invalid_argument;
    auto source = in->memory_object();
    if (source.is_error()) return lib::Error::invalid_argument;
    uint64_t count = lib::min(a.a3, max_io_length);
    auto* page = static_cast<uint8_t*>(lib::allocate(mm::page_size));
    if (page == nullptr) return lib::Error::no_memory;
    // Bytes the destination refused (a full nonblocking pipe, a signal)
    // stay in the source: the offset moves by what was written.
    uint64_t done = 0;
    lib::Error failure = lib::Error::none;
    while (done < count) {
        auto read = source.value()->read(offset + done, page, lib::min<uint64_t>(mm::page_size, count - done));
        if (read.is_error() || read.value() == 0) {
            if (read.is_error()) failure = read.error();
            break;
        }
        auto written = out->write_from(mm::ByteSource::kernel(page, read.value()));
        if (written.is_error()) {
            failure = written.error();
            break;
        }
        done += written.value();
        if (written.value() < read.value()) break;
    }
    lib::deallocate(page);
    if (done == 0 && failure != lib::Error::none) return failure;
    if (a.a2 != 0) {
        int64_t moved = static_cast<int64_t>(offset + done);
        TRY(mm::copy_value_to_user(a.a2, moved));
    } else {
        (void)in->seek(static_cast<int64_t>(offset + done), seek_set);
    }
    return done;
}

}  // namespace linux
