// The suite's runner: every registered case (or those whose names start
// with one of the arguments) in its own child process and scratch
// directory. Prints "PASS <case>" or "FAIL <case>: why" for each, then
// "posix-<suite>: N cases, M failed"; exits 0 only when all passed.
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include "posix_test.h"

namespace posix {
namespace {

struct NamedCase {
    const char* name;
    Case body;
};

std::vector<NamedCase>& cases() {
    static std::vector<NamedCase> all;
    return all;
}

const char* current_case = "?";
constexpr unsigned case_alarm_seconds = 20;

bool selected(const char* name, int argc, char** argv) {
    if (argc <= 1) return true;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(name, argv[i], std::strlen(argv[i])) == 0) return true;
    }
    return false;
}

// A new empty directory for one case: under $TMPDIR on the host (ctest's
// machines share /tmp), under /tmp inside Tessera.
std::string make_scratch_directory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/posix-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) return {};
    return buffer.data();
}

int remove_entry(const char* path, const struct stat*, int, struct FTW*) {
    remove(path);
    return 0;
}

void remove_tree(const std::string& path) {
    if (!path.empty()) nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

// Runs one case in a child; true when it passed.
bool run_case(const NamedCase& test) {
    std::fflush(stdout);
    std::string scratch = make_scratch_directory();
    static bool reported_no_scratch = false;
    if (scratch.empty() && !reported_no_scratch) {
        reported_no_scratch = true;
        std::printf("note: cases run without scratch directories: mkdtemp: %s\n", describe_errno(errno).c_str());
    }
    pid_t child = fork();
    if (child < 0) {
        std::printf("FAIL %s: fork failed: %s\n", test.name, describe_errno(errno).c_str());
        return false;
    }
    if (child == 0) {
        current_case = test.name;
        // Without a scratch directory (a kernel that cannot mkdir yet) the
        // case still runs; cases that create files then fail on their own.
        if (!scratch.empty() && chdir(scratch.c_str()) != 0) {
            fail(__FILE__, __LINE__, "cannot enter " + scratch + ": " + describe_errno(errno));
        }
        alarm(case_alarm_seconds);
        test.body();
        std::fflush(stdout);
        _exit(0);
    }
    // The alarm ends a case that blocks, but not one that is stopped (a
    // signal case gone wrong): past a grace period the runner kills it.
    int status = 0;
    bool hung = false;
    for (long waited_us = 0;;) {
        pid_t done = waitpid(child, &status, WNOHANG);
        if (done == child || (done < 0 && errno != EINTR)) break;
        if (waited_us > static_cast<long>(case_alarm_seconds + 10) * 1000000) {
            hung = true;
            kill(child, SIGKILL);
            waitpid(child, &status, 0);
            break;
        }
        long step = waited_us < 100000 ? 1000 : 10000;  // quick cases are seen quickly
        usleep(static_cast<useconds_t>(step));
        waited_us += step;
    }
    remove_tree(scratch);
    if (hung) {
        std::printf("FAIL %s: still running %u s after its alarm (stopped?); killed\n", test.name, 10u);
        return false;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        std::printf("PASS %s\n", test.name);
        return true;
    }
    if (WIFSIGNALED(status)) {
        std::printf("FAIL %s: killed by signal %d (%s)%s\n", test.name, WTERMSIG(status), strsignal(WTERMSIG(status)),
                    WTERMSIG(status) == SIGALRM ? ": took longer than the case's alarm" : "");
    }
    // An exit with a nonzero status already printed its FAIL line.
    return false;
}

}  // namespace

Registration::Registration(const char* name, Case body) {
    cases().push_back({name, body});
}

void fail(const char* file, int line, const std::string& message) {
    const char* base = std::strrchr(file, '/');
    std::printf("FAIL %s: %s:%d: %s\n", current_case, base ? base + 1 : file, line, message.c_str());
    std::fflush(stdout);
    _exit(1);
}

std::string describe_errno(int error) {
    const char* name = strerrorname_np(error);
    return std::string(name ? name : std::to_string(error).c_str()) + " (" + std::strerror(error) + ")";
}

bool running_on_tessera() {
    struct utsname names;
    return uname(&names) == 0 && std::strcmp(names.sysname, "Tessera") == 0;
}

}  // namespace posix

int main(int argc, char** argv) {
    // Line-buffered even on a serial console, so output interleaves sanely
    // with children's.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const char* program = std::strrchr(argv[0], '/');
    program = program ? program + 1 : argv[0];
    int run = 0, failed = 0;
    for (const auto& test : posix::cases()) {
        if (!posix::selected(test.name, argc, argv)) continue;
        ++run;
        if (!posix::run_case(test)) ++failed;
    }
    std::printf("%s: %d cases, %d failed (on %s)\n", program, run, failed,
                posix::running_on_tessera() ? "Tessera" : "the host");
    return failed == 0 && run > 0 ? 0 : 1;
}
