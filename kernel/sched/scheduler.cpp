#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "console/panic.h"
#include "lib/allocator.h"
#include "lib/string.h"
#include "mm/address_space.h"
#include "mm/layout.h"
#include "mm/paging.h"
#include "mm/physical.h"
#include "sched/clock.h"
#include "sched/deferred.h"
#include "sched/per_cpu.h"
#include "sched/process.h"
#include "sched/thread.h"

extern "C" void switch_context(uint64_t* save_rsp, uint64_t new_rsp);
extern "C" void thread_start();

namespace sched {
namespace {

constexpr uint64_t kernel_stack_frames = 4;  // 16 KiB

PerCpu cpu;
Thread idle_thread;
// Single CPU for now: the queues are only touched with interrupts
// disabled. A second CPU will need a lock here that the next thread
// releases after the switch.
lib::List<Thread, &Thread::run_node> run_queue;
lib::List<Thread, &Thread::sleep_node> sleepers;
Thread* dead_thread = nullptr;

using arch::InterruptsOff;

void free_thread(Thread* thread) {
    mm::free_contiguous_frames(thread->kernel_stack, kernel_stack_frames);
    lib::destroy(thread);
}

void reap_dead_thread() {
    if (dead_thread != nullptr && dead_thread != cpu.current) {
        Thread* thread = dead_thread;
        dead_thread = nullptr;
        free_thread(thread);
    }
}

// Interrupts are disabled.
void switch_to(Thread* next) {
    Thread* previous = cpu.current;
    if (previous == next) return;
    asm volatile("fxsave %0" : "=m"(*reinterpret_cast<uint8_t(*)[512]>(previous->fpu_state)));
    previous->fs_base = arch::read_msr(arch::msr_fs_base);
    previous->gs_base = arch::read_msr(arch::msr_kernel_gs_base);
    cpu.current = next;
    cpu.kernel_stack_top = next->kernel_stack_top;
    arch::set_kernel_stack(next->kernel_stack_top);
    if (next->process != nullptr && next->process->space != nullptr) next->process->space->activate();
    asm volatile("fxrstor %0" : : "m"(*reinterpret_cast<uint8_t(*)[512]>(next->fpu_state)));
    arch::write_msr(arch::msr_fs_base, next->fs_base);
    arch::write_msr(arch::msr_kernel_gs_base, next->gs_base);
    switch_context(&previous->saved_rsp, next->saved_rsp);
    reap_dead_thread();
}

Thread* pick_next() {
    Thread* next = run_queue.pop_front();
    return next != nullptr ? next : cpu.idle;
}

void wake_thread(Thread* thread, WakeReason reason) {
    lib::List<Thread, &Thread::run_node>::remove(*thread);
    lib::List<Thread, &Thread::sleep_node>::remove(*thread);
    thread->wake_reason = reason;
    thread->interruptible = false;
    thread->state = ThreadState::runnable;
    run_queue.push_back(*thread);
}

}  // namespace

PerCpu& this_cpu() {
    return cpu;
}

void init_per_cpu() {
    arch::write_msr(arch::msr_gs_base, reinterpret_cast<uint64_t>(&cpu));
    arch::write_msr(arch::msr_kernel_gs_base, 0);
}

void init_scheduler() {
    init_per_cpu();
    // The boot stack becomes the idle thread's.
    idle_thread.tid = 0;
    idle_thread.state = ThreadState::runnable;
    cpu.current = &idle_thread;
    cpu.idle = &idle_thread;
    asm volatile("fxsave %0" : "=m"(*reinterpret_cast<uint8_t(*)[512]>(idle_thread.fpu_state)));
}

Thread* current_thread() {
    return cpu.current;
}

mm::AddressSpace* current_address_space() {
    Thread* thread = cpu.current;
    return thread != nullptr && thread->process != nullptr ? thread->process->space : nullptr;
}

namespace {

// A thread whose first switch lands in thread_start with a TrapFrame at
// the top of its stack for the caller to fill.
lib::ErrorOr<Thread*> allocate_user_thread(Process* process) {
    Thread* thread = lib::make<Thread>();
    if (thread == nullptr) return lib::Error::no_memory;
    auto stack = mm::allocate_contiguous_frames(kernel_stack_frames);
    if (stack.is_error()) {
        lib::destroy(thread);
        return stack.error();
    }
    thread->kernel_stack = stack.value();
    thread->kernel_stack_top =
        reinterpret_cast<uint64_t>(mm::physical_to_virtual(stack.value())) + kernel_stack_frames * mm::page_size;
    thread->process = process;
    thread->tid = process->thread_count == 0 ? process->pid : allocate_id();
    ++process->thread_count;
    process->threads.push_back(*thread);
    // Below the TrapFrame, what switch_context pops: six callee-saved
    // registers and the return address thread_start.
    auto* switch_frame = reinterpret_cast<uint64_t*>(thread->user_frame()) - 7;
    for (int i = 0; i < 6; ++i) switch_frame[i] = 0;
    switch_frame[6] = reinterpret_cast<uint64_t>(thread_start);
    thread->saved_rsp = reinterpret_cast<uint64_t>(switch_frame);
    return thread;
}

}  // namespace

lib::ErrorOr<Thread*> create_user_thread(Process* process, uint64_t rip, uint64_t rsp) {
    Thread* thread = TRY(allocate_user_thread(process));
    // The first user registers, entered through trap_return.
    arch::TrapFrame* frame = thread->user_frame();
    lib::fill_bytes(frame, 0, sizeof *frame);
    frame->rip = rip;
    frame->rsp = rsp;
    frame->cs = arch::user_code_selector;
    frame->ss = arch::user_data_selector;
    frame->rflags = 0x202;  // IF
    // The initial FPU state: x87 control word 0x37F, SSE MXCSR 0x1F80 (all
    // exceptions masked), as Linux starts a program.
    lib::fill_bytes(thread->fpu_state, 0, sizeof thread->fpu_state);
    thread->fpu_state[0] = 0x7F;
    thread->fpu_state[1] = 0x03;
    uint32_t mxcsr = 0x1F80;
    lib::copy_bytes(thread->fpu_state + 24, &mxcsr, 4);
    return thread;
}

lib::ErrorOr<Thread*> fork_user_thread(Process* process, const arch::TrapFrame& frame) {
    Thread* thread = TRY(allocate_user_thread(process));
    lib::copy_bytes(thread->user_frame(), &frame, sizeof frame);
    // The kernel never touches the FPU (-mgeneral-regs-only), so the
    // registers still hold the caller's user state; the bases are live in
    // their MSRs (the user's GS base in KERNEL_GS_BASE while in the kernel).
    asm volatile("fxsave %0" : "=m"(*reinterpret_cast<uint8_t(*)[512]>(thread->fpu_state)));
    thread->fs_base = arch::read_msr(arch::msr_fs_base);
    thread->gs_base = arch::read_msr(arch::msr_kernel_gs_base);
    return thread;
}

void make_runnable(Thread* thread) {
    InterruptsOff off;
    thread->state = ThreadState::runnable;
    run_queue.push_back(*thread);
}

void yield() {
    InterruptsOff off;
    Thread* current = cpu.current;
    if (current != cpu.idle && current->state == ThreadState::runnable) run_queue.push_back(*current);
    switch_to(pick_next());
}

namespace {

WakeReason block(WaitQueue& queue, uint64_t deadline_ns, bool interruptible) {
    Thread* current = cpu.current;
    current->state = ThreadState::blocked;
    current->wake_reason = WakeReason::woken;
    current->interruptible = interruptible;
    queue.push_back(*current);
    if (deadline_ns != 0) {
        current->wake_at_ns = deadline_ns;
        sleepers.push_back(*current);
    }
    switch_to(pick_next());
    return current->wake_reason;
}

}  // namespace

bool block_on(WaitQueue& queue, uint64_t deadline_ns) {
    InterruptsOff off;
    // Checked with interrupts off: a signal sent after this finds the
    // thread blocked, and interrupt_thread wakes it.
    if (current_thread_must_exit()) return true;
    return block(queue, deadline_ns, true) != WakeReason::timed_out;
}

void block_uninterruptibly(WaitQueue& queue) {
    InterruptsOff off;
    (void)block(queue, 0, false);
}

void interrupt_thread(Thread& thread, bool force) {
    InterruptsOff off;
    if (thread.state != ThreadState::blocked || (!thread.interruptible && !force)) return;
    wake_thread(&thread, WakeReason::interrupted);
}

bool current_thread_must_exit() {
    Thread* current = cpu.current;
    if (current->process == nullptr) return false;
    return current->exit_requested || current_thread_has_pending_signal();
}

int wake(WaitQueue& queue, int count) {
    InterruptsOff off;
    int woken = 0;
    while (woken < count) {
        Thread* thread = queue.front();
        if (thread == nullptr) break;
        wake_thread(thread, WakeReason::woken);
        ++woken;
    }
    return woken;
}

lib::Status sleep_until(uint64_t deadline_ns) {
    WaitQueue nobody;
    while (monotonic_ns() < deadline_ns) {
        if (current_thread_must_exit()) return lib::Error::interrupted;
        (void)block_on(nobody, deadline_ns);
    }
    return lib::ok();
}

void on_timer_tick(arch::TrapFrame& frame) {
    uint64_t now = monotonic_ns();
    sleepers.for_each([&](Thread& thread) {
        if (thread.wake_at_ns <= now) wake_thread(&thread, WakeReason::timed_out);
    });
    fire_alarms(now);
    // Preempt only user code: kernel paths are short and not preemptible yet.
    if (frame.from_user() && !run_queue.empty()) yield();
}

void exit_current_thread() {
    arch::disable_interrupts();
    Thread* current = cpu.current;
    current->state = ThreadState::dead;
    KERNEL_ASSERT(dead_thread == nullptr);
    dead_thread = current;
    switch_to(pick_next());
    console::panic("a dead thread ran again");
}

void run() {
    for (;;) {
        arch::disable_interrupts();
        reap_dead_thread();
        finish_init_if_exited();
        // Interrupt handlers' leftovers (^C's signal) may make threads runnable.
        run_deferred_work();
        if (!run_queue.empty()) {
            switch_to(pick_next());
            continue;
        }
        // Nothing to run: the kernel's own page tables, and halt until an
        // interrupt (sti; hlt cannot lose a wakeup in between).
        if (arch::read_cr3() != mm::kernel_pml4_physical()) arch::write_cr3(mm::kernel_pml4_physical());
        arch::wait_for_interrupt();
    }
}

}  // namespace sched

namespace sched {
void thread_started() {
    reap_dead_thread();
    note_first_user_entry();
    // Killed before it ever ran, or a signal came between fork and now.
    before_user_return(*cpu.current->user_frame());
}
}  // namespace sched

// A new thread's first code (context_switch.S), before trap_return.
extern "C" void thread_started() {
    sched::thread_started();
}
