#include "sched/process.h"

#include "arch/x86_64/power.h"
#include "console/log.h"
#include "lib/allocator.h"
#include "mm/address_space.h"
#include "mm/kernel_heap.h"
#include "mm/physical.h"
#include "sched/clock.h"
#include "sched/process_exit.h"
#include "sched/thread.h"

namespace sched {
namespace {

int next_pid = 1;
// Init's fate, reported by the idle loop once its thread is reaped, so the
// frame count it prints includes the thread's own stack.
bool init_exited = false;
int init_status = 0;
bool first_user_entry_seen = false;
uint64_t frames_before_init = 0;

void tear_down(Process* process) {
    process->files.close_all();
    lib::destroy(process->space);
    process->space = nullptr;
}

}  // namespace

lib::ErrorOr<Process*> create_process(int parent_pid) {
    if (next_pid == 1) frames_before_init = mm::free_frame_count();
    Process* process = lib::make<Process>();
    if (process == nullptr) return lib::Error::no_memory;
    auto space = mm::AddressSpace::create();
    if (space.is_error()) {
        lib::destroy(process);
        return space.error();
    }
    process->space = space.value();
    process->pid = next_pid++;
    process->parent_pid = parent_pid;
    return process;
}

void exit_process(int status) {
    Thread* thread = current_thread();
    Process* process = thread->process;
    process->exiting = true;
    process->exit_status = status;
    if (process->pid == 1) {
        init_exited = true;
        init_status = status;
    }
    tear_down(process);
    // Other processes do not exist yet (no fork); init's struct goes here.
    lib::destroy(process);
    thread->process = nullptr;
    exit_current_thread();
}

void kill_current_process_by_signal(int signal) {
    console::log("process %d killed by signal %d\n", current_thread()->process->pid, signal);
    // The shell's convention for a death by signal.
    exit_process(128 + signal);
}

void finish_init_if_exited() {
    if (!init_exited) return;
    console::log("init exited with status %d\n", init_status);
    console::log("mm: %lu frames free before init, %lu after (heap %lu bytes in use)\n", frames_before_init,
                 mm::free_frame_count(), mm::kernel_heap_bytes_allocated());
    arch::exit_qemu(arch::saturated_exit_status(static_cast<unsigned long>(init_status)));
}

void note_first_user_entry() {
    if (first_user_entry_seen) return;
    first_user_entry_seen = true;
    uint64_t us = microseconds_since_kernel_entry();
    console::log("boot: %lu.%03lu ms from kernel entry to the first user instruction\n", us / 1000, us % 1000);
}

}  // namespace sched
