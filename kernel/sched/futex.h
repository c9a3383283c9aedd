// Futexes: threads waiting on a 32-bit word in user memory. The kernel
// keeps no state per word, only the waiters, each filed under a key:
// (address space, address) for private memory, and (frame, offset) for
// memory other processes may map too (MAP_SHARED), so two processes
// mapping the same page agree. On one CPU with a kernel that is not
// preempted, reading the word and queueing the waiter cannot be separated
// by a wake.
#pragma once
#include <stdint.h>

#include "lib/error.h"

namespace sched {

struct FutexKey {
    const void* space = nullptr;  // null: a shared page, keyed by its frame
    uint64_t address = 0;         // user address, or physical address when shared
    bool operator==(const FutexKey&) const = default;
};

constexpr uint32_t futex_bitset_match_any = 0xFFFFFFFF;

// The key for the word at user address in the current address space;
// private_only (FUTEX_PRIVATE_FLAG) skips the shared lookup. Fails with
// invalid_argument when misaligned and bad_address outside user memory.
lib::ErrorOr<FutexKey> futex_key(uint64_t address, bool private_only);

// Blocks the current thread under key until woken with a bitset that
// intersects bitset, deadline_ns (monotonic; 0: none) passes (timed_out),
// or the thread must exit (interrupted).
lib::Status futex_wait(const FutexKey& key, uint32_t bitset, uint64_t deadline_ns);
// Wakes at most count waiters under key whose bitset intersects bitset.
int futex_wake(const FutexKey& key, int count, uint32_t bitset);
// Wakes at most wake_count waiters under from and moves at most
// requeue_count of the rest to to; the number woken plus moved.
int futex_requeue(const FutexKey& from, const FutexKey& to, int wake_count, int requeue_count);

struct Thread;
// A dying thread's robust futexes (set_robust_list, in the current address
// space): each lock word it still owns gets FUTEX_OWNER_DIED, and a waiter
// is woken, so robust mutexes of other threads and processes do not hang.
void release_robust_futexes(Thread& thread);

}  // namespace sched
