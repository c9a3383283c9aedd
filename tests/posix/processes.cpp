// Processes: fork, wait4/waitpid/waitid, exit statuses, getpid/getppid,
// execve errors.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posix_test.h"

POSIX_TEST(fork, child_sees_its_own_pid_and_parent) {
    pid_t parent = getpid();
    pid_t child = CHECK_OK(fork());
    if (child == 0) _exit(getppid() == parent && getpid() != parent ? 0 : 1);
    int status = 0;
    CHECK_EQ(CHECK_OK(waitpid(child, &status, 0)), child);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
}

POSIX_TEST(fork, memory_is_copied_not_shared) {
    static int value = 1;
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        value = 2;
        _exit(value);
    }
    int status = 0;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK_EQ(WEXITSTATUS(status), 2);
    CHECK_EQ(value, 1);
}

POSIX_TEST(wait, exit_status_is_the_low_eight_bits) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) _exit(0x1234);
    int status = 0;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0x34);
}

POSIX_TEST(wait, without_children_is_echild) {
    int status;
    CHECK_ERRNO(waitpid(-1, &status, 0), ECHILD);
    CHECK_ERRNO(waitpid(999999, &status, WNOHANG), ECHILD);
}

POSIX_TEST(wait, wnohang_with_a_running_child_returns_zero) {
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        char byte;
        close(fds[1]);
        _exit(read(fds[0], &byte, 1) == 0 ? 0 : 1);  // until the parent closes
    }
    close(fds[0]);
    int status = 0;
    CHECK_EQ(CHECK_OK(waitpid(child, &status, WNOHANG)), 0);
    close(fds[1]);
    CHECK_EQ(CHECK_OK(waitpid(child, &status, 0)), child);
    CHECK_EQ(WEXITSTATUS(status), 0);
}

POSIX_TEST(wait, bad_options_are_einval) {
    int status;
    CHECK_ERRNO(waitpid(-1, &status, 0x1000), EINVAL);
}

// Linux reaps the child before it fails to store the status.
POSIX_TEST(wait, bad_status_pointer_is_efault_and_reaps) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) _exit(0);
    CHECK_ERRNO(waitpid(child, reinterpret_cast<int*>(8), 0), EFAULT);
    CHECK_ERRNO(waitpid(child, nullptr, WNOHANG), ECHILD);
}

POSIX_TEST(waitid, reports_the_exit_code_in_siginfo) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) _exit(7);
    siginfo_t info = {};
    CHECK_OK(waitid(P_PID, child, &info, WEXITED));
    CHECK_EQ(info.si_pid, child);
    CHECK_EQ(info.si_code, CLD_EXITED);
    CHECK_EQ(info.si_status, 7);
}

POSIX_TEST(waitid, wnowait_leaves_the_zombie) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) _exit(3);
    siginfo_t info = {};
    CHECK_OK(waitid(P_PID, child, &info, WEXITED | WNOWAIT));
    CHECK_EQ(info.si_status, 3);
    int status = 0;
    CHECK_EQ(CHECK_OK(waitpid(child, &status, 0)), child);
    CHECK_EQ(WEXITSTATUS(status), 3);
}

POSIX_TEST(waitid, without_wexited_is_einval) {
    siginfo_t info;
    CHECK_ERRNO(waitid(P_ALL, 0, &info, 0), EINVAL);
}

POSIX_TEST(execve, missing_file_is_enoent) {
    char* argv[] = {const_cast<char*>("nothing"), nullptr};
    char* envp[] = {nullptr};
    CHECK_ERRNO(execve("/no/such/program", argv, envp), ENOENT);
}

POSIX_TEST(execve, a_directory_is_eacces) {
    char* argv[] = {const_cast<char*>("tmp"), nullptr};
    char* envp[] = {nullptr};
    CHECK_ERRNO(execve("/tmp", argv, envp), EACCES);
}

POSIX_TEST(execve, bad_path_pointer_is_efault) {
    char* argv[] = {nullptr};
    CHECK_ERRNO(execve(reinterpret_cast<const char*>(8), argv, argv), EFAULT);
}

POSIX_TEST(execve, runs_a_program_with_its_arguments) {
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("exit 42"), nullptr};
        char* envp[] = {nullptr};
        execve("/bin/sh", argv, envp);
        _exit(127);
    }
    int status = 0;
    CHECK_OK(waitpid(child, &status, 0));
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 42);
}

POSIX_TEST(identity, getppid_of_an_orphan_is_not_its_dead_parent) {
    int fds[2];
    CHECK_OK(pipe(fds));
    pid_t middle = CHECK_OK(fork());
    if (middle == 0) {
        pid_t grandchild = fork();
        if (grandchild < 0) _exit(1);
        if (grandchild == 0) {
            char byte;
            close(fds[1]);
            if (read(fds[0], &byte, 1) != 0) _exit(1);  // the middle process has exited
            _exit(getppid() != getpid() && getppid() != 0 ? 0 : 1);
        }
        _exit(0);
    }
    close(fds[0]);
    int status = 0;
    CHECK_OK(waitpid(middle, &status, 0));
    CHECK_EQ(WEXITSTATUS(status), 0);
    close(fds[1]);  // lets the grandchild look at its new parent; it reports nothing back
}

POSIX_TEST(limits, getrlimit_stack_is_set) {
    struct rlimit limit;
    CHECK_OK(getrlimit(RLIMIT_STACK, &limit));
    CHECK(limit.rlim_cur > 0);
}

// A zombie stays in its process group until reaped: a shell puts the
// second process of a pipeline into the group of the first, which may
// already have exited.
POSIX_TEST(setpgid, joins_a_group_whose_only_member_is_a_zombie) {
    pid_t leader = CHECK_OK(fork());
    if (leader == 0) {
        setpgid(0, 0);
        _exit(0);
    }
    setpgid(leader, leader);  // either side may win the race; both ask the same
    siginfo_t info = {};
    CHECK_OK(waitid(P_PID, leader, &info, WEXITED | WNOWAIT));  // a zombie now, not reaped
    pid_t second = CHECK_OK(fork());
    if (second == 0) _exit(setpgid(0, leader) == 0 && getpgrp() == leader ? 0 : 1);
    int status = 0;
    CHECK_OK(waitpid(second, &status, 0));
    CHECK_EQ(WEXITSTATUS(status), 0);
    CHECK_OK(waitpid(leader, &status, 0));
}
