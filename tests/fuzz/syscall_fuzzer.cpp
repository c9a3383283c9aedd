// A seeded random-syscall fuzzer, run as init inside Tessera:
//
//   syscall-fuzzer SEED SECONDS [WORKERS [SKIP]]
//
// SKIP is a comma-separated list of more system call numbers or ranges
// (A-B) to leave out, or "only:" and such a list to make nothing else (for
// narrowing down which call a failure needs).
// Init keeps WORKERS worker processes alive for SECONDS. Each worker, in
// its own process group and scratch directory, calls random system calls
// with arguments drawn from values that find bugs: small numbers, its own
// descriptors, pointers into a buffer of random bytes, pointers that run
// into an unmapped page, null, kernel and non-canonical addresses, huge
// sizes, and paths. A worker lives at most worker_lifetime_ms (blocking
// calls are fine: init kills it and starts another with the next seed).
// At the end init kills everything, reaps it, removes what the workers
// created and exits 0. The system test then checks the kernel did not
// panic or hang and that every frame came back (the kernel's "mm: ...
// frames free" line). Seeds are printed so a run can be repeated.
//
// It refuses to run unless it is pid 1: on a Linux host it would damage the
// machine it runs on.
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace {

constexpr const char* scratch_root = "/tmp/fuzz";
constexpr long worker_lifetime_ms = 1500;
constexpr size_t buffer_size = 64 * 1024;
constexpr long page = 4096;

struct Random {
    uint64_t state;
    uint64_t next() {  // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1Dull;
    }
    uint64_t below(uint64_t bound) { return next() % bound; }
};

// Calls a worker never makes: leaving (pointless), replacing itself,
// rebooting, and changing the mount table (mounts outlive processes, so
// the memory check would fail for a reason that is not a leak).
std::set<long> also_excluded;

bool excluded(long number) {
    if (also_excluded.count(number)) return true;
    switch (number) {
        case SYS_exit:
        case SYS_exit_group:
        case SYS_execve:
        case SYS_execveat:
        case SYS_reboot:
        case SYS_mount:
        case SYS_umount2:
        case SYS_pivot_root:
        case SYS_swapon:
        case SYS_swapoff:
        case SYS_kexec_load:
        case SYS_kexec_file_load:
        case SYS_init_module:
        case SYS_finit_module:
        case SYS_delete_module:
            return true;
        // Creating processes is allowed, but rarely (see worker_loop).
        default:
            return false;
    }
}

bool creates_process(long number) {
    return number == SYS_fork || number == SYS_vfork || number == SYS_clone || number == SYS_clone3;
}

const std::vector<std::string>& paths() {
    // Absolute paths stay under /tmp/fuzz (or fail to resolve): every
    // worker runs as root and the kernel would rightly let it rename /sbin
    // or unlink /dev/null, which ends the run for the wrong reason.
    static const std::vector<std::string> all = {
        "a", "b", "a/b", "a/b/c", "../a", ".", "..", "", "link", "fifo", "sock",
        "/tmp/fuzz/a", "/tmp/fuzz/a/b", "/tmp/fuzz/file", "/tmp/fuzz/dir/", "/tmp/fuzz/../fuzz/x",
        "/tmp/fuzz/a/../../fuzz/a/./b", "/proc/self/stat", "/proc/self/status", "/proc/self/fd", "/proc/meminfo",
        "/proc/1/cmdline", "/nonexistent/x", std::string(300, 'n'), std::string(5000, 'l'),
        "/tmp/fuzz/" + std::string(255, 'x'),
    };
    return all;
}

struct Worker {
    Random random;
    uint8_t* buffer = nullptr;  // buffer_size bytes followed by an unmapped page
    std::vector<long> descriptors{0, 1, 2};
};

long pick_argument(Worker& worker) {
    Random& random = worker.random;
    switch (random.below(13)) {
        case 0: return static_cast<long>(random.below(8));
        case 1: return worker.descriptors[random.below(worker.descriptors.size())];
        case 2: return reinterpret_cast<long>(worker.buffer + random.below(buffer_size));
        case 3: return reinterpret_cast<long>(worker.buffer + buffer_size - random.below(64));  // runs into the guard page
        case 4: return 0;
        case 5: return static_cast<long>(0xffffffff80000000ull + random.below(1ull << 30));
        case 6: return static_cast<long>(0x0000800000000000ull + random.below(1ull << 40));  // non-canonical
        case 7: return -1;
        case 8: return static_cast<long>(random.next());
        case 9: return 1l << random.below(40);
        case 10: {
            const std::string& path = paths()[random.below(paths().size())];
            size_t offset = random.below(buffer_size / 2);
            std::memcpy(worker.buffer + offset, path.c_str(), path.size() + 1);
            return reinterpret_cast<long>(worker.buffer + offset);
        }
        case 11: return static_cast<long>(random.next() & 0xFFFFFFFF);  // flags
        default: return reinterpret_cast<long>(worker.buffer);
    }
}

void scribble(Worker& worker) {
    size_t offset = worker.random.below(buffer_size - 512);
    for (size_t i = 0; i < 512; i += 8) {
        uint64_t value = worker.random.next();
        std::memcpy(worker.buffer + offset + i, &value, 8);
    }
}

[[noreturn]] void worker_loop(uint64_t seed, int index) {
    setpgid(0, 0);
    std::string directory = std::string(scratch_root) + "/w" + std::to_string(index);
    mkdir(directory.c_str(), 0777);
    if (chdir(directory.c_str()) != 0) chdir(scratch_root);
    // The serial console stays readable: a worker writes to /dev/null.
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; ++fd) {
        if (null >= 0) dup2(null, fd); else close(fd);
    }
    if (null > 2) close(null);

    Worker worker{Random{seed | 1}};
    void* area = mmap(nullptr, buffer_size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) _exit(3);
    worker.buffer = static_cast<uint8_t*>(area);
    munmap(worker.buffer + buffer_size, page);
    for (size_t i = 0; i < buffer_size; i += 8) {
        uint64_t value = worker.random.next();
        std::memcpy(worker.buffer + i, &value, 8);
    }

    for (;;) {
        long number = worker.random.below(10) == 0 ? static_cast<long>(424 + worker.random.below(30))
                                                   : static_cast<long>(worker.random.below(335));
        if (excluded(number)) continue;
        if (creates_process(number) && worker.random.below(50) != 0) continue;
        long a[6];
        for (long& argument : a) argument = pick_argument(worker);
        if (worker.random.below(4) == 0) scribble(worker);
        long result = syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (result == 0 && creates_process(number)) {
            // A new process (or thread) continues the loop with its own stream.
            worker.random.state ^= static_cast<uint64_t>(getpid()) * 0x9E3779B97F4A7C15ull;
        }
        if (result > 2 && result < 1024 && worker.descriptors.size() < 64) worker.descriptors.push_back(result);
    }
}

uint64_t now_ms() {
    timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return static_cast<uint64_t>(time.tv_sec) * 1000 + static_cast<uint64_t>(time.tv_nsec) / 1000000;
}

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
    remove(path);
    return 0;
}

std::set<std::string> directory_entries(const char* path) {
    std::set<std::string> names;
    if (DIR* directory = opendir(path)) {
        while (dirent* entry = readdir(directory)) names.insert(entry->d_name);
        closedir(directory);
    }
    return names;
}

// Removes what appeared in directory since before (workers may chdir up
// and create files there).
void remove_new_entries(const std::string& directory, const std::set<std::string>& before) {
    for (const std::string& name : directory_entries(directory.c_str())) {
        if (before.count(name)) continue;
        std::string path = (directory == "/" ? "" : directory) + "/" + name;
        nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
}

// Every path under / except /proc, for reporting what the cleanup missed.
std::set<std::string>* collected = nullptr;
int collect_entry(const char* path, const struct stat*, int, struct FTW*) {
    if (std::strncmp(path, "/proc", 5) != 0) collected->insert(path);
    return 0;
}
std::set<std::string> all_paths() {
    std::set<std::string> paths;
    collected = &paths;
    nftw("/", collect_entry, 32, FTW_PHYS);
    collected = nullptr;
    return paths;
}

struct Running {
    pid_t pid;
    uint64_t started_ms;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: syscall-fuzzer SEED SECONDS [WORKERS]\n");
        return 2;
    }
    if (getpid() != 1) {
        std::fprintf(stderr, "syscall-fuzzer: refusing to run: not pid 1 (it would damage this machine)\n");
        return 2;
    }
    uint64_t seed = std::strtoull(argv[1], nullptr, 0);
    uint64_t seconds = std::strtoull(argv[2], nullptr, 0);
    size_t worker_count = argc > 3 ? std::strtoul(argv[3], nullptr, 0) : 4;
    if (argc > 4) {
        std::string list = argv[4];
        bool only = list.rfind("only:", 0) == 0;
        std::set<long> listed;
        for (size_t at = only ? 5 : 0; at < list.size();) {
            size_t comma = list.find(',', at);
            std::string part = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
            size_t dash = part.find('-');
            long first = std::strtol(part.c_str(), nullptr, 0);
            long last = dash == std::string::npos ? first : std::strtol(part.c_str() + dash + 1, nullptr, 0);
            for (long number = first; number <= last; ++number) listed.insert(number);
            at = comma == std::string::npos ? list.size() : comma + 1;
        }
        for (long number = 0; number < 512; ++number) {
            if (listed.count(number) != only) also_excluded.insert(number);
        }
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);

    const std::set<std::string> root_before = directory_entries("/");
    const std::set<std::string> tmp_before = directory_entries("/tmp");
    const std::set<std::string> paths_before = all_paths();
    mkdir("/tmp", 0777);
    if (mkdir(scratch_root, 0777) != 0 && errno != EEXIST) {
        std::printf("syscall-fuzzer: cannot make %s: %s\n", scratch_root, std::strerror(errno));
        return 1;
    }
    std::printf("fuzz: seed=%llu seconds=%llu workers=%zu\n", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(seconds), worker_count);

    Random seeds{seed | 1};
    std::vector<Running> running;
    uint64_t started = 0, deadline = now_ms() + seconds * 1000;
    int crashed = 0;
    while (now_ms() < deadline) {
        while (running.size() < worker_count) {
            uint64_t worker_seed = seeds.next();
            pid_t pid = fork();
            if (pid == 0) worker_loop(worker_seed, static_cast<int>(started % 16));
            if (pid < 0) break;
            running.push_back({pid, now_ms()});
            ++started;
        }
        usleep(50 * 1000);
        for (auto& worker : running) {
            if (now_ms() - worker.started_ms > static_cast<uint64_t>(worker_lifetime_ms)) {
                kill(-worker.pid, SIGKILL);
                kill(worker.pid, SIGKILL);
            }
        }
        // Reap workers and anything reparented to init.
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (size_t i = 0; i < running.size(); ++i) {
                if (running[i].pid != pid) continue;
                if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) ++crashed;
                running.erase(running.begin() + static_cast<long>(i));
                break;
            }
        }
    }

    // Everything left, including processes that left their group: kill(-1)
    // reaches every process but init.
    kill(-1, SIGKILL);
    int status;
    while (waitpid(-1, &status, 0) > 0 || errno == EINTR) {
    }
    remove_new_entries("/tmp", tmp_before);
    remove_new_entries("/", root_before);
    // What the workers changed and the cleanup could not undo (a kernel that
    // refuses to remove what it let a process create shows up here).
    std::set<std::string> paths_after = all_paths();
    for (const std::string& path : paths_after) {
        if (!paths_before.count(path)) std::printf("fuzz: left behind: %s\n", path.c_str());
    }
    for (const std::string& path : paths_before) {
        if (!paths_after.count(path)) std::printf("fuzz: removed by a worker: %s\n", path.c_str());
    }
    std::printf("fuzz: done: %llu workers started, %d died of their own signal; init survived, the kernel did not stop\n",
                static_cast<unsigned long long>(started), crashed);
    return 0;
}
