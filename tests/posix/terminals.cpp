// Terminals through pseudo-terminals: /dev/ptmx and /dev/pts/N, the line
// discipline (canonical and raw reads, echo, erase, end of file, output
// processing), controlling terminals and job control (^C to the foreground
// group, SIGWINCH, SIGTTIN for a background reader), and ENOTTY elsewhere.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <initializer_list>
#include <string>

#include "children.h"
#include "posix_test.h"

namespace {

struct Pty {
    int master = -1;
    int slave = -1;
    std::string name;
};

// openpty(3) by hand: posix_openpt, unlockpt, ptsname, open.
Pty open_pty(int slave_flags = 0) {
    Pty pty;
    pty.master = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
    CHECK_OK(grantpt(pty.master));
    CHECK_OK(unlockpt(pty.master));
    const char* name = ptsname(pty.master);
    CHECK(name != nullptr);
    pty.name = name;
    pty.slave = CHECK_OK(open(name, O_RDWR | O_NOCTTY | slave_flags));
    return pty;
}

void put(int fd, const std::string& text) {
    CHECK_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

std::string take(int fd, size_t capacity = 256) {
    char buffer[512];
    ssize_t n = CHECK_OK(read(fd, buffer, capacity));
    return std::string(buffer, static_cast<size_t>(n));
}

// What the master has to read within a short while (echo, output).
std::string drain(int master) {
    std::string all;
    for (;;) {
        pollfd entry = {master, POLLIN, 0};
        if (poll(&entry, 1, 200) <= 0 || !(entry.revents & POLLIN)) return all;
        char buffer[256];
        ssize_t n = read(master, buffer, sizeof buffer);
        if (n <= 0) return all;
        all.append(buffer, static_cast<size_t>(n));
    }
}

void set_raw(int fd) {
    termios t;
    CHECK_OK(tcgetattr(fd, &t));
    cfmakeraw(&t);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    CHECK_OK(tcsetattr(fd, TCSANOW, &t));
}

volatile sig_atomic_t caught = 0;
void catch_signal(int signal) {
    caught = signal;
}

// Runs a child in its own session with the pty's slave as its controlling
// terminal (so its group is the foreground), does act, and returns the
// signal among those given that the child caught first.
template <typename F>
int signal_caught_by_session_child(const Pty& pty, std::initializer_list<int> signals, F act) {
    int report[2], ready[2];
    CHECK_OK(pipe(report));
    CHECK_OK(pipe(ready));
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        // Blocked until sigsuspend, so a signal cannot slip in between the
        // check of caught and the wait.
        sigset_t blocked, original;
        sigemptyset(&blocked);
        for (int signal_number : signals) {
            signal(signal_number, catch_signal);
            sigaddset(&blocked, signal_number);
        }
        sigprocmask(SIG_BLOCK, &blocked, &original);
        if (setsid() < 0) _exit(10);
        int fd = open(pty.name.c_str(), O_RDWR);
        if (fd < 0) _exit(11);
        if (ioctl(fd, TIOCSCTTY, 0) < 0) _exit(12);
        if (tcgetpgrp(fd) != getpid()) _exit(13);
        char byte = 'r';
        (void)!write(ready[1], &byte, 1);
        while (caught == 0) sigsuspend(&original);
        byte = static_cast<char>(caught);
        (void)!write(report[1], &byte, 1);
        _exit(0);
    }
    char byte = 0;
    CHECK_EQ(read(ready[0], &byte, 1), 1);
    act();
    CHECK_EQ(read(report[0], &byte, 1), 1);
    posix::check_exits_zero(child);
    for (int fd : {report[0], report[1], ready[0], ready[1]}) close(fd);
    return byte;
}

}  // namespace

POSIX_TEST(tty, ptmx_gives_a_master_and_a_numbered_slave) {
    Pty pty = open_pty();
    CHECK(pty.name.rfind("/dev/pts/", 0) == 0);
    unsigned number = 99999;
    CHECK_OK(ioctl(pty.master, TIOCGPTN, &number));
    CHECK_STREQ(pty.name, "/dev/pts/" + std::to_string(number));
    CHECK(isatty(pty.slave));
    CHECK(isatty(pty.master));
}

POSIX_TEST(tty, a_locked_slave_cannot_be_opened) {
    int master = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
    const char* name = ptsname(master);
    CHECK(name != nullptr);
    std::string slave = name;
    CHECK_ERRNO(open(slave.c_str(), O_RDWR | O_NOCTTY), EIO);
    int unlock = 0;
    CHECK_OK(ioctl(master, TIOCSPTLCK, &unlock));
    int fd = CHECK_OK(open(slave.c_str(), O_RDWR | O_NOCTTY));
    close(fd);
}

POSIX_TEST(tty, canonical_reads_wait_for_the_end_of_the_line) {
    Pty pty = open_pty(O_NONBLOCK);
    put(pty.master, "hel");
    char byte;
    usleep(20000);
    CHECK_ERRNO(read(pty.slave, &byte, 1), EAGAIN);
    put(pty.master, "lo\nnext\n");
    CHECK_STREQ(take(pty.slave), "hello\n");
    int queued = 0;
    CHECK_OK(ioctl(pty.slave, FIONREAD, &queued));
    CHECK_EQ(queued, 5);
    CHECK_STREQ(take(pty.slave, 2), "ne");
    CHECK_STREQ(take(pty.slave), "xt\n");
}

POSIX_TEST(tty, input_is_echoed_with_crlf) {
    Pty pty = open_pty();
    put(pty.master, "hi\n");
    CHECK_STREQ(take(pty.slave), "hi\n");
    CHECK_STREQ(drain(pty.master), "hi\r\n");
}

POSIX_TEST(tty, erase_and_kill_edit_the_line) {
    Pty pty = open_pty();
    put(pty.master, "abc\x7f" "d\n");
    CHECK_STREQ(take(pty.slave), "abd\n");
    put(pty.master, "junk\x15" "ok\n");
    CHECK_STREQ(take(pty.slave), "ok\n");
}

POSIX_TEST(tty, control_d_is_end_of_file) {
    Pty pty = open_pty();
    put(pty.master, "x\x04");
    CHECK_STREQ(take(pty.slave), "x");
    put(pty.master, "\x04");
    CHECK_STREQ(take(pty.slave), "");
}

POSIX_TEST(tty, raw_mode_reads_bytes_at_once_without_echo) {
    Pty pty = open_pty();
    set_raw(pty.slave);
    put(pty.master, "a\x7f\x03");
    CHECK_STREQ(take(pty.slave, 3), "a\x7f\x03");
    CHECK_STREQ(drain(pty.master), "");
}

POSIX_TEST(tty, vmin_zero_vtime_zero_returns_at_once) {
    Pty pty = open_pty();
    termios t;
    CHECK_OK(tcgetattr(pty.slave, &t));
    t.c_lflag &= ~(ICANON | ECHO);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    CHECK_OK(tcsetattr(pty.slave, TCSANOW, &t));
    char byte;
    CHECK_EQ(read(pty.slave, &byte, 1), 0);
    // VTIME: a bounded wait, then 0.
    t.c_cc[VTIME] = 1;
    CHECK_OK(tcsetattr(pty.slave, TCSANOW, &t));
    CHECK_EQ(read(pty.slave, &byte, 1), 0);
}

POSIX_TEST(tty, output_processing_turns_newlines_into_crlf) {
    Pty pty = open_pty();
    put(pty.slave, "x\n");
    CHECK_STREQ(drain(pty.master), "x\r\n");
    termios t;
    CHECK_OK(tcgetattr(pty.slave, &t));
    t.c_oflag &= ~OPOST;
    CHECK_OK(tcsetattr(pty.slave, TCSANOW, &t));
    put(pty.slave, "y\n");
    CHECK_STREQ(drain(pty.master), "y\n");
}

POSIX_TEST(tty, termios_round_trips) {
    Pty pty = open_pty();
    termios t;
    CHECK_OK(tcgetattr(pty.slave, &t));
    CHECK(t.c_lflag & ICANON);
    CHECK(t.c_lflag & ECHO);
    CHECK_EQ(t.c_cc[VINTR], 3);
    CHECK_EQ(t.c_cc[VEOF], 4);
    t.c_lflag &= ~ECHO;
    t.c_cc[VINTR] = 7;
    CHECK_OK(tcsetattr(pty.slave, TCSAFLUSH, &t));
    termios back;
    CHECK_OK(tcgetattr(pty.master, &back));  // the pair's, from either side
    CHECK(!(back.c_lflag & ECHO));
    CHECK_EQ(back.c_cc[VINTR], 7);
}

POSIX_TEST(tty, window_size_round_trips) {
    Pty pty = open_pty();
    winsize size = {};
    size.ws_row = 33;
    size.ws_col = 101;
    CHECK_OK(ioctl(pty.master, TIOCSWINSZ, &size));
    winsize back = {};
    CHECK_OK(ioctl(pty.slave, TIOCGWINSZ, &back));
    CHECK_EQ(back.ws_row, 33);
    CHECK_EQ(back.ws_col, 101);
}

POSIX_TEST(tty, control_c_sends_sigint_to_the_foreground_group) {
    Pty pty = open_pty();
    CHECK_EQ(signal_caught_by_session_child(pty, {SIGINT, SIGWINCH}, [&] { put(pty.master, "\x03"); }), SIGINT);
}

POSIX_TEST(tty, control_backslash_and_z_send_sigquit_and_sigtstp) {
    Pty pty = open_pty();
    CHECK_EQ(signal_caught_by_session_child(pty, {SIGQUIT}, [&] { put(pty.master, "\x1c"); }), SIGQUIT);
    CHECK_EQ(signal_caught_by_session_child(pty, {SIGTSTP}, [&] { put(pty.master, "\x1a"); }), SIGTSTP);
}

POSIX_TEST(tty, window_size_change_sends_sigwinch) {
    Pty pty = open_pty();
    winsize size = {};
    size.ws_row = 50;
    size.ws_col = 132;
    CHECK_EQ(signal_caught_by_session_child(pty, {SIGWINCH}, [&] { CHECK_OK(ioctl(pty.master, TIOCSWINSZ, &size)); }),
             SIGWINCH);
}

POSIX_TEST(tty, controlling_terminal_ioctls) {
    Pty pty = open_pty();
    // Not our controlling terminal (opened with O_NOCTTY, another session).
    CHECK_ERRNO(tcgetpgrp(pty.slave), ENOTTY);
    pid_t child = CHECK_OK(fork());
    if (child == 0) {
        // Not a session leader: TIOCSCTTY is refused.
        CHECK_ERRNO(ioctl(pty.slave, TIOCSCTTY, 0), EPERM);
        CHECK_OK(setsid());
        CHECK_ERRNO(open("/dev/tty", O_RDWR), ENXIO);
        CHECK_OK(ioctl(pty.slave, TIOCSCTTY, 0));
        CHECK_EQ(tcgetpgrp(pty.slave), getpid());
        pid_t sid = 0;
        CHECK_OK(ioctl(pty.slave, TIOCGSID, &sid));
        CHECK_EQ(sid, getpid());
        int tty = CHECK_OK(open("/dev/tty", O_RDWR));
        CHECK_EQ(tcgetpgrp(tty), getpid());
        // A group that does not exist, and a negative one.
        CHECK_ERRNO(tcsetpgrp(pty.slave, 999999), ESRCH);
        pid_t bad = -1;
        CHECK_ERRNO(ioctl(pty.slave, TIOCSPGRP, &bad), EINVAL);
        CHECK_OK(tcsetpgrp(pty.slave, getpid()));
        _exit(0);
    }
    posix::check_exits_zero(child);
}

POSIX_TEST(tty, a_background_reader_is_stopped_by_sigttin) {
    Pty pty = open_pty();
    pid_t leader = CHECK_OK(fork());
    if (leader == 0) {
        if (setsid() < 0) _exit(10);
        if (ioctl(pty.slave, TIOCSCTTY, 0) < 0) _exit(11);
        pid_t reader = fork();
        if (reader == 0) {
            setpgid(0, 0);  // a background group of the session
            char byte;
            (void)!read(pty.slave, &byte, 1);
            _exit(0);
        }
        setpgid(reader, reader);
        int status = 0;
        if (waitpid(reader, &status, WUNTRACED) != reader) _exit(12);
        if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTTIN) _exit(13);
        kill(reader, SIGKILL);
        waitpid(reader, &status, 0);
        // With SIGTTIN ignored, the background read fails with EIO instead.
        reader = fork();
        if (reader == 0) {
            setpgid(0, 0);
            signal(SIGTTIN, SIG_IGN);
            char byte;
            _exit(read(pty.slave, &byte, 1) == -1 && errno == EIO ? 0 : 14);
        }
        setpgid(reader, reader);
        if (waitpid(reader, &status, 0) != reader || !WIFEXITED(status)) _exit(15);
        _exit(WEXITSTATUS(status));
    }
    posix::check_exits_zero(leader);
}

POSIX_TEST(tty, master_read_fails_with_eio_once_the_slave_is_closed) {
    Pty pty = open_pty();
    put(pty.slave, "z");
    close(pty.slave);
    CHECK_STREQ(take(pty.master), "z");
    char byte;
    CHECK_ERRNO(read(pty.master, &byte, 1), EIO);
}

POSIX_TEST(tty, termios_calls_on_other_files_are_enotty) {
    int fds[2];
    CHECK_OK(pipe(fds));
    termios t;
    CHECK_ERRNO(tcgetattr(fds[0], &t), ENOTTY);
    CHECK(!isatty(fds[0]));
    winsize size;
    CHECK_ERRNO(ioctl(fds[1], TIOCGWINSZ, &size), ENOTTY);
    CHECK_ERRNO(tcgetpgrp(fds[0]), ENOTTY);
    CHECK_ERRNO(tcgetattr(-1, &t), EBADF);
}

POSIX_TEST(tty, a_large_slave_write_waits_for_the_master_to_read) {
    Pty pty = open_pty();
    set_raw(pty.slave);
    constexpr size_t total = 300000;
    pid_t writer = CHECK_OK(fork());
    if (writer == 0) {
        std::string block(1000, 'a');
        size_t written = 0;
        while (written < total) {
            size_t want = total - written < block.size() ? total - written : block.size();
            ssize_t n = write(pty.slave, block.data(), want);
            if (n <= 0) _exit(1);
            written += static_cast<size_t>(n);
        }
        _exit(0);
    }
    size_t received = 0;
    char buffer[4096];
    while (received < total) {
        ssize_t n = CHECK_OK(read(pty.master, buffer, sizeof buffer));
        for (ssize_t i = 0; i < n; ++i) CHECK_EQ(buffer[i], 'a');
        received += static_cast<size_t>(n);
    }
    CHECK_EQ(received, total);
    posix::check_exits_zero(writer);
}

POSIX_TEST(tty, a_nonblocking_slave_write_to_a_full_master_is_eagain) {
    Pty pty = open_pty(O_NONBLOCK);
    set_raw(pty.slave);
    std::string block(4096, 'b');
    ssize_t n = 0;
    for (int i = 0; i < 1000; ++i) {
        n = write(pty.slave, block.data(), block.size());
        if (n == -1) break;
    }
    CHECK_EQ(n, -1);
    CHECK_EQ(errno, EAGAIN);
}

POSIX_TEST(tty, the_foreground_group_gets_sighup_when_the_session_leader_exits) {
    Pty pty = open_pty();
    int report[2], ready[2];
    CHECK_OK(pipe(report));
    CHECK_OK(pipe(ready));
    pid_t leader = CHECK_OK(fork());
    if (leader == 0) {
        if (setsid() < 0) _exit(10);
        if (ioctl(pty.slave, TIOCSCTTY, 0) < 0) _exit(11);
        pid_t member = fork();
        if (member == 0) {
            // In the leader's group, the foreground one.
            sigset_t blocked, original;
            sigemptyset(&blocked);
            sigaddset(&blocked, SIGHUP);
            signal(SIGHUP, catch_signal);
            sigprocmask(SIG_BLOCK, &blocked, &original);
            char byte = 'r';
            (void)!write(ready[1], &byte, 1);
            while (caught == 0) sigsuspend(&original);
            byte = static_cast<char>(caught);
            (void)!write(report[1], &byte, 1);
            _exit(0);
        }
        char byte;
        (void)!read(ready[0], &byte, 1);
        _exit(0);  // the controlling process goes
    }
    int status;
    CHECK_EQ(waitpid(leader, &status, 0), leader);
    char byte = 0;
    CHECK_EQ(read(report[0], &byte, 1), 1);
    CHECK_EQ(byte, SIGHUP);
}
