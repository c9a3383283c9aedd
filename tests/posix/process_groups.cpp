// Process groups and sessions: getpgrp, getpgid, setpgid, getsid, setsid,
// what fork and exec keep, and signals and waits addressed to a group.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "posix_test.h"

using posix::in_child;
using posix::spawn;
using posix::wait_status;

namespace {

// A child that waits for a byte on a pipe before exiting; returns its pid.
struct Sleeper {
    int fds[2];
    pid_t pid;
};
Sleeper sleeper() {
    Sleeper s;
    CHECK_OK(pipe(s.fds));
    s.pid = CHECK_OK(fork());
    if (s.pid == 0) {
        close(s.fds[1]);
        char byte;
        (void)!read(s.fds[0], &byte, 1);
        _exit(0);
    }
    close(s.fds[0]);
    return s;
}
void release(Sleeper& s) {
    close(s.fds[1]);
    wait_status(s.pid);
}

}  // namespace

POSIX_TEST(pgrp, getpgrp_and_getpgid_agree) {
    CHECK_EQ(getpgrp(), getpgid(0));
    CHECK_EQ(getpgid(getpid()), getpgrp());
    CHECK_EQ(getsid(0), getsid(getpid()));
    pid_t gone = spawn([] {});
    wait_status(gone);
    CHECK_ERRNO(getpgid(gone), ESRCH);
    CHECK_ERRNO(getsid(gone), ESRCH);
    CHECK_ERRNO(getpgid(-5), ESRCH);
}

POSIX_TEST(pgrp, fork_inherits_group_and_session) {
    pid_t group = getpgrp(), session = getsid(0);
    in_child([&] {
        CHECK_EQ(getpgrp(), group);
        CHECK_EQ(getsid(0), session);
    });
}

POSIX_TEST(pgrp, setpgid_makes_a_new_group) {
    in_child([] {
        CHECK_OK(setpgid(0, 0));
        CHECK_EQ(getpgrp(), getpid());
        CHECK_ERRNO(setpgid(0, -1), EINVAL);
        CHECK_ERRNO(setpgid(-3, 0), EINVAL);
        CHECK_ERRNO(setpgid(999999, 0), ESRCH);
    });
}

POSIX_TEST(pgrp, setpgid_moves_a_child_into_the_parents_group) {
    in_child([] {
        CHECK_OK(setpgid(0, 0));
        Sleeper s = sleeper();
        CHECK_OK(setpgid(s.pid, s.pid));
        CHECK_EQ(getpgid(s.pid), s.pid);
        CHECK_OK(setpgid(s.pid, getpgrp()));
        CHECK_EQ(getpgid(s.pid), getpgrp());
        // A group that does not exist in the session.
        CHECK_ERRNO(setpgid(s.pid, 999999), EPERM);
        release(s);
        // Not a child at all: the grandparent.
        CHECK_ERRNO(setpgid(getppid(), getppid()), ESRCH);
    });
}

POSIX_TEST(pgrp, setpgid_of_a_child_that_has_exec_ed_is_eacces) {
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        dup2(fds[0], 0);
        close(fds[1]);
        execl("/bin/sh", "sh", "-c", "read line", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[0]);
    // Wait until the exec happened: the child's sh has replaced the image.
    int result = 0;
    for (int tries = 0; tries < 200; ++tries) {
        usleep(10000);
        result = setpgid(child, child);
        if (result == -1) break;
    }
    CHECK_EQ(result, -1);
    CHECK_EQ(errno, EACCES);
    CHECK_EQ(write(fds[1], "\n", 1), 1);
    close(fds[1]);
    wait_status(child);
}

POSIX_TEST(pgrp, setsid_makes_a_session_and_group_leader) {
    in_child([] {
        pid_t session = CHECK_OK(setsid());
        CHECK_EQ(session, getpid());
        CHECK_EQ(getsid(0), getpid());
        CHECK_EQ(getpgrp(), getpid());
        // A session leader cannot make another session or change its group.
        CHECK_ERRNO(setsid(), EPERM);
        CHECK_ERRNO(setpgid(0, 0), EPERM);
        // Its children are born in the new session.
        in_child([] { CHECK_EQ(getsid(0), getppid()); });
    });
}

POSIX_TEST(pgrp, group_leader_cannot_setsid) {
    in_child([] {
        CHECK_OK(setpgid(0, 0));
        CHECK_ERRNO(setsid(), EPERM);
    });
}

POSIX_TEST(pgrp, setpgid_across_sessions_is_eperm) {
    in_child([] {
        CHECK_OK(setpgid(0, 0));
        pid_t group = getpgrp();
        int fds[2];
        CHECK_OK(pipe(fds));
        pid_t child = CHECK_OK(fork());
        if (child == 0) {
            setsid();
            char byte = 's';
            (void)!write(fds[1], &byte, 1);
            pause();
            _exit(0);
        }
        char byte;
        CHECK_EQ(read(fds[0], &byte, 1), 1);
        CHECK_ERRNO(setpgid(child, group), EPERM);
        CHECK_OK(kill(child, SIGKILL));
        wait_status(child);
    });
}

POSIX_TEST(pgrp, kill_of_a_negative_pgid_reaches_the_whole_group) {
    in_child([] {
        CHECK_OK(setpgid(0, 0));
        Sleeper first = sleeper();
        Sleeper second = sleeper();
        CHECK_OK(setpgid(first.pid, first.pid));
        CHECK_OK(setpgid(second.pid, first.pid));
        CHECK_OK(kill(-first.pid, SIGTERM));
        posix::check_killed_by(first.pid, SIGTERM);
        posix::check_killed_by(second.pid, SIGTERM);
        CHECK_ERRNO(kill(-first.pid, SIGTERM), ESRCH);
        CHECK_ERRNO(kill(-999999, 0), ESRCH);
    });
}

POSIX_TEST(pgrp, kill_zero_signals_the_callers_group) {
    in_child([] {
        CHECK_OK(setpgid(0, 0));
        Sleeper member = sleeper();
        Sleeper outsider = sleeper();
        CHECK_OK(setpgid(outsider.pid, outsider.pid));
        // The caller is in the group too: it ignores SIGTERM to survive it.
        signal(SIGTERM, SIG_IGN);
        CHECK_OK(kill(0, SIGTERM));
        posix::check_killed_by(member.pid, SIGTERM);
        release(outsider);
    });
}

POSIX_TEST(pgrp, waitpid_by_group) {
    in_child([] {
        CHECK_OK(setpgid(0, 0));
        Sleeper in_group = sleeper();
        Sleeper other = sleeper();
        CHECK_OK(setpgid(other.pid, other.pid));
        close(other.fds[1]);
        close(in_group.fds[1]);
        int status;
        // waitpid(0) waits for the caller's group only.
        CHECK_EQ(waitpid(0, &status, 0), in_group.pid);
        CHECK_ERRNO(waitpid(0, &status, WNOHANG), ECHILD);
        CHECK_EQ(waitpid(-other.pid, &status, 0), other.pid);
        CHECK_ERRNO(waitpid(-other.pid, &status, 0), ECHILD);
    });
}

POSIX_TEST(pgrp, an_orphaned_group_ignores_terminal_stop_signals) {
    // After setsid the group's only member has its parent in another
    // session: the group is orphaned, SIGTSTP's default does nothing.
    in_child([] {
        CHECK_OK(setsid());
        CHECK_OK(raise(SIGTSTP));
        CHECK_OK(raise(SIGTTIN));
        CHECK_OK(raise(SIGTTOU));
    });
}

namespace {
int hangup_pipe = -1;
void report_hangup(int signal) {
    char byte = static_cast<char>(signal);
    (void)!write(hangup_pipe, &byte, 1);
    _exit(0);
}
}  // namespace

POSIX_TEST(pgrp, a_stopped_group_orphaned_by_an_exit_gets_sighup_and_sigcont) {
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t middle = CHECK_OK(fork());
    if (middle == 0) {
        pid_t member = fork();
        if (member == 0) {
            setpgid(0, 0);  // its own group, its parent in another group of the session
            hangup_pipe = fds[1];
            signal(SIGHUP, report_hangup);
            raise(SIGSTOP);
            _exit(1);  // continued without SIGHUP
        }
        setpgid(member, member);
        int status;
        waitpid(member, &status, WUNTRACED);
        _exit(WIFSTOPPED(status) ? 0 : 2);  // leaving orphans the stopped group
    }
    close(fds[1]);
    int status = wait_status(middle);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    char byte = 0;
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_EQ(byte, SIGHUP);
}
