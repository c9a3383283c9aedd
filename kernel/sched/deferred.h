// Work an interrupt handler hands to thread context: what must walk
// structures system calls change with interrupts enabled (the process list,
// to signal a terminal's foreground group on ^C). It runs on the next
// return to user mode or in the idle loop, whichever comes first.
#pragma once

namespace sched {

struct DeferredWork {
    void (*run)() = nullptr;
    bool pending = false;
};

// From an interrupt handler (interrupts off): run work soon, once.
void defer(DeferredWork& work);
// Thread context, interrupts in any state: runs what is pending.
void run_deferred_work();

}  // namespace sched
