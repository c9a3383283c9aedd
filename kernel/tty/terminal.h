// A terminal: the line discipline (tty/line_discipline.h) between a device
// (the serial console, a pty master) and the programs that have it open,
// with what Linux's tty layer adds around it: blocking reads (VMIN/VTIME),
// the termios and job-control ioctls, the controlling terminal of a
// session, its foreground process group, and the signals it sends there
// (^C, ^\, ^Z, SIGWINCH, SIGTTIN/SIGTTOU for background access).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "fs/devfs/standard_devices.h"
#include "lib/list.h"
#include "lib/spinlock.h"
#include "sched/thread.h"
#include "tty/line_discipline.h"

namespace tty {

class Terminal;

// An open file on the terminal side (the console, /dev/pts/N, /dev/tty).
class TerminalFile : public fs::DeviceFile {
public:
    TerminalFile(fs::Vnode& node, int flags, Terminal& terminal);
    ~TerminalFile() override;

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override;
    lib::ErrorOr<size_t> write_from(const mm::ByteSource& source) override;
    lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument) override;
    uint32_t ready_events() override;

    Terminal& terminal() { return terminal_; }
    lib::ListNode node;  // Terminal's open files

private:
    Terminal& terminal_;
};

class Terminal : private LineDiscipline::Device {
public:
    static constexpr int no_session = -1;

    Terminal();
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    // Bytes from the device: typed on the console (from its interrupt) or
    // written to a pty master. Signal characters are delivered by
    // deliver_signals, which must run in thread context.
    void input(const char* bytes, size_t length);
    void deliver_signals();

    // The terminal side's file operations.
    lib::ErrorOr<size_t> read(object::File& file, uint64_t user_address, size_t length);
    lib::ErrorOr<size_t> write(object::File& file, const mm::ByteSource& source);
    lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument);
    uint32_t ready_events();

    // A session leader without a controlling terminal that opens this one
    // (without O_NOCTTY) acquires it, as on Linux.
    void acquire_if_possible(int open_flags);
    // The session this is the controlling terminal of (no_session: none).
    int session() const { return session_; }
    // The terminal whose session is sid, or null.
    static Terminal* controlling_terminal_of(int sid);
    // Its session gives it up (TIOCNOTTY by the leader, the leader's exit):
    // the foreground group gets SIGHUP and SIGCONT.
    void hang_up();

    // Files come and go; the last one of a pty's slave side may free it.
    void attach(TerminalFile& file);
    virtual void detach(TerminalFile& file);

    virtual ~Terminal();

protected:
    // Where echo and program output go (after output processing).
    virtual void device_output(const char* bytes, size_t length) = 0;
    // The device side is gone (a pty whose master closed): reads see end
    // of file, writes fail with EIO.
    virtual bool hung_up() { return false; }
    // How many bytes device_output can take now (a pty master's buffer); a
    // writer waits for room, woken by wake_writers.
    virtual size_t output_room() { return ~size_t(0); }
    void wake_writers() { (void)sched::wake(writers_, 1 << 30); }
    // Wakes readers and pollers of the terminal side.
    void notify_terminal_side();
    bool has_files() const { return !files_.empty(); }

    LineDiscipline discipline_;
    lib::Spinlock lock_{lib::LockRank::terminal};
    uint16_t window_[4] = {24, 80, 0, 0};  // rows, columns, x and y pixels
    int session_ = no_session;
    int foreground_ = 0;

private:
    void output(const char* bytes, size_t length) override { device_output(bytes, length); }
    void signal_foreground(int signal) override;
    lib::Status check_background(int signal);
    lib::Status set_foreground(uint64_t argument);
    bool readable_for(size_t wanted);

    uint64_t pending_signals_ = 0;  // from signal characters, for deliver_signals
    sched::WaitQueue readers_;
    sched::WaitQueue writers_;
    lib::List<TerminalFile, &TerminalFile::node> files_;

public:
    lib::ListNode all_node;  // every terminal (controlling_terminal_of)
};

// /dev/ptmx and /dev/pts/N (tty/pty.cpp), the console (tty/console.cpp) and
// /dev/tty: registered with devfs at boot.
lib::Status register_terminal_devices();
lib::ErrorOr<object::File*> open_console(fs::Vnode& node, int flags);

}  // namespace tty
