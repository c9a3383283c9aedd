// futex(2): every operation glibc's pthreads use, with success and error
// cases, a lock stress test and shared futexes between processes.
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "posix_test.h"

namespace {

long futex(void* address, int operation, uint32_t value, const timespec* timeout = nullptr,
           void* address2 = nullptr, uint32_t value3 = 0) {
    return syscall(SYS_futex, address, operation, value, timeout, address2, value3);
}
// The requeue and wake-op forms pass val2 where the timeout goes.
long futex2(void* address, int operation, uint32_t value, uint32_t value2, void* address2, uint32_t value3) {
    return syscall(SYS_futex, address, operation, value, static_cast<uintptr_t>(value2), address2, value3);
}

uint64_t now_ns(clockid_t clock = CLOCK_MONOTONIC) {
    timespec t;
    clock_gettime(clock, &t);
    return static_cast<uint64_t>(t.tv_sec) * 1000000000 + static_cast<uint64_t>(t.tv_nsec);
}

timespec in_ns(uint64_t ns, clockid_t clock) {
    uint64_t at = now_ns(clock) + ns;
    return timespec{static_cast<time_t>(at / 1000000000), static_cast<long>(at % 1000000000)};
}

long futex2(void* address, int operation, uint32_t value, uint32_t value2, void* address2, uint32_t value3);

// How many threads wait on word: requeueing them onto the same word moves
// nothing but counts them.
long waiters_on(void* word) {
    return futex2(word, FUTEX_REQUEUE_PRIVATE, 0, INT_MAX, word, 0);
}

// Waits (up to 10 s) until n threads wait on word, so a wake finds them.
void wait_for_waiters(void* word, long n) {
    for (int i = 0; i < 10000 && waiters_on(word) < n; ++i) usleep(1000);
    if (waiters_on(word) < n) posix::fail(__FILE__, __LINE__, "the waiters never arrived");
}

template <typename Condition>
void wait_until(Condition condition) {
    for (int i = 0; i < 10000 && !condition(); ++i) usleep(1000);
    if (!condition()) posix::fail(__FILE__, __LINE__, "timed out waiting");
}

// A lock made of one futex word (Drepper's "mutex 2"): 0 free, 1 locked,
// 2 locked with waiters.
class FutexLock {
public:
    void lock() {
        uint32_t c = 0;
        if (word_.compare_exchange_strong(c, 1)) return;
        if (c != 2) c = word_.exchange(2);
        while (c != 0) {
            futex(&word_, FUTEX_WAIT_PRIVATE, 2);
            c = word_.exchange(2);
        }
    }
    void unlock() {
        if (word_.fetch_sub(1) != 1) {
            word_.store(0);
            futex(&word_, FUTEX_WAKE_PRIVATE, 1);
        }
    }

private:
    std::atomic<uint32_t> word_{0};
};

}  // namespace

POSIX_TEST(futex, wait_with_a_different_value_is_eagain) {
    uint32_t word = 1;
    CHECK_ERRNO(futex(&word, FUTEX_WAIT, 2), EAGAIN);
    CHECK_ERRNO(futex(&word, FUTEX_WAIT_PRIVATE, 0), EAGAIN);
}

POSIX_TEST(futex, relative_timeout_is_etimedout) {
    uint32_t word = 0;
    timespec timeout{0, 30000000};
    uint64_t start = now_ns();
    CHECK_ERRNO(futex(&word, FUTEX_WAIT_PRIVATE, 0, &timeout), ETIMEDOUT);
    CHECK(now_ns() - start >= 30000000);
    timespec zero{0, 0};
    CHECK_ERRNO(futex(&word, FUTEX_WAIT, 0, &zero), ETIMEDOUT);
}

POSIX_TEST(futex, absolute_monotonic_and_realtime_timeouts_are_etimedout) {
    uint32_t word = 0;
    timespec deadline = in_ns(20000000, CLOCK_MONOTONIC);
    uint64_t start = now_ns();
    CHECK_ERRNO(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &deadline, nullptr, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
    CHECK(now_ns() - start >= 15000000);
    deadline = in_ns(20000000, CLOCK_REALTIME);
    CHECK_ERRNO(futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &deadline, nullptr, FUTEX_BITSET_MATCH_ANY),
                ETIMEDOUT);
    timespec past{1, 0};
    CHECK_ERRNO(futex(&word, FUTEX_WAIT_BITSET, 0, &past, nullptr, FUTEX_BITSET_MATCH_ANY), ETIMEDOUT);
}

POSIX_TEST(futex, bad_timeouts_are_einval_or_efault) {
    uint32_t word = 0;
    timespec bad{0, 1000000000};
    CHECK_ERRNO(futex(&word, FUTEX_WAIT, 0, &bad), EINVAL);
    timespec negative{-1, 0};
    CHECK_ERRNO(futex(&word, FUTEX_WAIT, 0, &negative), EINVAL);
    CHECK_ERRNO(futex(&word, FUTEX_WAIT, 0, reinterpret_cast<timespec*>(8)), EFAULT);
}

POSIX_TEST(futex, bad_addresses_are_einval_or_efault) {
    alignas(8) uint32_t words[2] = {};
    CHECK_ERRNO(futex(reinterpret_cast<char*>(words) + 1, FUTEX_WAIT, 0), EINVAL);
    CHECK_ERRNO(futex(reinterpret_cast<char*>(words) + 2, FUTEX_WAKE, 1), EINVAL);
    CHECK_ERRNO(futex(nullptr, FUTEX_WAIT_PRIVATE, 0), EFAULT);
    CHECK_ERRNO(futex(reinterpret_cast<void*>(0xFFFF800000000000ull), FUTEX_WAIT_PRIVATE, 0), EFAULT);
}

POSIX_TEST(futex, zero_bitset_is_einval) {
    uint32_t word = 0;
    CHECK_ERRNO(futex(&word, FUTEX_WAIT_BITSET, 0, nullptr, nullptr, 0), EINVAL);
    CHECK_ERRNO(futex(&word, FUTEX_WAKE_BITSET, 1, nullptr, nullptr, 0), EINVAL);
}

POSIX_TEST(futex, unknown_operations_are_enosys) {
    uint32_t word = 0;
    CHECK_ERRNO(futex(&word, 14, 0), ENOSYS);
    CHECK_ERRNO(futex(&word, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1), ENOSYS);
}

POSIX_TEST(futex, wake_without_waiters_wakes_nobody) {
    uint32_t word = 0;
    CHECK_EQ(futex(&word, FUTEX_WAKE, 1), 0);
    CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX), 0);
}

POSIX_TEST(futex, wake_wakes_a_waiter) {
    std::atomic<uint32_t> word{0};
    std::atomic<long> result{-2};
    std::thread waiter([&] { result = futex(&word, FUTEX_WAIT_PRIVATE, 0); });
    wait_for_waiters(&word, 1);
    word = 1;
    CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 1), 1);
    waiter.join();
    CHECK_EQ(result.load(), 0);
}

POSIX_TEST(futex, wake_bitset_wakes_only_matching_waiters) {
    std::atomic<uint32_t> word{0};
    std::atomic<long> result{-2};
    std::thread waiter([&] { result = futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, nullptr, nullptr, 0x1); });
    wait_for_waiters(&word, 1);
    CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, nullptr, nullptr, 0x2), 0);
    CHECK_EQ(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, nullptr, nullptr, 0x3), 1);
    waiter.join();
    CHECK_EQ(result.load(), 0);
}

POSIX_TEST(futex, wake_count_limits_the_wakes) {
    std::atomic<uint32_t> word{0};
    std::atomic<int> woken{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < 3; ++i) waiters.emplace_back([&] {
        if (futex(&word, FUTEX_WAIT_PRIVATE, 0) == 0) woken.fetch_add(1);
    });
    wait_for_waiters(&word, 3);
    CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 2), 2);
    wait_until([&] { return woken.load() == 2; });
    CHECK_EQ(waiters_on(&word), 1);
    CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 5), 1);
    for (auto& thread : waiters) thread.join();
    CHECK_EQ(woken.load(), 3);
}

POSIX_TEST(futex, requeue_moves_waiters_to_the_second_word) {
    std::atomic<uint32_t> first{0}, second{0};
    std::atomic<int> woken{0};
    std::vector<std::thread> waiters;
    for (int i = 0; i < 3; ++i) waiters.emplace_back([&] {
        if (futex(&first, FUTEX_WAIT_PRIVATE, 0) == 0) woken.fetch_add(1);
    });
    wait_for_waiters(&first, 3);
    CHECK_EQ(futex2(&first, FUTEX_REQUEUE_PRIVATE, 1, 2, &second, 0), 3);  // 1 woken + 2 moved
    CHECK_EQ(futex(&first, FUTEX_WAKE_PRIVATE, 10), 0);
    CHECK_EQ(futex(&second, FUTEX_WAKE_PRIVATE, 10), 2);
    for (auto& thread : waiters) thread.join();
    CHECK_EQ(woken.load(), 3);
}

POSIX_TEST(futex, cmp_requeue_checks_the_value) {
    std::atomic<uint32_t> first{5}, second{0};
    CHECK_ERRNO(futex2(&first, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &second, 4), EAGAIN);
    CHECK_EQ(futex2(&first, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &second, 5), 0);
    CHECK_ERRNO(futex2(&first, FUTEX_CMP_REQUEUE_PRIVATE, static_cast<uint32_t>(-1), 1, &second, 5), EINVAL);
    CHECK_ERRNO(futex2(&first, FUTEX_CMP_REQUEUE_PRIVATE, 1, static_cast<uint32_t>(-1), &second, 5), EINVAL);
    CHECK_ERRNO(futex2(&first, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, reinterpret_cast<char*>(&second) + 1, 5), EINVAL);

    std::atomic<long> result{-2};
    std::thread waiter([&] { result = futex(&first, FUTEX_WAIT_PRIVATE, 5); });
    wait_for_waiters(&first, 1);
    CHECK_EQ(futex2(&first, FUTEX_CMP_REQUEUE_PRIVATE, 0, 1, &second, 5), 1);
    CHECK_EQ(futex(&second, FUTEX_WAKE_PRIVATE, 1), 1);
    waiter.join();
    CHECK_EQ(result.load(), 0);
}

POSIX_TEST(futex, wake_op_changes_the_second_word_and_wakes_by_comparison) {
    std::atomic<uint32_t> first{0}, second{0};
    // second += 5; wake second's waiters if the old value was 0.
    CHECK_EQ(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second, FUTEX_OP(FUTEX_OP_ADD, 5, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(second.load(), 5u);
    CHECK_EQ(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second, FUTEX_OP(FUTEX_OP_OR, 2, FUTEX_OP_CMP_EQ, 0)), 0);
    CHECK_EQ(second.load(), 7u);
    CHECK_EQ(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second, FUTEX_OP(FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_GT, 0)), 0);
    CHECK_EQ(second.load(), 6u);
    CHECK_EQ(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second, FUTEX_OP(FUTEX_OP_XOR, 3, FUTEX_OP_CMP_NE, 0)), 0);
    CHECK_EQ(second.load(), 5u);
    CHECK_EQ(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second,
                    FUTEX_OP(FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_LT, 0)), 0);
    CHECK_EQ(second.load(), 16u);

    std::atomic<int> woken{0};
    std::thread a([&] { if (futex(&first, FUTEX_WAIT_PRIVATE, 0) == 0) woken.fetch_add(1); });
    std::thread b([&] { if (futex(&second, FUTEX_WAIT_PRIVATE, 16) == 0) woken.fetch_add(1); });
    wait_for_waiters(&first, 1);
    wait_for_waiters(&second, 1);
    CHECK_EQ(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, &second, FUTEX_OP(FUTEX_OP_SET, 0, FUTEX_OP_CMP_EQ, 16)), 2);
    a.join();
    b.join();
    CHECK_EQ(woken.load(), 2);
    CHECK_EQ(second.load(), 0u);
}

POSIX_TEST(futex, wake_op_errors) {
    uint32_t first = 0, second = 0;
    CHECK_ERRNO(futex2(&first, FUTEX_WAKE_OP, 1, 1, &second, 7u << 28), ENOSYS);          // no such op
    CHECK_ERRNO(futex2(&first, FUTEX_WAKE_OP, 1, 1, &second, 9u << 24), ENOSYS);          // no such comparison
    CHECK_ERRNO(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, nullptr, 0), EFAULT);
    const uint32_t* read_only = static_cast<const uint32_t*>(
        mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    CHECK(read_only != MAP_FAILED);
    CHECK_ERRNO(futex2(&first, FUTEX_WAKE_OP_PRIVATE, 1, 1, const_cast<uint32_t*>(read_only), 0), EFAULT);
}

POSIX_TEST(futex, lock_stress_many_threads_increment_under_a_futex_lock) {
    constexpr int threads = 8, rounds = 20000;
    FutexLock lock;
    long counter = 0;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) workers.emplace_back([&] {
        for (int i = 0; i < rounds; ++i) {
            lock.lock();
            long seen = counter;
            if (i % 97 == 0) sched_yield();  // hold the lock across a switch now and then
            counter = seen + 1;
            lock.unlock();
        }
    });
    for (auto& worker : workers) worker.join();
    CHECK_EQ(counter, static_cast<long>(threads) * rounds);
}

POSIX_TEST(futex, condition_variable_notify_all_requeues_every_waiter) {
    std::mutex mutex;
    std::condition_variable condition;
    int generation = 0, seen = 0;
    std::vector<std::thread> waiters;
    for (int t = 0; t < 6; ++t) waiters.emplace_back([&] {
        for (int round = 1; round <= 50; ++round) {
            std::unique_lock lock(mutex);
            condition.wait(lock, [&] { return generation >= round; });
            ++seen;
        }
    });
    for (int round = 1; round <= 50; ++round) {
        {
            std::lock_guard lock(mutex);
            generation = round;
        }
        condition.notify_all();
        if (round % 5 == 0) usleep(1000);
    }
    for (auto& waiter : waiters) waiter.join();
    CHECK_EQ(seen, 6 * 50);
}

POSIX_TEST(futex, private_futexes_of_two_processes_are_distinct) {
    static uint32_t word = 0;
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        timespec timeout{0, 50000000};
        _exit(futex(&word, FUTEX_WAIT_PRIVATE, 0, &timeout) == -1 && errno == ETIMEDOUT ? 0 : 1);
    }
    usleep(10000);
    CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, 1), 0);  // nobody in our space
    int status = 0;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK_EQ(WEXITSTATUS(status), 0);
}
POSIX_TEST(futex, shared_futex_wakes_a_waiter_in_another_process) {
    auto* word = static_cast<std::atomic<uint32_t>*>(
        mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    CHECK(word != MAP_FAILED);
    word->store(0);
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        while (word->load() == 0) futex(word, FUTEX_WAIT, 0);
        _exit(word->load() == 1 ? 0 : 1);
    }
    usleep(30000);
    word->store(1);
    long woken = 0;
    // The child may not be waiting yet; keep waking until it has gone.
    for (int i = 0; i < 100; ++i) {
        woken += CHECK_OK(futex(word, FUTEX_WAKE, 1));
        int status = 0;
        if (CHECK_OK(waitpid(child, &status, WNOHANG)) == child) {
            CHECK(WIFEXITED(status));
            CHECK_EQ(WEXITSTATUS(status), 0);
            return;
        }
        usleep(10000);
    }
    CHECK(!"the child never saw the shared wake");
}


namespace {

void note_signal(int) {}

void handle_usr1(int flags) {
    struct sigaction action = {};
    action.sa_handler = note_signal;
    action.sa_flags = flags;
    CHECK_OK(sigaction(SIGUSR1, &action, nullptr));
}

// A thread in FUTEX_WAIT on word (expecting 0), with a timeout of
// timeout_seconds unless 0; it keeps what the call returned and its errno.
struct Waiter {
    std::atomic<long> result{-2};
    std::atomic<int> error{0};
    std::thread thread;
    Waiter(std::atomic<uint32_t>& word, time_t timeout_seconds)
        : thread([this, &word, timeout_seconds] {
              timespec timeout{timeout_seconds, 0};
              long r = futex(&word, FUTEX_WAIT_PRIVATE, 0, timeout_seconds != 0 ? &timeout : nullptr);
              error = errno;
              result = r;
          }) {}
    // Signals the waiter once it waits; it ends with EINTR.
    void interrupt(std::atomic<uint32_t>& word) {
        wait_for_waiters(&word, 1);
        CHECK_OK(pthread_kill(thread.native_handle(), SIGUSR1));
        thread.join();
        CHECK_EQ(result.load(), -1);
        CHECK_EQ(error.load(), EINTR);
    }
};

}  // namespace

POSIX_TEST(futex, wait_interrupted_by_a_handled_signal_is_eintr) {
    handle_usr1(0);  // no SA_RESTART
    std::atomic<uint32_t> word{0};
    Waiter(word, 0).interrupt(word);
}

POSIX_TEST(futex, sa_restart_restarts_an_untimed_wait_but_not_a_timed_one) {
    handle_usr1(SA_RESTART);
    std::atomic<uint32_t> word{0};
    // Untimed: the handler runs and the wait goes on until a real wake.
    Waiter untimed(word, 0);
    wait_for_waiters(&word, 1);
    CHECK_OK(pthread_kill(untimed.thread.native_handle(), SIGUSR1));
    usleep(20000);
    wait_for_waiters(&word, 1);  // back in the wait after the handler
    CHECK_EQ(untimed.result.load(), -2);
    word = 1;
    while (untimed.result.load() == -2) {
        futex(&word, FUTEX_WAKE_PRIVATE, 1);
        usleep(1000);
    }
    untimed.thread.join();
    CHECK_EQ(untimed.result.load(), 0);
    // Timed: EINTR even with SA_RESTART.
    word = 0;
    Waiter(word, 10).interrupt(word);
}
