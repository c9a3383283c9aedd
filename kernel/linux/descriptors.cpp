// Descriptor calls: dup, dup2, dup3, fcntl (descriptor and status flags,
// F_DUPFD, record locks, memfd seals), flock.
#include "fs/vfs/locks.h"
#include "fs/vfs/open_file.h"
#include "linux/path_arguments.h"
#include "mm/memory_object.h"
#include "mm/user_copy.h"
#include "sched/process.h"

namespace linux {
namespace {

Result duplicate(uint64_t old_descriptor, int lowest, bool close_on_exec) {
    sched::Process& process = current_process();
    auto file = TRY(process.files.get(static_cast<int>(old_descriptor)));
    auto descriptor = TRY(process.files.install(file.get(), close_on_exec, lowest));
    (void)file.leak();  // the new descriptor's reference
    return static_cast<uint64_t>(descriptor);
}

Result duplicate_to(uint64_t old_descriptor, uint64_t new_descriptor, bool close_on_exec) {
    sched::Process& process = current_process();
    auto file = TRY(process.files.get(static_cast<int>(old_descriptor)));
    if (new_descriptor >= static_cast<uint64_t>(object::FileTable::max_descriptors)) return lib::Error::bad_descriptor;
    if (old_descriptor == new_descriptor) return new_descriptor;
    TRY(process.files.install_at(static_cast<int>(new_descriptor), file.get(), close_on_exec));
    (void)file.leak();  // the new descriptor's reference
    return new_descriptor;
}

// struct flock for x86_64.
struct LinuxFlock {
    int16_t type, whence;
    int64_t start, length;
    int32_t pid;
    int32_t pad;
};
constexpr int16_t f_rdlck = 0, f_wrlck = 1, f_unlck = 2;

// The byte range of l as [start, end), relative to whence (0 set, 1 the
// file's offset, 2 its end); a length of 0 means to the end of the file,
// however it grows; a negative length covers the bytes before start.
lib::ErrorOr<fs::RecordLock> record_lock_from(object::File& file, const LinuxFlock& l) {
    int64_t base;
    switch (l.whence) {
        case 0:
            base = 0;
            break;
        case 1:
            base = static_cast<int64_t>(TRY(file.seek(0, 1)));
            break;
        case 2:
            base = static_cast<int64_t>(file.vnode()->size());
            break;
        default:
            return lib::Error::invalid_argument;
    }
    int64_t start;
    if (__builtin_add_overflow(base, l.start, &start)) return lib::Error::invalid_argument;
    uint64_t end;
    if (l.length > 0) {
        int64_t last;
        if (__builtin_add_overflow(start, l.length, &last)) return lib::Error::invalid_argument;
        end = static_cast<uint64_t>(last);
    } else if (l.length == 0) {
        end = UINT64_MAX;
    } else {
        end = static_cast<uint64_t>(start);
        start += l.length;
    }
    if (start < 0) return lib::Error::invalid_argument;
    fs::RecordLock lock;
    lock.start = static_cast<uint64_t>(start);
    lock.end = end;
    switch (l.type) {
        case f_rdlck:
            lock.kind = fs::LockKind::shared;
            break;
        case f_wrlck:
            lock.kind = fs::LockKind::exclusive;
            break;
        case f_unlck:
            lock.kind = fs::LockKind::unlock;
            break;
        default:
            return lib::Error::invalid_argument;
    }
    lock.owner = current_process().pid;
    return lock;
}

Result record_lock(object::File& file, uint64_t command, uint64_t address) {
    constexpr uint64_t getlk = 5, setlk = 6;
    LinuxFlock l;
    TRY(mm::copy_value_from_user(l, address));
    if (file.vnode() == nullptr) return lib::Error::invalid_argument;
    fs::RecordLock lock = TRY(record_lock_from(file, l));
    if (command == getlk) {
        if (lock.kind == fs::LockKind::unlock) return lib::Error::invalid_argument;
        fs::RecordLock conflict = fs::find_conflicting_lock(*file.vnode(), lock);
        if (conflict.kind == fs::LockKind::unlock) {
            l.type = f_unlck;
        } else {
            l.type = conflict.kind == fs::LockKind::exclusive ? f_wrlck : f_rdlck;
            l.whence = 0;
            l.start = static_cast<int64_t>(conflict.start);
            l.length = conflict.end == UINT64_MAX ? 0 : static_cast<int64_t>(conflict.end - conflict.start);
            l.pid = conflict.owner;
        }
        TRY(mm::copy_value_to_user(address, l));
        return uint64_t(0);
    }
    // A read lock needs a descriptor open for reading, a write lock one for writing.
    if (lock.kind == fs::LockKind::shared && !fs::can_read(file.status_flags)) return lib::Error::bad_descriptor;
    if (lock.kind == fs::LockKind::exclusive && !fs::can_write(file.status_flags)) return lib::Error::bad_descriptor;
    TRY(fs::set_record_lock(*file.vnode(), lock, command != setlk));
    return uint64_t(0);
}

Result seals(object::File& file, uint64_t command, uint64_t seals) {
    constexpr uint64_t add_seals = 1033;
    auto memory = file.memory_object();
    if (memory.is_error()) return lib::Error::invalid_argument;
    if (command != add_seals) return uint64_t(memory.value()->seals());
    if (!fs::can_write(file.status_flags)) return lib::Error::not_permitted;
    if (seals > 0xFFFFFFFFu) return lib::Error::invalid_argument;
    TRY(memory.value()->add_seals(static_cast<uint32_t>(seals)));
    return uint64_t(0);
}

}  // namespace

Result sys_dup(const Arguments& a) {
    return duplicate(a.a0, 0, false);
}
Result sys_dup2(const Arguments& a) {
    if (a.a0 == a.a1) {
        TRY(current_process().files.get(static_cast<int>(a.a0)));
        return a.a1;
    }
    return duplicate_to(a.a0, a.a1, false);
}
Result sys_dup3(const Arguments& a) {
    if (a.a0 == a.a1 || (a.a2 & ~uint64_t(fs::open_close_on_exec)) != 0) return lib::Error::invalid_argument;
    return duplicate_to(a.a0, a.a1, a.a2 & fs::open_close_on_exec);
}

Result sys_fcntl(const Arguments& a) {
    constexpr uint64_t dupfd = 0, getfd = 1, setfd = 2, getfl = 3, setfl = 4, getlk = 5, setlk = 6, setlkw = 7,
                       dupfd_cloexec = 1030, add_seals = 1033, get_seals = 1034;
    sched::Process& process = current_process();
    int descriptor = static_cast<int>(a.a0);
    auto file = TRY(process.files.get(descriptor));
    bool path_only = (file->status_flags & fs::open_path) != 0;
    switch (a.a1) {
        case dupfd:
        case dupfd_cloexec:
            if (a.a2 >= static_cast<uint64_t>(object::FileTable::max_descriptors)) return lib::Error::invalid_argument;
            return duplicate(a.a0, static_cast<int>(a.a2), a.a1 == dupfd_cloexec);
        case getfd:
            return uint64_t(process.files.close_on_exec(descriptor) ? 1 : 0);
        case setfd:
            process.files.set_close_on_exec(descriptor, a.a2 & 1);
            return uint64_t(0);
        case getfl:
            return static_cast<uint64_t>(file->status_flags | fs::open_large_file);
        case setfl: {
            if (path_only) return lib::Error::bad_descriptor;
            constexpr int changeable = fs::open_append | fs::open_nonblock | fs::open_no_atime | fs::open_direct;
            file->status_flags = (file->status_flags & ~changeable) | (static_cast<int>(a.a2) & changeable);
            return uint64_t(0);
        }
        case getlk:
        case setlk:
        case setlkw:
            if (path_only) return lib::Error::bad_descriptor;
            return record_lock(*file, a.a1, a.a2);
        case add_seals:
        case get_seals:
            return seals(*file, a.a1, a.a2);
        default:
            return lib::Error::invalid_argument;
    }
}

Result sys_flock(const Arguments& a) {
    constexpr uint64_t lock_shared = 1, lock_exclusive = 2, lock_nonblocking = 4, lock_unlock = 8;
    auto file = TRY(current_process().files.get(static_cast<int>(a.a0)));
    if (file->status_flags & fs::open_path) return lib::Error::bad_descriptor;
    fs::LockKind kind;
    switch (a.a1 & ~lock_nonblocking) {
        case lock_shared:
            kind = fs::LockKind::shared;
            break;
        case lock_exclusive:
            kind = fs::LockKind::exclusive;
            break;
        case lock_unlock:
            kind = fs::LockKind::unlock;
            break;
        default:
            return lib::Error::invalid_argument;
    }
    if (file->vnode() == nullptr) return lib::Error::invalid_argument;
    TRY(fs::set_flock(*file->vnode(), file.get(), kind, (a.a1 & lock_nonblocking) == 0));
    return uint64_t(0);
}

}  // namespace linux
