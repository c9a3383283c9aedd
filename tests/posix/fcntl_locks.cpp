// Advisory locks: fcntl record locks (F_GETLK, F_SETLK, F_SETLKW), released
// on close of any descriptor of the file and at exit; flock.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "posix_test.h"

namespace {

struct flock range(short type, off_t start, off_t length) {
    struct flock l = {};
    l.l_type = type;
    l.l_whence = SEEK_SET;
    l.l_start = start;
    l.l_len = length;
    return l;
}

// Runs body in a child; its exit status.
template <typename Body>
int in_child(Body body) {
    pid_t pid = fork();
    if (pid == 0) _exit(body());
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

int open_file() {
    return open("f", O_CREAT | O_RDWR, 0600);
}

// A child that write-locks the whole file, then waits (pauses, or sleeps
// 0.1 s and exits, taking its lock with it); returns once it holds the lock.
pid_t start_lock_holder(bool exit_soon) {
    int ready[2];
    if (pipe(ready) != 0) posix::fail(__FILE__, __LINE__, "pipe");
    pid_t holder = fork();
    if (holder == 0) {
        int fd = open_file();
        struct flock l = range(F_WRLCK, 0, 0);
        fcntl(fd, F_SETLK, &l);
        (void)!write(ready[1], "x", 1);
        if (exit_soon) {
            usleep(100000);
            _exit(0);
        }
        pause();
        _exit(0);
    }
    char byte;
    if (read(ready[0], &byte, 1) != 1) posix::fail(__FILE__, __LINE__, "the lock holder did not start");
    close(ready[0]);
    close(ready[1]);
    return holder;
}

}  // namespace

POSIX_TEST(record_lock, conflicts_between_processes) {
    int fd = CHECK_OK(open_file());
    struct flock l = range(F_WRLCK, 0, 10);
    CHECK_OK(fcntl(fd, F_SETLK, &l));
    int status = in_child([] {
        int child = open_file();
        struct flock want = range(F_RDLCK, 5, 1);
        if (fcntl(child, F_SETLK, &want) != -1 || errno != EAGAIN) return 1;
        struct flock query = range(F_WRLCK, 0, 0);
        if (fcntl(child, F_GETLK, &query) != 0) return 2;
        if (query.l_type != F_WRLCK || query.l_start != 0 || query.l_len != 10 || query.l_pid != getppid()) return 3;
        struct flock free_range = range(F_WRLCK, 10, 5);
        if (fcntl(child, F_SETLK, &free_range) != 0) return 4;
        return 0;
    });
    CHECK_EQ(status, 0);
}

POSIX_TEST(record_lock, own_locks_never_conflict_and_getlk_says_unlocked) {
    int fd = CHECK_OK(open_file());
    struct flock l = range(F_WRLCK, 0, 0);
    CHECK_OK(fcntl(fd, F_SETLK, &l));
    struct flock again = range(F_RDLCK, 3, 4);
    CHECK_OK(fcntl(fd, F_SETLK, &again));
    struct flock query = range(F_WRLCK, 0, 0);
    CHECK_OK(fcntl(fd, F_GETLK, &query));
    CHECK_EQ(query.l_type, F_UNLCK);
}

POSIX_TEST(record_lock, shared_locks_coexist_and_unlock_splits) {
    int fd = CHECK_OK(open_file());
    struct flock l = range(F_RDLCK, 0, 100);
    CHECK_OK(fcntl(fd, F_SETLK, &l));
    struct flock hole = range(F_UNLCK, 40, 20);
    CHECK_OK(fcntl(fd, F_SETLK, &hole));
    int status = in_child([] {
        int child = open_file();
        struct flock shared = range(F_RDLCK, 0, 100);
        if (fcntl(child, F_SETLK, &shared) != 0) return 1;
        struct flock middle = range(F_WRLCK, 45, 10);
        // The parent no longer holds 40..59, but the child's own read lock is no conflict.
        if (fcntl(child, F_SETLK, &middle) != 0) return 2;
        struct flock edge = range(F_WRLCK, 30, 20);
        if (fcntl(child, F_SETLK, &edge) != -1 || errno != EAGAIN) return 3;
        return 0;
    });
    CHECK_EQ(status, 0);
}

POSIX_TEST(record_lock, closing_any_descriptor_releases_the_process_locks) {
    int fd = CHECK_OK(open_file());
    int other = CHECK_OK(open("f", O_RDONLY));
    struct flock l = range(F_WRLCK, 0, 0);
    CHECK_OK(fcntl(fd, F_SETLK, &l));
    CHECK_OK(close(other));
    int status = in_child([] {
        int child = open_file();
        struct flock want = range(F_WRLCK, 0, 0);
        return fcntl(child, F_SETLK, &want) == 0 ? 0 : 1;
    });
    CHECK_EQ(status, 0);
}

POSIX_TEST(record_lock, locks_go_when_the_holder_exits_and_setlkw_waits) {
    pid_t holder = start_lock_holder(true);  // its lock goes with the process
    int fd = CHECK_OK(open_file());
    struct flock want = range(F_WRLCK, 0, 0);
    CHECK_ERRNO(fcntl(fd, F_SETLK, &want), EAGAIN);
    CHECK_OK(fcntl(fd, F_SETLKW, &want));  // blocks until the holder exits
    waitpid(holder, nullptr, 0);
}

POSIX_TEST(record_lock, errors) {
    int fd = CHECK_OK(open_file());
    struct flock bad_type = range(42, 0, 0);
    CHECK_ERRNO(fcntl(fd, F_SETLK, &bad_type), EINVAL);
    struct flock bad_whence = range(F_RDLCK, 0, 0);
    bad_whence.l_whence = 7;
    CHECK_ERRNO(fcntl(fd, F_SETLK, &bad_whence), EINVAL);
    struct flock negative = range(F_RDLCK, -5, 1);
    CHECK_ERRNO(fcntl(fd, F_SETLK, &negative), EINVAL);
    int reader = CHECK_OK(open("f", O_RDONLY));
    struct flock write_lock = range(F_WRLCK, 0, 0);
    CHECK_ERRNO(fcntl(reader, F_SETLK, &write_lock), EBADF);
    CHECK_ERRNO(fcntl(fd, F_SETLK, reinterpret_cast<struct flock*>(1)), EFAULT);
    CHECK_ERRNO(fcntl(999, F_SETLK, &write_lock), EBADF);
}

// Many locks, then most of them released: the ones left still hold (the
// kernel's lock table gives back storage as it empties and moves them).
POSIX_TEST(record_lock, many_locks_then_most_released) {
    int fd = CHECK_OK(open_file());
    for (off_t byte = 0; byte < 80; byte += 2) {
        struct flock l = range(F_WRLCK, byte, 1);
        CHECK_OK(fcntl(fd, F_SETLK, &l));
    }
    struct flock most = range(F_UNLCK, 0, 60);
    CHECK_OK(fcntl(fd, F_SETLK, &most));
    int status = in_child([] {
        int child = open_file();
        struct flock freed = range(F_WRLCK, 0, 60);
        if (fcntl(child, F_SETLK, &freed) != 0) return 1;
        struct flock gap = range(F_WRLCK, 61, 1);
        if (fcntl(child, F_SETLK, &gap) != 0) return 2;
        for (off_t byte = 60; byte < 80; byte += 2) {
            struct flock held = range(F_RDLCK, byte, 1);
            if (fcntl(child, F_SETLK, &held) != -1 || errno != EAGAIN) return 3;
        }
        return 0;
    });
    CHECK_EQ(status, 0);
    struct flock rest = range(F_UNLCK, 0, 0);
    CHECK_OK(fcntl(fd, F_SETLK, &rest));
    status = in_child([] {
        int child = open_file();
        struct flock all = range(F_WRLCK, 0, 0);
        return fcntl(child, F_SETLK, &all) == 0 ? 0 : 1;
    });
    CHECK_EQ(status, 0);
}

POSIX_TEST(flock, exclusive_shared_and_nonblocking) {
    int fd = CHECK_OK(open_file());
    CHECK_OK(flock(fd, LOCK_EX));
    int status = in_child([] {
        int child = open_file();  // another open file description
        if (flock(child, LOCK_SH | LOCK_NB) != -1 || errno != EWOULDBLOCK) return 1;
        return 0;
    });
    CHECK_EQ(status, 0);
    CHECK_OK(flock(fd, LOCK_SH));  // converting
    status = in_child([] {
        int child = open_file();
        if (flock(child, LOCK_SH | LOCK_NB) != 0) return 1;
        if (flock(child, LOCK_EX | LOCK_NB) != -1 || errno != EWOULDBLOCK) return 2;
        return 0;
    });
    CHECK_EQ(status, 0);
    CHECK_OK(flock(fd, LOCK_UN));
    CHECK_ERRNO(flock(fd, 0), EINVAL);
    CHECK_ERRNO(flock(999, LOCK_EX), EBADF);
}

POSIX_TEST(flock, released_when_the_last_descriptor_closes) {
    int fd = CHECK_OK(open_file());
    int copy = CHECK_OK(dup(fd));
    CHECK_OK(flock(fd, LOCK_EX));
    CHECK_OK(close(fd));
    int status = in_child([] {
        int child = open_file();
        return flock(child, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK ? 0 : 1;
    });
    CHECK_EQ(status, 0);  // the dup still holds it
    CHECK_OK(close(copy));
    status = in_child([] {
        int child = open_file();
        return flock(child, LOCK_EX | LOCK_NB) == 0 ? 0 : 1;
    });
    CHECK_EQ(status, 0);
}

POSIX_TEST(flock, many_descriptions_then_most_closed) {
    int fds[20];
    for (int& fd : fds) {
        fd = CHECK_OK(open_file());
        CHECK_OK(flock(fd, LOCK_SH | LOCK_NB));
    }
    for (int i = 0; i < 19; ++i) CHECK_OK(close(fds[i]));
    int status = in_child([] {
        int child = open_file();
        if (flock(child, LOCK_EX | LOCK_NB) != -1 || errno != EWOULDBLOCK) return 1;  // the last one still holds
        return flock(child, LOCK_SH | LOCK_NB) == 0 ? 0 : 2;
    });
    CHECK_EQ(status, 0);
    CHECK_OK(close(fds[19]));
    status = in_child([] {
        int child = open_file();
        return flock(child, LOCK_EX | LOCK_NB) == 0 ? 0 : 1;
    });
    CHECK_EQ(status, 0);
}

POSIX_TEST(record_lock, setlkw_is_interrupted_by_a_signal) {
    pid_t holder = start_lock_holder(false);
    struct sigaction action = {};
    action.sa_handler = [](int) {};
    CHECK_OK(sigaction(SIGALRM, &action, nullptr));  // no SA_RESTART
    alarm(1);
    int fd = CHECK_OK(open_file());
    struct flock want = range(F_WRLCK, 0, 0);
    CHECK_ERRNO(fcntl(fd, F_SETLKW, &want), EINTR);
    kill(holder, SIGKILL);
    waitpid(holder, nullptr, 0);
}

POSIX_TEST(record_lock, dup2_over_a_descriptor_releases_the_locks) {
    int fd = CHECK_OK(open_file());
    int other = CHECK_OK(open("f", O_RDONLY));
    struct flock l = range(F_WRLCK, 0, 0);
    CHECK_OK(fcntl(fd, F_SETLK, &l));
    int null = CHECK_OK(open("/dev/null", O_RDONLY));
    CHECK_OK(dup2(null, other));  // closes a descriptor of f
    int status = in_child([] {
        int child = open_file();
        struct flock want = range(F_WRLCK, 0, 0);
        return fcntl(child, F_SETLK, &want) == 0 ? 0 : 1;
    });
    CHECK_EQ(status, 0);
}
