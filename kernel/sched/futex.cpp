#include "sched/futex.h"

#include "lib/list.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "mm/user_copy.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace sched {
namespace {

// A blocked waiter, on its thread's kernel stack for as long as it waits.
struct Waiter {
    FutexKey key;
    uint32_t bitset;
    WaitQueue queue;  // just this thread
    lib::ListNode node;
};

// One list for every waiter: futex waits are few at a time here, and a
// hash table of buckets is a drop-in change when they are not.
lib::List<Waiter, &Waiter::node> waiters;

void wake_waiter(Waiter& waiter) {
    lib::List<Waiter, &Waiter::node>::remove(waiter);
    (void)wake(waiter.queue, 1);
}

}  // namespace

namespace {

constexpr uint32_t futex_waiters = 0x80000000, futex_owner_died = 0x40000000, futex_tid_mask = 0x3FFFFFFF;
constexpr int robust_list_limit = 2048;  // Linux's ROBUST_LIST_LIMIT: a looped list ends

// Linux's handle_futex_death for the word at address.
void owner_died(uint64_t address, int tid) {
    uint32_t word;
    if (address % 4 != 0 || mm::copy_value_from_user(word, address).is_error()) return;
    if ((word & futex_tid_mask) != static_cast<uint32_t>(tid)) return;
    uint32_t fresh = (word & futex_waiters) | futex_owner_died;
    if (mm::copy_value_to_user(address, fresh).is_error()) return;
    if (word & futex_waiters) {
        auto key = futex_key(address, false);
        if (!key.is_error()) (void)futex_wake(key.value(), 1, futex_bitset_match_any);
    }
}

}  // namespace

void release_robust_futexes(Thread& thread) {
    // struct robust_list_head: list (next pointer), futex_offset, list_op_pending.
    struct {
        uint64_t next;
        int64_t futex_offset;
        uint64_t pending;
    } head;
    uint64_t head_address = thread.robust_list;
    if (head_address == 0 || mm::copy_from_user(&head, head_address, sizeof head).is_error()) return;
    // Entries' low bit marks PI futexes; the address is the rest.
    uint64_t entry = head.next;
    for (int count = 0; entry != head_address && count < robust_list_limit; ++count) {
        uint64_t next;
        if (mm::copy_value_from_user(next, entry & ~uint64_t(1)).is_error()) return;
        if (entry != head.pending) owner_died((entry & ~uint64_t(1)) + head.futex_offset, thread.tid);
        entry = next;
    }
    if (head.pending != 0) owner_died((head.pending & ~uint64_t(1)) + head.futex_offset, thread.tid);
}

lib::ErrorOr<FutexKey> futex_key(uint64_t address, bool private_only) {
    if (address % 4 != 0) return lib::Error::invalid_argument;
    if (!mm::is_user_range(address, 4)) return lib::Error::bad_address;
    mm::AddressSpace* space = current_address_space();
    if (space == nullptr) return lib::Error::bad_address;
    if (!private_only) {
        auto frame = space->shared_frame(address);
        if (frame.is_error()) return frame.error();
        if (frame.value() != 0) return FutexKey{nullptr, frame.value() + address % mm::page_size};
    }
    return FutexKey{space, address};
}

lib::Status futex_wait(const FutexKey& key, uint32_t bitset, uint64_t deadline_ns) {
    Thread* thread = current_thread();
    if (current_thread_must_exit()) return lib::Error::interrupted;
    Waiter self{key, bitset, {}, {}};
    waiters.push_back(self);
    bool woken = block_on(self.queue, deadline_ns);
    // A wake unlinks the waiter; a timeout or an interruption does not.
    bool was_queued = self.node.linked();
    lib::List<Waiter, &Waiter::node>::remove(self);
    if (!was_queued) return lib::ok();
    if (thread->exit_requested) return lib::Error::interrupted;
    if (!woken) return lib::Error::timed_out;
    return lib::Error::interrupted;
}

int futex_wake(const FutexKey& key, int count, uint32_t bitset) {
    int woken = 0;
    waiters.for_each([&](Waiter& waiter) {
        if (woken >= count || !(waiter.key == key) || (waiter.bitset & bitset) == 0) return;
        wake_waiter(waiter);
        ++woken;
    });
    return woken;
}

int futex_requeue(const FutexKey& from, const FutexKey& to, int wake_count, int requeue_count) {
    int woken = 0, moved = 0;
    waiters.for_each([&](Waiter& waiter) {
        if (!(waiter.key == from)) return;
        if (woken < wake_count) {
            wake_waiter(waiter);
            ++woken;
        } else if (moved < requeue_count) {
            waiter.key = to;
            ++moved;
        }
    });
    return woken + moved;
}

}  // namespace sched
