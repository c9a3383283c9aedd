#include "object/readiness.h"

#include "arch/x86_64/cpu.h"

namespace object {
namespace {

// Keeps interrupts off over a walk of a queue, restoring what was before.
using arch::InterruptsOff;

void wake_sleeper(ReadinessWaiter& waiter, uint32_t) {
    static_cast<SleeperWaiter&>(waiter).sleeper->wake();
}

}  // namespace

void ReadinessQueue::add(ReadinessWaiter& waiter) {
    InterruptsOff off;
    waiters_.push_back(waiter);
}

void ReadinessQueue::remove(ReadinessWaiter& waiter) {
    InterruptsOff off;
    lib::List<ReadinessWaiter, &ReadinessWaiter::node>::remove(waiter);
}

void ReadinessQueue::notify(uint32_t events) {
    InterruptsOff off;
    waiters_.for_each([&](ReadinessWaiter& waiter) {
        if ((waiter.interest & events) != 0 || (events & readiness_file_closing) != 0) waiter.changed(waiter, events);
    });
}

void ReadinessSleeper::wake() {
    woken_ = true;
    (void)sched::wake(queue_, 1);
}

bool ReadinessSleeper::block(uint64_t deadline_ns) {
    bool in_time = true;
    {
        // A wake from an interrupt between the check and block_on would
        // otherwise be lost.
        InterruptsOff off;
        if (!woken_) in_time = sched::block_on(queue_, deadline_ns);
        woken_ = false;
    }
    return in_time;
}

void ReadinessSleeper::prepare(SleeperWaiter& waiter, uint32_t interest) {
    waiter.sleeper = this;
    waiter.interest = interest;
    waiter.changed = wake_sleeper;
}

}  // namespace object
