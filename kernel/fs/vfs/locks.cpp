#include "fs/vfs/locks.h"

#include "lib/vector.h"
#include "sched/thread.h"

namespace fs {
namespace {

struct Held {
    Vnode* vnode;  // not referenced: locks go before their vnode can (close, exit)
    RecordLock lock;
};
struct Flock {
    Vnode* vnode;
    const void* description;
    LockKind kind;
};

// The tables are global and outlive every process, so each removal gives
// back storage they no longer need (shrink_if_sparse): otherwise a burst of
// locks leaves the kernel heap larger than before for good, which the
// fuzzer's and hostile-syscalls' heap checks rightly report as a leak.
lib::Vector<Held> record_locks;
lib::Vector<Flock> flocks;
sched::WaitQueue lock_waiters;
constexpr int wake_everyone = 1 << 30;

bool overlaps(const RecordLock& a, const RecordLock& b) {
    return a.start < b.end && b.start < a.end;
}

bool conflicts(const RecordLock& held, const RecordLock& wanted) {
    if (held.owner == wanted.owner || !overlaps(held, wanted)) return false;
    return held.kind == LockKind::exclusive || wanted.kind == LockKind::exclusive;
}

// The owner of a lock that blocks owner's wanted range, or 0.
int blocker_of(Vnode& vnode, const RecordLock& wanted) {
    for (const Held& held : record_locks) {
        if (held.vnode == &vnode && conflicts(held.lock, wanted)) return held.lock.owner;
    }
    return 0;
}

// Whether `owner` waiting for `blocker` closes a cycle: blocker itself
// waits (in F_SETLKW) for owner. One level deep, which catches the
// classic two-process deadlock.
struct Waiting {
    int owner;
    Vnode* vnode;
    RecordLock wanted;
};
lib::Vector<Waiting> waiting;

bool would_deadlock(int owner, int blocker) {
    for (const Waiting& w : waiting) {
        if (w.owner != blocker) continue;
        for (const Held& held : record_locks) {
            if (held.vnode == w.vnode && held.lock.owner == owner && conflicts(held.lock, w.wanted)) return true;
        }
    }
    return false;
}

// Removes owner's locks on vnode within range, keeping the parts outside it.
lib::Status cut(Vnode& vnode, const RecordLock& range) {
    for (size_t i = 0; i < record_locks.size();) {
        Held& held = record_locks[i];
        if (held.vnode != &vnode || held.lock.owner != range.owner || !overlaps(held.lock, range)) {
            ++i;
            continue;
        }
        RecordLock old = held.lock;
        if (old.start < range.start && old.end > range.end) {
            // The range splits this lock in two.
            RecordLock tail = old;
            tail.start = range.end;
            TRY(record_locks.try_append(Held{&vnode, tail}));
            record_locks[i].lock.end = range.start;
            ++i;
        } else if (old.start < range.start) {
            held.lock.end = range.start;
            ++i;
        } else if (old.end > range.end) {
            held.lock.start = range.end;
            ++i;
        } else {
            record_locks.remove(i);
        }
    }
    return lib::ok();
}

}  // namespace

RecordLock find_conflicting_lock(Vnode& vnode, const RecordLock& wanted) {
    for (const Held& held : record_locks) {
        if (held.vnode == &vnode && conflicts(held.lock, wanted)) return held.lock;
    }
    return RecordLock{};
}

lib::Status set_record_lock(Vnode& vnode, const RecordLock& wanted, bool wait) {
    if (wanted.kind != LockKind::unlock) {
        for (;;) {
            int blocker = blocker_of(vnode, wanted);
            if (blocker == 0) break;
            if (!wait) return lib::Error::try_again;
            if (would_deadlock(wanted.owner, blocker)) return lib::Error::deadlock;
            if (sched::current_thread_must_exit()) return lib::Error::interrupted;
            TRY(waiting.try_append(Waiting{wanted.owner, &vnode, wanted}));
            (void)sched::block_on(lock_waiters, 0);
            for (size_t i = 0; i < waiting.size(); ++i) {
                if (waiting[i].owner == wanted.owner && waiting[i].vnode == &vnode) {
                    waiting.remove(i);
                    waiting.shrink_if_sparse();
                    break;
                }
            }
        }
    }
    // Make room first so that the change below cannot half-fail.
    TRY(record_locks.try_reserve(record_locks.size() + 2));
    TRY(cut(vnode, wanted));
    if (wanted.kind != LockKind::unlock) TRY(record_locks.try_append(Held{&vnode, wanted}));
    record_locks.shrink_if_sparse();
    (void)sched::wake(lock_waiters, wake_everyone);
    return lib::ok();
}

void release_record_locks(Vnode& vnode, int owner) {
    bool released = false;
    for (size_t i = 0; i < record_locks.size();) {
        if (record_locks[i].vnode == &vnode && record_locks[i].lock.owner == owner) {
            record_locks.remove(i);
            released = true;
        } else {
            ++i;
        }
    }
    if (released) {
        record_locks.shrink_if_sparse();
        (void)sched::wake(lock_waiters, wake_everyone);
    }
}

void release_all_record_locks(int owner) {
    bool released = false;
    for (size_t i = 0; i < record_locks.size();) {
        if (record_locks[i].lock.owner == owner) {
            record_locks.remove(i);
            released = true;
        } else {
            ++i;
        }
    }
    if (released) {
        record_locks.shrink_if_sparse();
        (void)sched::wake(lock_waiters, wake_everyone);
    }
}

lib::Status set_flock(Vnode& vnode, const void* description, LockKind kind, bool wait) {
    // Converting a lock drops the old one first, as Linux does.
    release_flocks(description);
    if (kind == LockKind::unlock) return lib::ok();
    for (;;) {
        bool blocked = false;
        for (const Flock& other : flocks) {
            if (other.vnode == &vnode && (other.kind == LockKind::exclusive || kind == LockKind::exclusive))
                blocked = true;
        }
        if (!blocked) break;
        if (!wait) return lib::Error::try_again;
        if (sched::current_thread_must_exit()) return lib::Error::interrupted;
        (void)sched::block_on(lock_waiters, 0);
    }
    return flocks.try_append(Flock{&vnode, description, kind});
}

void release_flocks(const void* description) {
    bool released = false;
    for (size_t i = 0; i < flocks.size();) {
        if (flocks[i].description == description) {
            flocks.remove(i);
            released = true;
        } else {
            ++i;
        }
    }
    if (released) {
        flocks.shrink_if_sparse();
        (void)sched::wake(lock_waiters, wake_everyone);
    }
}

}  // namespace fs
