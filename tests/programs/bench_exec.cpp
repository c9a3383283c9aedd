// bench-exec [COUNT]: exec-to-exit of a static program, two ways.
//
//   exec_to_exit  fork + execve("hello", "-q") + wait4, COUNT times: what a
//                 shell pays to run a program. Needs fork.
//   busybox_true  the same with Debian's busybox-static running `true`
//                 (when a busybox sits next to this program).
//   exec_chain    this program execve()s itself COUNT times without fork;
//                 each exec starts a fresh image (static, ~1 MiB) that
//                 parses its arguments and execs again. Needs only execve.
//
// hello is looked up next to this program (the directory of AT_EXECFN). A
// missing system call is reported as "error=..." for that figure.
#include <errno.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "bench.h"

namespace {

using namespace tessera::bench;

std::string self_path() {
    auto path = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
    return path ? path : "";
}

std::string sibling(const std::string& name) {
    std::string self = self_path();
    auto slash = self.rfind('/');
    return (slash == std::string::npos ? std::string(".") : self.substr(0, slash)) + "/" + name;
}

// fork + execve(program, {program, argument}) + wait4, count times, as figure.
void fork_exec_wait(const char* figure, const std::string& program, const char* argument, long count) {
    std::int64_t start = monotonic_ns();
    for (long i = 0; i < count; ++i) {
        pid_t child = fork();
        if (child < 0) {
            std::printf("bench %s error=fork_%s\n", figure, strerrorname_np(errno));
            return;
        }
        if (child == 0) {
            char* args[] = {const_cast<char*>(program.c_str()), const_cast<char*>(argument), nullptr};
            execve(args[0], args, environ);
            _exit(127);
        }
        int status = 0;
        if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            std::printf("bench %s error=%s_did_not_exit_0\n", figure, program.c_str());
            return;
        }
    }
    std::printf("bench %s us_per_op=%.1f count=%ld program=%s\n", figure,
                static_cast<double>(monotonic_ns() - start) / count / 1000, count, program.c_str());
}

[[noreturn]] void exec_chain(long remaining, long total, std::int64_t start) {
    if (remaining == 0) {
        std::printf("bench exec_chain us_per_op=%.1f count=%ld\n",
                    static_cast<double>(monotonic_ns() - start) / total / 1000, total);
        done();
        std::exit(0);
    }
    std::string self = self_path();
    std::string next = std::to_string(remaining - 1), all = std::to_string(total), when = std::to_string(start);
    char* args[] = {
        const_cast<char*>(self.c_str()), const_cast<char*>("--chain"), next.data(), all.data(), when.data(), nullptr};
    execve(args[0], args, environ);
    std::printf("bench exec_chain error=execve_%s\n", strerrorname_np(errno));
    done();
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 5 && std::strcmp(argv[1], "--chain") == 0) {
        exec_chain(std::atol(argv[2]), std::atol(argv[3]), std::atoll(argv[4]));
    }
    long count = count_argument(argc, argv, 1, 200);
    std::fflush(stdout);
    fork_exec_wait("exec_to_exit", sibling("hello"), "-q", count);
    std::fflush(stdout);
    if (access(sibling("busybox").c_str(), X_OK) == 0) {
        fork_exec_wait("busybox_true", sibling("busybox"), "true", count);
        std::fflush(stdout);
    }
    exec_chain(count, count, monotonic_ns());
}
