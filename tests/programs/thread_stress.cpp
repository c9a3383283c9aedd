// thread-stress SECONDS PROGRAM: many threads at once for SECONDS: mutex
// and condition-variable ping-pong under signals, heap churn, mmap/mremap/
// mprotect/madvise/munmap churn, fork+wait and fork+exec(PROGRAM)+wait,
// thread creation and join. As init in Tessera it proves that pid 1 may
// have threads and that nothing leaks (the frame count is checked by the
// system test). Prints "PASS thread-stress" at the end; FAIL lines otherwise.
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

namespace {

std::atomic<bool> stop{false};
std::atomic<long> operations{0};
std::atomic<int> failures{0};
std::mutex mutex;
std::condition_variable changed;
long counter = 0;

void fail(const char* what, int value) {
    std::printf("FAIL %s: %d\n", what, value);
    ++failures;
}

void on_signal(int) {}

}  // namespace

int main(int argc, char** argv) {
    int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    const char* program = argc > 2 ? argv[2] : "/bin/hello";
    signal(SIGUSR1, on_signal);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([] {
            while (!stop) {
                std::unique_lock lock(mutex);
                ++counter;
                changed.notify_all();
                changed.wait_for(lock, std::chrono::microseconds(100));
                ++operations;
            }
        });
    }
    std::vector<pthread_t> signalled;
    for (auto& thread : threads) signalled.push_back(thread.native_handle());
    threads.emplace_back([] {
        while (!stop) {
            std::vector<char*> blocks;
            for (int k = 0; k < 50; ++k) blocks.push_back(new char[(k * 97) % 5000 + 1]);
            for (char* block : blocks) delete[] block;
            ++operations;
        }
    });
    threads.emplace_back([] {
        while (!stop) {
            size_t length = 4096 * (1 + operations % 16);
            auto* p = static_cast<char*>(mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
            if (p == MAP_FAILED) return fail("mmap", errno);
            std::memset(p, 1, length);
            p = static_cast<char*>(mremap(p, length, 2 * length, MREMAP_MAYMOVE));
            if (p == MAP_FAILED) return fail("mremap", errno);
            p[2 * length - 1] = 2;
            mprotect(p, length, PROT_NONE);
            madvise(p, 2 * length, MADV_DONTNEED);
            munmap(p, 2 * length);
            ++operations;
        }
    });
    threads.emplace_back([] {
        while (!stop) {
            pid_t child = fork();
            if (child == 0) _exit(3);
            int status = 0;
            waitpid(child, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 3) fail("fork child status", status);
            ++operations;
        }
    });
    threads.emplace_back([program] {
        while (!stop) {
            pid_t child = fork();
            if (child == 0) {
                execl(program, program, nullptr);
                _exit(127);
            }
            int status = 0;
            waitpid(child, &status, 0);
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail("exec child status", status);
            ++operations;
        }
    });
    threads.emplace_back([&signalled] {
        while (!stop) {
            for (pthread_t thread : signalled) pthread_kill(thread, SIGUSR1);
            usleep(500);
            ++operations;
        }
    });
    threads.emplace_back([] {
        while (!stop) std::thread([] { ++operations; }).join();
    });
    sleep(seconds);
    stop = true;
    {
        std::lock_guard lock(mutex);
        changed.notify_all();
    }
    for (auto& thread : threads) thread.join();
    std::printf("thread-stress: %ld operations in %d s, counter %ld\n", operations.load(), seconds, counter);
    if (failures == 0) std::printf("PASS thread-stress\n");
    return failures == 0 ? 0 : 1;
}
