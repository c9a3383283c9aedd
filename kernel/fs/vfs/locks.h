// Advisory file locks. POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK)
// belong to a process and cover byte ranges; all of a process's locks on a
// file go when it closes any descriptor of that file, or exits. flock(2)
// locks belong to an open file description (the File) and go with it.
//
// One CPU and a kernel that is not preempted: the tables need no lock.
// Waiters (F_SETLKW, flock without LOCK_NB) sleep on one queue and retry
// after any unlock; a signal ends the wait (interrupted: EINTR).
#pragma once
#include <stdint.h>

#include "fs/vfs/vnode.h"

namespace fs {

enum class LockKind { shared, exclusive, unlock };

struct RecordLock {
    LockKind kind = LockKind::unlock;
    uint64_t start = 0;
    uint64_t end = 0;  // exclusive; UINT64_MAX: to the end of the file, however it grows
    int owner = 0;     // pid
};

// The first lock of another owner that conflicts with wanted (F_GETLK);
// kind unlock when there is none.
RecordLock find_conflicting_lock(Vnode& vnode, const RecordLock& wanted);
// Sets (or with kind unlock, clears) owner's lock on the range, splitting
// its existing ones. try_again when another owner conflicts and wait is
// false; deadlock when waiting would wait for ourselves (EDEADLK);
// interrupted when a signal ends the wait.
lib::Status set_record_lock(Vnode& vnode, const RecordLock& wanted, bool wait);
void release_record_locks(Vnode& vnode, int owner);
void release_all_record_locks(int owner);

// flock: one lock per open file description.
lib::Status set_flock(Vnode& vnode, const void* description, LockKind kind, bool wait);
void release_flocks(const void* description);

}  // namespace fs
