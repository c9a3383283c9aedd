// Threads: clone with glibc's pthread_create flags (through std::thread),
// thread groups (getpid/gettid), exit of one thread against exit_group,
// the CHILD_CLEARTID wake behind join, execve from a multithreaded
// process, and the flag combinations clone refuses.
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <signal.h>
#include <linux/futex.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "posix_test.h"

namespace {

// A fixed pool of workers taking jobs from a queue under a mutex, with
// condition variables for "work available" and "all done".
class Pool {
public:
    explicit Pool(int workers) {
        for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { run(); });
    }
    ~Pool() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        work_.notify_all();
        for (auto& thread : threads_) thread.join();
    }
    void submit(std::function<void()> job) {
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(std::move(job));
            ++pending_;
        }
        work_.notify_one();
    }
    void wait_idle() {
        std::unique_lock lock(mutex_);
        idle_.wait(lock, [this] { return pending_ == 0; });
    }

private:
    void run() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock lock(mutex_);
                work_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
                if (jobs_.empty()) return;
                job = std::move(jobs_.front());
                jobs_.pop_front();
            }
            job();
            std::lock_guard lock(mutex_);
            if (--pending_ == 0) idle_.notify_all();
        }
    }

    std::mutex mutex_;
    std::condition_variable work_, idle_;
    std::deque<std::function<void()>> jobs_;
    int pending_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

bool is_prime(uint32_t n) {
    if (n < 2) return false;
    for (uint32_t d = 2; d * d <= n; ++d)
        if (n % d == 0) return false;
    return true;
}

int wait_status_of(pid_t child) {
    int status = 0;
    CHECK_EQ(CHECK_OK(waitpid(child, &status, 0)), child);
    return status;
}

}  // namespace

POSIX_TEST(thread, pool_with_mutex_and_condition_variables_does_real_work) {
    constexpr uint32_t limit = 60000, chunk = 2000;
    uint64_t expected = 0;
    for (uint32_t n = 0; n < limit; ++n)
        if (is_prime(n)) expected += n;
    std::mutex total_mutex;
    uint64_t total = 0;
    int chunks_done = 0;
    {
        Pool pool(4);
        for (int round = 0; round < 2; ++round) {
            for (uint32_t start = 0; start < limit; start += chunk) {
                pool.submit([&, start] {
                    uint64_t sum = 0;
                    for (uint32_t n = start; n < start + chunk; ++n)
                        if (is_prime(n)) sum += n;
                    std::lock_guard lock(total_mutex);
                    total += sum;
                    ++chunks_done;
                });
            }
            pool.wait_idle();
        }
    }
    CHECK_EQ(chunks_done, static_cast<int>(2 * limit / chunk));
    CHECK_EQ(total, 2 * expected);
}

POSIX_TEST(thread, threads_share_the_pid_and_have_their_own_tid) {
    pid_t pid = getpid();
    pid_t main_tid = static_cast<pid_t>(syscall(SYS_gettid));
    CHECK_EQ(main_tid, pid);
    pid_t thread_pid = 0, thread_tid = 0;
    std::thread([&] {
        thread_pid = getpid();
        thread_tid = static_cast<pid_t>(syscall(SYS_gettid));
    }).join();
    CHECK_EQ(thread_pid, pid);
    CHECK(thread_tid != pid);
    CHECK(thread_tid > 0);
}

POSIX_TEST(thread, memory_and_descriptors_are_shared) {
    int fds[2];
    CHECK_OK(pipe(fds));
    int value = 0;
    std::thread([&] {
        value = 42;
        CHECK_EQ(write(fds[1], "x", 1), 1);
        close(fds[1]);
    }).join();
    CHECK_EQ(value, 42);
    char buffer[4];
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 1);
    CHECK_EQ(read(fds[0], buffer, sizeof buffer), 0);  // the thread's close is ours
    // ... and the thread's descriptor numbers are ours too.
    CHECK_ERRNO(close(fds[1]), EBADF);
}

POSIX_TEST(thread, thread_local_storage_is_per_thread) {
    static thread_local int slot = 1;
    slot = 2;
    int seen = 0;
    std::thread([&] {
        seen = slot;
        slot = 3;
    }).join();
    CHECK_EQ(seen, 1);
    CHECK_EQ(slot, 2);
}

POSIX_TEST(thread, many_threads_start_and_join) {
    std::atomic<int> started{0};
    for (int round = 0; round < 10; ++round) {
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i) threads.emplace_back([&] { started.fetch_add(1); });
        for (auto& thread : threads) thread.join();
    }
    CHECK_EQ(started.load(), 80);
}

POSIX_TEST(thread, exit_of_one_thread_leaves_the_process_running) {
    std::atomic<bool> after{false};
    std::thread thread([&] {
        std::thread([] { syscall(SYS_exit, 9); }).join();  // join sees the CLEARTID wake
        after = true;
    });
    thread.join();
    CHECK(after.load());
}

POSIX_TEST(thread, exit_group_from_a_thread_ends_every_thread) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        std::mutex mutex;
        std::condition_variable never;
        std::thread sleeper([&] {
            std::unique_lock lock(mutex);
            never.wait(lock);  // blocked in futex wait when the group exits
        });
        std::thread([] {
            usleep(20000);
            _exit(7);
        }).join();
        _exit(1);
    }
    int status = wait_status_of(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 7);
}

POSIX_TEST(thread, process_ends_with_its_last_thread) {
    int go[2];
    CHECK_OK(pipe(go));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        std::thread([fd = go[0]] {
            char byte;
            (void)!read(fd, &byte, 1);  // the parent's go, after the main thread left
            _exit(5);
        }).detach();
        syscall(SYS_exit, 0);  // the main thread only
        _exit(2);
    }
    usleep(30000);
    int status = 0;
    CHECK_EQ(CHECK_OK(waitpid(child, &status, WNOHANG)), 0);  // the other thread still runs
    CHECK_EQ(write(go[1], "g", 1), 1);
    status = wait_status_of(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 5);
}

POSIX_TEST(thread, execve_from_a_multithreaded_process_ends_the_other_threads) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        std::mutex mutex;
        std::condition_variable never;
        for (int i = 0; i < 3; ++i) {
            std::thread([&] {
                std::unique_lock lock(mutex);
                never.wait(lock);
            }).detach();
        }
        std::thread([] {
            for (;;) sched_yield();  // runnable, never blocked
        }).detach();
        usleep(10000);
        char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 3"), nullptr};
        execv("/bin/sh", argv);
        _exit(1);
    }
    int status = wait_status_of(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 3);
}

POSIX_TEST(thread, execve_from_a_non_leader_thread_works) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        std::thread([] {
            char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 4"), nullptr};
            execv("/bin/sh", argv);
            _exit(1);
        }).join();
        _exit(2);
    }
    int status = wait_status_of(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 4);
}

POSIX_TEST(thread, fork_in_a_thread_copies_only_that_thread) {
    std::thread([] {
        pid_t child = fork();
        if (child == 0) _exit(getpid() == static_cast<pid_t>(syscall(SYS_gettid)) ? 6 : 1);
        int status = 0;
        waitpid(child, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK_EQ(WEXITSTATUS(status), 6);
    }).join();
}

POSIX_TEST(clone, thread_without_sighand_is_einval) {
    CHECK_ERRNO(syscall(SYS_clone, CLONE_VM | CLONE_THREAD, nullptr, nullptr, nullptr, 0), EINVAL);
}

POSIX_TEST(clone, sighand_without_vm_is_einval) {
    CHECK_ERRNO(syscall(SYS_clone, CLONE_SIGHAND, nullptr, nullptr, nullptr, 0), EINVAL);
}

POSIX_TEST(clone, newns_with_fs_is_einval) {
    CHECK_ERRNO(syscall(SYS_clone, CLONE_NEWNS | CLONE_FS, nullptr, nullptr, nullptr, 0), EINVAL);
}

POSIX_TEST(clone, files_shares_the_descriptor_table_between_processes) {
    int fds[2];
    CHECK_OK(pipe(fds));
    long child = CHECK_OK(syscall(SYS_clone, CLONE_FILES | SIGCHLD, nullptr, nullptr, nullptr, 0));
    if (child == 0) {
        close(fds[1]);  // closes the parent's too
        _exit(0);
    }
    int status = wait_status_of(static_cast<pid_t>(child));
    CHECK(WIFEXITED(status));
    CHECK_ERRNO(close(fds[1]), EBADF);
    char byte;
    CHECK_EQ(read(fds[0], &byte, 1), 0);  // no writer is left
}

POSIX_TEST(clone, parent_settid_and_child_settid_are_written) {
    pid_t parent_tid = 0, child_tid = 0;
    long child = CHECK_OK(syscall(SYS_clone, CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, nullptr,
                                  &parent_tid, &child_tid, 0));
    if (child == 0) _exit(child_tid == getpid() ? 0 : 1);
    CHECK_EQ(parent_tid, static_cast<pid_t>(child));
    CHECK_EQ(child_tid, 0);  // the child's copy, not ours
    int status = wait_status_of(static_cast<pid_t>(child));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

POSIX_TEST(thread, set_tid_address_returns_the_tid) {
    static int word;
    CHECK_EQ(syscall(SYS_set_tid_address, &word), syscall(SYS_gettid));
}

POSIX_TEST(thread, set_robust_list_checks_the_size) {
    static long head[3] = {};
    CHECK_ERRNO(syscall(SYS_set_robust_list, head, 8), EINVAL);
    CHECK_OK(syscall(SYS_set_robust_list, head, sizeof head));
}

namespace {
std::atomic<pid_t> handled_by{0};
void record_handler(int) {
    handled_by = static_cast<pid_t>(syscall(SYS_gettid));
}
}  // namespace

POSIX_TEST(thread, process_signal_goes_to_a_thread_that_does_not_block_it) {
    struct sigaction action = {};
    action.sa_handler = record_handler;
    CHECK_OK(sigaction(SIGUSR1, &action, nullptr));
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK_EQ(pthread_sigmask(SIG_BLOCK, &usr1, nullptr), 0);  // the main thread blocks it
    std::atomic<pid_t> worker_tid{0};
    std::atomic<bool> stop{false};
    std::thread worker([&] {
        sigset_t usr1_again;
        sigemptyset(&usr1_again);
        sigaddset(&usr1_again, SIGUSR1);
        pthread_sigmask(SIG_UNBLOCK, &usr1_again, nullptr);
        worker_tid = static_cast<pid_t>(syscall(SYS_gettid));
        while (!stop) usleep(1000);
    });
    while (worker_tid == 0) usleep(1000);
    CHECK_OK(kill(getpid(), SIGUSR1));
    for (int i = 0; i < 2000 && handled_by == 0; ++i) usleep(1000);
    stop = true;
    worker.join();
    CHECK_EQ(handled_by.load(), worker_tid.load());
}

POSIX_TEST(thread, robust_mutex_of_a_dead_owner_is_eownerdead) {
    auto* mutex = static_cast<pthread_mutex_t*>(
        mmap(nullptr, sizeof(pthread_mutex_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    CHECK(mutex != MAP_FAILED);
    pthread_mutexattr_t attributes;
    pthread_mutexattr_init(&attributes);
    pthread_mutexattr_setpshared(&attributes, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attributes, PTHREAD_MUTEX_ROBUST);
    CHECK_EQ(pthread_mutex_init(mutex, &attributes), 0);
    int ready[2];
    CHECK_OK(pipe(ready));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        pthread_mutex_lock(mutex);
        (void)!write(ready[1], "x", 1);
        usleep(50000);
        _exit(0);  // dies holding the lock
    }
    char byte;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    CHECK_EQ(pthread_mutex_lock(mutex), EOWNERDEAD);  // blocks until the owner dies
    CHECK_EQ(pthread_mutex_consistent(mutex), 0);
    CHECK_EQ(pthread_mutex_unlock(mutex), 0);
    wait_status_of(child);
}

namespace {
int shared_with_vfork_child = 0;
int vfork_child(void*) {
    usleep(20000);  // the parent must still be waiting
    shared_with_vfork_child = 77;
    _exit(3);
}
}  // namespace

POSIX_TEST(clone, vm_vfork_shares_memory_and_the_parent_waits) {
    std::vector<char> stack(64 * 1024);
    int child = CHECK_OK(clone(vfork_child, stack.data() + stack.size(), CLONE_VM | CLONE_VFORK | SIGCHLD, nullptr));
    CHECK_EQ(shared_with_vfork_child, 77);  // written before clone returned here
    int status = wait_status_of(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 3);
}

POSIX_TEST(clone, posix_spawn_and_system_run_a_program) {
    pid_t child = 0;
    char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 6"), nullptr};
    CHECK_EQ(posix_spawn(&child, "/bin/sh", nullptr, nullptr, argv, environ), 0);
    int status = wait_status_of(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 6);
    CHECK_EQ(posix_spawn(&child, "/no/such/program", nullptr, nullptr, argv, environ), ENOENT);
    status = system("exit 5");
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 5);
}

POSIX_TEST(thread, exit_group_ends_threads_blocked_in_any_call) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        int fds[2];
        (void)!pipe(fds);
        int sockets[2];
        socketpair(AF_UNIX, SOCK_STREAM, 0, sockets);
        int epoll = epoll_create1(0);
        epoll_event event{EPOLLIN, {}};
        epoll_ctl(epoll, EPOLL_CTL_ADD, fds[0], &event);
        pid_t sleeper = fork();
        if (sleeper == 0) {
            pause();
            _exit(0);
        }
        static std::atomic<uint32_t> word{0};
        std::vector<std::thread> blocked;
        blocked.emplace_back([&] { char byte; (void)!read(fds[0], &byte, 1); });
        blocked.emplace_back([&] { char byte; (void)!read(sockets[0], &byte, 1); });
        blocked.emplace_back([&] { pollfd one{fds[0], POLLIN, 0}; poll(&one, 1, -1); });
        blocked.emplace_back([&] { epoll_event out; epoll_wait(epoll, &out, 1, -1); });
        blocked.emplace_back([] { sleep(100); });
        blocked.emplace_back([] { syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, nullptr); });
        blocked.emplace_back([&] { waitpid(sleeper, nullptr, 0); });
        usleep(50000);
        kill(sleeper, SIGKILL);  // not reaped: the waiting thread may or may not see it first
        _exit(9);  // exit_group, every thread still blocked or just woken
    }
    int status = wait_status_of(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 9);
}

POSIX_TEST(thread, affinity_of_a_thread_by_tid) {
    std::atomic<pid_t> tid{0};
    std::atomic<bool> stop{false};
    std::thread worker([&] {
        tid = static_cast<pid_t>(syscall(SYS_gettid));
        while (!stop) usleep(1000);
    });
    while (tid == 0) usleep(1000);
    cpu_set_t set;
    CPU_ZERO(&set);
    CHECK_OK(sched_getaffinity(tid, sizeof set, &set));
    CHECK(CPU_ISSET(0, &set));
    cpu_set_t only_first;
    CPU_ZERO(&only_first);
    CPU_SET(0, &only_first);
    CHECK_OK(sched_setaffinity(tid, sizeof only_first, &only_first));
    CHECK_EQ(pthread_setaffinity_np(worker.native_handle(), sizeof only_first, &only_first), 0);
    cpu_set_t none;
    CPU_ZERO(&none);
    CHECK_ERRNO(sched_setaffinity(0, sizeof none, &none), EINVAL);
    CHECK_ERRNO(sched_getaffinity(0x7FFFFFF0, sizeof set, &set), ESRCH);
    stop = true;
    worker.join();
}

POSIX_TEST(thread, fatal_signal_ends_every_thread) {
    for (int signal : {SIGKILL, SIGTERM}) {
        int ready[2];
        CHECK_OK(pipe(ready));
        pid_t child = CHECK_OK(fork());
        if (child == 0) {
            static std::atomic<uint32_t> word{0};
            for (int i = 0; i < 3; ++i) {
                std::thread([] { syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, nullptr); }).detach();
                std::thread([] { sleep(100); }).detach();
            }
            std::thread([] {
                for (;;) sched_yield();
            }).detach();
            (void)!write(ready[1], "x", 1);
            pause();
            _exit(1);
        }
        char byte;
        CHECK_EQ(read(ready[0], &byte, 1), 1);
        close(ready[0]);
        close(ready[1]);
        usleep(20000);
        CHECK_OK(kill(child, signal));
        int status = wait_status_of(child);
        CHECK(WIFSIGNALED(status));
        CHECK_EQ(WTERMSIG(status), signal);
    }
}
