#include "sched/deferred.h"

#include "arch/x86_64/cpu.h"

namespace sched {
namespace {

// Few producers (the console); a fixed table keeps interrupts allocation-free.
constexpr int capacity = 8;
DeferredWork* queued[capacity];
int queued_count = 0;

using arch::InterruptsOff;

}  // namespace

void defer(DeferredWork& work) {
    if (work.pending || queued_count == capacity) return;
    work.pending = true;
    queued[queued_count++] = &work;
}

void run_deferred_work() {
    for (;;) {
        DeferredWork* work;
        {
            InterruptsOff off;
            if (queued_count == 0) return;
            work = queued[--queued_count];
            work->pending = false;
        }
        work->run();
    }
}

}  // namespace sched
