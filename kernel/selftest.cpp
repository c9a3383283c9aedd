#include "selftest.h"

#include "arch/x86_64/power.h"
#include "console/log.h"
#include "lib/allocator.h"
#include "lib/string.h"
#include "mm/address_space.h"
#include "mm/physical.h"
#include "sched/clock.h"

extern volatile uint64_t timer_ticks;

namespace {

// Not inlined, so the backtrace shows it by name.
[[gnu::noinline]] void crash_with_page_fault() {
    auto* unmapped = reinterpret_cast<volatile uint64_t*>(0xFFFFA00000000010ull);
    console::log("selftest: reading unmapped kernel address %p\n", unmapped);
    (void)*unmapped;
}

[[gnu::noinline]] void crash_with_double_fault() {
    console::log("selftest: faulting with an unmapped stack\n");
    // The page fault cannot be delivered on this stack, which makes it a
    // double fault; only an IST stack lets the handler run.
    asm volatile("movq $0xFFFFA00000001000, %%rsp; pushq $0" : : : "memory");
}

// Returns a failure description, or nullptr.
const char* check_copy_on_write() {
    constexpr uint64_t base = 0x10000000, pages = 2, size = pages * 4096;
    uint64_t frames_at_start = mm::free_frame_count();
    auto created = mm::AddressSpace::create();
    if (created.is_error()) return "no memory for the parent";
    mm::AddressSpace* parent = created.value();
    const char* failure = nullptr;
    char buffer[8];
    auto expect = [&](mm::AddressSpace* space, uint64_t address, const char* text, const char* what) {
        if (failure) return;
        if (space->read(address, buffer, 8).is_error() || lib::compare_bytes(buffer, text, 8) != 0) failure = what;
    };
    if (parent->add_region(base, base + size, mm::protection_read | mm::protection_write).is_error() ||
        parent->write(base, "parent1", 8).is_error() || parent->write(base + 4096, "parent2", 8).is_error()) {
        lib::destroy(parent);
        return "cannot set up the parent";
    }
    uint64_t frames_before_clone = mm::free_frame_count();
    auto cloned = parent->clone_copy_on_write();
    if (cloned.is_error()) {
        lib::destroy(parent);
        return "clone failed";
    }
    mm::AddressSpace* child = cloned.value();
    expect(child, base, "parent1", "the child does not see the parent's page");
    // Only page tables are new: the data frames are shared.
    if (!failure && frames_before_clone - mm::free_frame_count() > 4) failure = "the clone copied data pages";
    if (!failure && child->write(base, "child01", 8).is_error()) failure = "the child cannot write its page";
    expect(child, base, "child01", "the child's write was lost");
    expect(parent, base, "parent1", "the child's write reached the parent");
    if (!failure && parent->write(base + 4096, "parent3", 8).is_error()) failure = "the parent cannot write";
    expect(child, base + 4096, "parent2", "the parent's write reached the child");
    expect(parent, base + 4096, "parent3", "the parent's write was lost");
    // The child is now the page's only user: it takes the page over without a copy.
    uint64_t frames_before_takeover = mm::free_frame_count();
    if (!failure && child->write(base + 4096, "child02", 8).is_error()) failure = "the child cannot take over";
    if (!failure && mm::free_frame_count() != frames_before_takeover) failure = "the last sharer got a copy";
    lib::destroy(child);
    expect(parent, base, "parent1", "destroying the child changed the parent");
    lib::destroy(parent);
    if (!failure && mm::free_frame_count() != frames_at_start) failure = "frames leaked";
    return failure;
}

}  // namespace

void run_requested_self_tests(const boot::CommandLine& command_line) {
    boot::StringView crash;
    if (command_line.find("crash", crash)) {
        if (crash.equals("page-fault")) crash_with_page_fault();
        if (crash.equals("double-fault")) crash_with_double_fault();
        console::log("selftest: unknown crash= kind\n");
        arch::exit_qemu(1);
    }
    boot::StringView selftest;
    if (command_line.find("selftest", selftest) && selftest.equals("timer")) {
        // 200 ms with interrupts on: at 1 kHz, about 200 ticks.
        uint64_t start_ticks = timer_ticks, deadline = sched::monotonic_ns() + 200000000;
        while (sched::monotonic_ns() < deadline) asm volatile("sti; hlt; cli");
        uint64_t ticks = timer_ticks - start_ticks;
        bool ok = ticks >= 100 && ticks <= 400;
        console::log("selftest timer: %s, %lu ticks in 200 ms\n", ok ? "ok" : "FAILED", ticks);
        arch::exit_qemu(ok ? 0 : 1);
    }
    if (command_line.find("selftest", selftest)) {
        if (!selftest.equals("cow")) {
            console::log("selftest: unknown selftest= kind\n");
            arch::exit_qemu(1);
        }
        const char* failure = check_copy_on_write();
        if (failure)
            console::log("selftest cow: FAILED: %s\n", failure);
        else
            console::log("selftest cow: ok, %lu frames free\n", mm::free_frame_count());
        arch::exit_qemu(failure ? 1 : 0);
    }
}
