// Credentials: the uid/gid family with Linux's rules for root and for an
// unprivileged process, supplementary groups, the filesystem ids, kill's
// permission check, and prctl's name and parent-death signal.
#include <grp.h>
#include <signal.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "children.h"
#include "posix_test.h"

using posix::in_child;
using posix::spawn;
using posix::wait_status;

namespace {

constexpr uid_t user = 1000, other = 2000;

}  // namespace

POSIX_TEST(ids, getresuid_matches_the_single_getters) {
    uid_t r, e, s;
    CHECK_OK(getresuid(&r, &e, &s));
    CHECK_EQ(r, getuid());
    CHECK_EQ(e, geteuid());
    gid_t gr, ge, gs;
    CHECK_OK(getresgid(&gr, &ge, &gs));
    CHECK_EQ(gr, getgid());
    CHECK_EQ(ge, getegid());
    CHECK_ERRNO(syscall(SYS_getresuid, reinterpret_cast<void*>(8), &e, &s), EFAULT);
}

POSIX_TEST(ids, root_setuid_changes_every_id_and_drops_privilege) {
    if (geteuid() != 0) return;  // the suite runs as root on the host and in Tessera
    in_child([] {
        CHECK_OK(setuid(user));
        uid_t r, e, s;
        CHECK_OK(getresuid(&r, &e, &s));
        CHECK_EQ(r, user);
        CHECK_EQ(e, user);
        CHECK_EQ(s, user);
        CHECK_ERRNO(setuid(0), EPERM);
        CHECK_ERRNO(setgroups(0, nullptr), EPERM);
        CHECK_OK(setuid(user));
        CHECK_ERRNO(setuid(static_cast<uid_t>(-1)), EINVAL);
    });
}

POSIX_TEST(ids, unprivileged_ids_move_only_among_real_effective_and_saved) {
    if (geteuid() != 0) return;
    in_child([] {
        CHECK_OK(setresuid(user, other, 0));
        // Still the saved root: effective may go back to it...
        uid_t r, e, s;
        CHECK_OK(setresuid(-1, 0, -1));
        CHECK_OK(getresuid(&r, &e, &s));
        CHECK_EQ(e, 0u);
        CHECK_OK(setresuid(user, user, user));
        // ...but not once every id is the user.
        CHECK_ERRNO(setresuid(-1, 0, -1), EPERM);
        CHECK_ERRNO(setreuid(other, -1), EPERM);
        CHECK_ERRNO(seteuid(other), EPERM);
        CHECK_OK(setreuid(user, user));
    });
}

POSIX_TEST(ids, setreuid_updates_the_saved_id) {
    if (geteuid() != 0) return;
    in_child([] {
        CHECK_OK(setreuid(user, other));
        uid_t r, e, s;
        CHECK_OK(getresuid(&r, &e, &s));
        CHECK_EQ(r, user);
        CHECK_EQ(e, other);
        CHECK_EQ(s, other);  // the real id was set: saved follows effective
        // Now unprivileged: swap real and effective.
        CHECK_OK(setreuid(other, user));
        CHECK_OK(getresuid(&r, &e, &s));
        CHECK_EQ(r, other);
        CHECK_EQ(e, user);
        CHECK_EQ(s, user);
    });
}

POSIX_TEST(ids, gid_family) {
    if (geteuid() != 0) return;
    in_child([] {
        CHECK_OK(setresgid(user, other, user));
        gid_t r, e, s;
        CHECK_OK(getresgid(&r, &e, &s));
        CHECK_EQ(r, user);
        CHECK_EQ(e, other);
        CHECK_EQ(s, user);
        CHECK_OK(setregid(-1, user));
        CHECK_OK(setgid(user));
        CHECK_OK(getresgid(&r, &e, &s));
        CHECK_EQ(r, user);
        CHECK_EQ(e, user);
        CHECK_OK(setuid(user));  // drop root
        CHECK_ERRNO(setgid(other), EPERM);
        CHECK_ERRNO(setresgid(other, -1, -1), EPERM);
        CHECK_ERRNO(setregid(-1, other), EPERM);
    });
}

POSIX_TEST(ids, supplementary_groups) {
    if (geteuid() != 0) return;
    in_child([] {
        gid_t groups[3] = {10, 20, 30};
        CHECK_OK(setgroups(3, groups));
        CHECK_EQ(getgroups(0, nullptr), 3);
        gid_t back[3] = {};
        CHECK_EQ(getgroups(3, back), 3);
        CHECK_EQ(back[0], 10u);
        CHECK_EQ(back[2], 30u);
        CHECK_ERRNO(getgroups(2, back), EINVAL);
        CHECK_ERRNO(syscall(SYS_getgroups, -1, back), EINVAL);
        CHECK_ERRNO(syscall(SYS_setgroups, 3, reinterpret_cast<void*>(8)), EFAULT);
        CHECK_OK(setgroups(0, nullptr));
        CHECK_EQ(getgroups(0, nullptr), 0);
    });
}

POSIX_TEST(ids, setfsuid_returns_the_previous_id) {
    if (geteuid() != 0) return;
    in_child([] {
        CHECK_EQ(setfsuid(user), 0);
        CHECK_EQ(setfsuid(-1), static_cast<int>(user));
        CHECK_EQ(setfsgid(user), 0);
        CHECK_EQ(setfsgid(-1), static_cast<int>(user));
        CHECK_OK(setuid(user));
        // Unprivileged: a foreign id is refused, the old one still reported.
        CHECK_EQ(setfsuid(other), static_cast<int>(user));
        CHECK_EQ(setfsuid(-1), static_cast<int>(user));
    });
}

POSIX_TEST(ids, kill_needs_a_matching_user) {
    if (geteuid() != 0) return;
    pid_t root_child = CHECK_OK(fork());
    if (root_child == 0) {
        pause();
        _exit(0);
    }
    in_child([&] {
        CHECK_OK(setuid(user));
        CHECK_ERRNO(kill(root_child, SIGTERM), EPERM);
        CHECK_ERRNO(kill(root_child, 0), EPERM);
        CHECK_OK(kill(getpid(), 0));
    });
    CHECK_OK(kill(root_child, SIGKILL));
    int status;
    CHECK_EQ(waitpid(root_child, &status, 0), root_child);
}

POSIX_TEST(prctl, name_is_kept_and_cut_to_fifteen_bytes) {
    CHECK_OK(prctl(PR_SET_NAME, "worker", 0, 0, 0));
    char name[16] = {};
    CHECK_OK(prctl(PR_GET_NAME, name, 0, 0, 0));
    CHECK_STREQ(name, "worker");
    CHECK_OK(prctl(PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0));
    CHECK_OK(prctl(PR_GET_NAME, name, 0, 0, 0));
    CHECK_STREQ(name, "a-name-longer-t");
    CHECK_ERRNO(prctl(PR_SET_NAME, reinterpret_cast<char*>(8), 0, 0, 0), EFAULT);
}

POSIX_TEST(prctl, unknown_options_and_bad_signals_are_einval) {
    CHECK_ERRNO(prctl(0x7FFFFF, 0, 0, 0, 0), EINVAL);
    CHECK_ERRNO(prctl(PR_SET_PDEATHSIG, 65, 0, 0, 0), EINVAL);
    CHECK_OK(prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0));
    int signal = 0;
    CHECK_OK(prctl(PR_GET_PDEATHSIG, &signal, 0, 0, 0));
    CHECK_EQ(signal, SIGUSR2);
    // Not inherited by a child.
    in_child([] {
        int inherited = -1;
        CHECK_OK(prctl(PR_GET_PDEATHSIG, &inherited, 0, 0, 0));
        CHECK_EQ(inherited, 0);
    });
}

namespace {
int death_pipe = -1;
void on_parent_death(int signal) {
    char byte = static_cast<char>(signal);
    (void)!write(death_pipe, &byte, 1);
    _exit(0);
}
}  // namespace

POSIX_TEST(prctl, pdeathsig_is_sent_when_the_parent_dies) {
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t middle = CHECK_OK(fork());
    if (middle == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            death_pipe = fds[1];
            signal(SIGUSR1, on_parent_death);
            prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
            char ready = 'r';
            (void)!write(fds[1], &ready, 1);
            for (;;) pause();
        }
        char ready;
        (void)!read(fds[0], &ready, 1);
        _exit(0);  // the grandchild's parent dies
    }
    close(fds[1]);
    int status;
    CHECK_EQ(waitpid(middle, &status, 0), middle);
    char byte = 0;
    CHECK_EQ(read(fds[0], &byte, 1), 1);
    CHECK_EQ(byte, SIGUSR1);
}
