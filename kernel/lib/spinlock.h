// Interrupt-saving spinlocks, SMP-safe from day one, and the wrapper that
// makes the protected data reachable only while the lock is held
// (SerenityOS's SpinlockProtected): `frames.with([&](FrameAllocator& a) {...})`.
#pragma once
#include <stdint.h>

#include "lib/utility.h"

namespace lib {

class Spinlock {
public:
    // Returns the interrupt flag to restore in unlock.
    uint64_t lock() {
        uint64_t flags = save_and_disable_interrupts();
        while (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE)) {
            while (__atomic_load_n(&locked_, __ATOMIC_RELAXED)) __builtin_ia32_pause();
        }
        return flags;
    }
    void unlock(uint64_t flags) {
        __atomic_store_n(&locked_, false, __ATOMIC_RELEASE);
        restore_interrupts(flags);
    }
    bool is_locked() const { return __atomic_load_n(&locked_, __ATOMIC_RELAXED); }

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
};

template <typename T> class SpinlockProtected {
public:
    template <typename... Args> explicit SpinlockProtected(Args&&... arguments) : value_(forward<Args>(arguments)...) {}

    template <typename F> auto with(F&& function) -> decltype(function(*static_cast<T*>(nullptr))) {
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
