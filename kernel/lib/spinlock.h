// Interrupt-saving spinlocks, SMP-safe from day one, and the wrapper that
// makes the protected data reachable only while the lock is held
// (SerenityOS's SpinlockProtected): `frames.with([&](FrameAllocator& a) {...})`.
//
// Every lock has a rank; a lock may only be taken while every lock already
// held has a lower rank. With TESSERA_LOCK_CHECKS (debug builds and the unit
// tests) a violation calls the lock-order hook, which panics in the kernel.
// FIXME: the held-rank set is global, which is right for one CPU only.
#pragma once
#include <stdint.h>

#include "lib/utility.h"

namespace lib {

// Outer locks first: the heap grows by taking frames.
enum class LockRank : uint8_t {
    heap = 1,
    physical_memory = 2,
    terminal = 9,  // tty/terminal.cpp: a terminal's discipline; signals are sent after it is released
    signals = 10,  // sched/signal.cpp: taken by system calls and interrupts, never around an allocation
    test_outer = 30,
    test_inner = 31,
};

using LockOrderHook = void (*)(LockRank taken, uint32_t held_mask);
void set_lock_order_hook(LockOrderHook hook);
void check_lock_order(LockRank rank);
void note_lock_released(LockRank rank);

class Spinlock {
public:
    explicit Spinlock(LockRank rank) : rank_(rank) {}

    // Returns the interrupt flag to restore in unlock.
    uint64_t lock() {
        uint64_t flags = save_and_disable_interrupts();
#ifdef TESSERA_LOCK_CHECKS
        check_lock_order(rank_);
#endif
        while (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE)) {
            while (__atomic_load_n(&locked_, __ATOMIC_RELAXED)) __builtin_ia32_pause();
        }
        return flags;
    }
    void unlock(uint64_t flags) {
        __atomic_store_n(&locked_, false, __ATOMIC_RELEASE);
#ifdef TESSERA_LOCK_CHECKS
        note_lock_released(rank_);
#endif
        restore_interrupts(flags);
    }
    bool is_locked() const {
        return __atomic_load_n(&locked_, __ATOMIC_RELAXED);
    }

private:
    static uint64_t save_and_disable_interrupts() {
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 1
        return 0;  // host unit tests run in user mode
#else
        uint64_t flags;
        asm volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
        return flags;
#endif
    }
    static void restore_interrupts(uint64_t flags) {
#if defined(__STDC_HOSTED__) && __STDC_HOSTED__ == 1
        (void)flags;
#else
        if (flags & (1u << 9)) asm volatile("sti" : : : "memory");
#endif
    }

    bool locked_ = false;
    LockRank rank_;
};

template <typename T>
class SpinlockProtected {
public:
    template <typename... Args>
    explicit SpinlockProtected(LockRank rank, Args&&... arguments) : lock_(rank), value_(forward<Args>(arguments)...) {}

    template <typename F>
    auto with(F&& function) -> decltype(function(*static_cast<T*>(nullptr))) {
        uint64_t flags = lock_.lock();
        struct Unlock {
            Spinlock& lock;
            uint64_t flags;
            ~Unlock() { lock.unlock(flags); }
        } unlock{lock_, flags};
        return function(value_);
    }

private:
    Spinlock lock_;
    T value_;
};

}  // namespace lib
