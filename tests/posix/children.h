// Child processes for the suites that fork: run a body in a child, wait
// for it, require that it ended a given way.
#pragma once

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posix_test.h"

namespace posix {

// A child that runs body and exits 0 (a failed CHECK inside exits 1);
// returns its pid.
template <typename F>
pid_t spawn(F body) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        body();
        _exit(0);
    }
    return child;
}

// Waits for child and returns its wait status.
inline int wait_status(pid_t child) {
    int status = 0;
    CHECK_EQ(waitpid(child, &status, 0), child);
    return status;
}

// Waits for child and requires that it exited with 0.
inline void check_exits_zero(pid_t child) {
    int status = wait_status(child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

// Runs body in a child and requires it to exit 0 (its CHECKs print FAIL).
template <typename F>
void in_child(F body) {
    check_exits_zero(spawn(body));
}

// Waits for child and requires that signal killed it.
inline void check_killed_by(pid_t child, int signal) {
    int status = wait_status(child);
    CHECK(WIFSIGNALED(status));
    CHECK_EQ(WTERMSIG(status), signal);
}

}  // namespace posix
