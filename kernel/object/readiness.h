// Per-object readiness: every File owns a ReadinessQueue of the waiters
// interested in it (a poll call, an epoll item). When an object's readiness
// changes it calls notify with the events that changed, which runs exactly
// the callbacks of that object's waiters whose interest overlaps them.
// Nothing is re-checked globally: a waiter looks at its own files again.
//
// Single CPU, kernel not preempted: adding, removing and notifying happen in
// system calls with no other thread in between. A notify from an interrupt
// handler (a future COM1 receive interrupt) must keep interrupts off while
// it walks the list, which notify does.
#pragma once
#include <stdint.h>

#include "lib/list.h"
#include "sched/thread.h"

namespace object {

// Set in the events of the last notify a file gives, from its destructor:
// waiters that outlive a single call (epoll items) drop the file then.
constexpr uint32_t readiness_file_closing = 1u << 31;

struct ReadinessWaiter {
    using Callback = void (*)(ReadinessWaiter& waiter, uint32_t events);

    lib::ListNode node;
    uint32_t interest = 0;  // events that run the callback (closing always does)
    Callback changed = nullptr;
    bool linked() const { return node.linked(); }
};

class ReadinessQueue {
public:
    ReadinessQueue() = default;
    ReadinessQueue(const ReadinessQueue&) = delete;
    ReadinessQueue& operator=(const ReadinessQueue&) = delete;
    // Tells every remaining waiter that the file is going away.
    ~ReadinessQueue() { notify(readiness_file_closing); }

    void add(ReadinessWaiter& waiter);
    static void remove(ReadinessWaiter& waiter);
    // Runs the callback of each waiter interested in events. A callback may
    // remove its own waiter (and only its own).
    void notify(uint32_t events);
    bool empty() const { return waiters_.empty(); }

private:
    lib::List<ReadinessWaiter, &ReadinessWaiter::node> waiters_;
};

// One thread waiting on several files (poll, select, epoll_wait): each
// registered waiter wakes the thread. Usage: register, look at the files,
// then block unless something was notified in between.
class ReadinessSleeper {
public:
    // Wakes the sleeper, whichever of its waiters (or a wait queue) it was.
    void wake();
    // Blocks until wake() or the monotonic deadline_ns (0: none); returns
    // at once when woken since the last block. Returns false on timeout.
    bool block(uint64_t deadline_ns);
    // Makes waiter's callback wake this sleeper.
    void prepare(struct SleeperWaiter& waiter, uint32_t interest);

private:
    sched::WaitQueue queue_;
    bool woken_ = false;
};

// A ReadinessWaiter that wakes a ReadinessSleeper: poll's per-file entry.
struct SleeperWaiter : ReadinessWaiter {
    ReadinessSleeper* sleeper = nullptr;
};

// Readiness that changes without a notify (the console's input is polled,
// a timer's expiry is a point in time) is re-checked at the earliest
// File::readiness_deadline of the waited files.
constexpr uint64_t readiness_recheck_ns = 2'000'000;

}  // namespace object
