#include "tty/terminal.h"

#include "fs/devfs/devices.h"
#include "fs/vfs/open_file.h"
#include "lib/allocator.h"
#include "mm/user_copy.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/signal.h"

namespace tty {
namespace {

constexpr uint64_t tcgets = 0x5401, tcsets = 0x5402, tcsetsw = 0x5403, tcsetsf = 0x5404, tcsbrk = 0x5409,
                   tcxonc = 0x540A, tcflsh = 0x540B, tiocsctty = 0x540E, tiocgpgrp = 0x540F, tiocspgrp = 0x5410,
                   tiocoutq = 0x5411, tiocgwinsz = 0x5413, tiocswinsz = 0x5414, fionread = 0x541B,
                   tiocnotty = 0x5422, tcsbrkp = 0x5425, tiocgsid = 0x5429;
constexpr size_t chunk = 1024;  // bytes moved per step between user memory and the discipline

// Every terminal, for /dev/tty and the controlling-terminal checks.
// Changed only in system calls (creation, destruction).
lib::List<Terminal, &Terminal::all_node> terminals;

struct Locked {
    lib::Spinlock& lock;
    uint64_t flags;
    explicit Locked(lib::Spinlock& lock) : lock(lock), flags(lock.lock()) {}
    ~Locked() { lock.unlock(flags); }
};

sched::Process& caller() {
    return *sched::current_thread()->process;
}

// A session ends with its leader: the terminal is free for another one
// (hang_up_session makes it so at once; this covers a leader that died
// while the terminal was being looked at). Session 0 is init's and has no
// leader process.
bool session_over(int sid) {
    if (sid == Terminal::no_session || sid == 0) return false;
    sched::Process* leader = sched::find_process(sid);
    return leader == nullptr || leader->state == sched::ProcessState::zombie;
}

}  // namespace

TerminalFile::TerminalFile(fs::Vnode& node, int flags, Terminal& terminal)
    : DeviceFile(node, flags), terminal_(terminal) {
    terminal_.attach(*this);
}

TerminalFile::~TerminalFile() {
    terminal_.detach(*this);
}

lib::ErrorOr<size_t> TerminalFile::read(uint64_t user_address, size_t length) {
    return terminal_.read(*this, user_address, length);
}
lib::ErrorOr<size_t> TerminalFile::write(uint64_t user_address, size_t length) {
    return write_from(mm::ByteSource::user(user_address, length));
}
lib::ErrorOr<size_t> TerminalFile::write_from(const mm::ByteSource& source) {
    return terminal_.write(*this, source);
}
lib::ErrorOr<uint64_t> TerminalFile::control(uint64_t request, uint64_t argument) {
    return terminal_.control(request, argument);
}
uint32_t TerminalFile::ready_events() {
    return terminal_.ready_events();
}

Terminal::Terminal() : discipline_(*this) {
    terminals.push_back(*this);
}

Terminal::~Terminal() {
    lib::List<Terminal, &Terminal::all_node>::remove(*this);
}

Terminal* Terminal::controlling_terminal_of(int sid) {
    Terminal* found = nullptr;
    terminals.for_each([&](Terminal& terminal) {
        if (terminal.session_ == sid) found = &terminal;
    });
    return found;
}

void Terminal::attach(TerminalFile& file) {
    Locked locked(lock_);
    files_.push_back(file);
}

void Terminal::detach(TerminalFile& file) {
    Locked locked(lock_);
    lib::List<TerminalFile, &TerminalFile::node>::remove(file);
}

void Terminal::notify_terminal_side() {
    (void)sched::wake(readers_, 1 << 30);
    Locked locked(lock_);
    files_.for_each([](TerminalFile& file) { file.readiness.notify(object::poll_in | object::poll_read_normal); });
}

void Terminal::input(const char* bytes, size_t length) {
    {
        Locked locked(lock_);
        for (size_t i = 0; i < length; ++i) discipline_.receive(bytes[i]);
    }
    notify_terminal_side();
}

void Terminal::signal_foreground(int signal) {
    pending_signals_ |= sched::signal_bit(signal);
}

void Terminal::deliver_signals() {
    uint64_t pending;
    int group;
    {
        Locked locked(lock_);
        pending = pending_signals_;
        pending_signals_ = 0;
        group = foreground_;
    }
    for (int signal = 1; pending != 0; ++signal, pending >>= 1) {
        if (pending & 1) sched::send_signal_to_group(group, signal);
    }
}

// Job control (Linux's tty_check_change and the read check): a process of
// the terminal's session but not of its foreground group that reads, or
// changes the terminal, has its whole group stopped by SIGTTIN/SIGTTOU; the
// call starts again once continued. A read with SIGTTIN ignored or blocked
// fails with EIO; a change with SIGTTOU ignored or blocked goes ahead.
lib::Status Terminal::check_background(int signal) {
    sched::Process& process = caller();
    int foreground;
    {
        Locked locked(lock_);
        if (session_ != process.sid) return lib::ok();
        foreground = foreground_;
    }
    if (process.pgid == foreground) return lib::ok();
    if (sched::current_thread_ignores_or_blocks(signal)) {
        return signal == sched::sigttin ? lib::Status(lib::Error::io_error) : lib::ok();
    }
    // An orphaned group would stop for good: EIO instead.
    if (sched::process_group_orphaned(process.pgid, nullptr)) return lib::Error::io_error;
    sched::send_signal_to_group(process.pgid, signal);
    return lib::Error::interrupted;
}

lib::ErrorOr<size_t> Terminal::read(object::File& file, uint64_t user_address, size_t length) {
    TRY(check_background(sched::sigttin));
    if (length == 0) return size_t(0);
    char buffer[chunk];
    uint64_t deadline = 0;
    for (;;) {
        size_t copied = 0;
        bool done = false;
        {
            Locked locked(lock_);
            const Termios& termios = discipline_.termios();
            size_t available = discipline_.readable();
            if (termios.lflag & icanon) {
                done = available > 0 || hung_up();
            } else {
                // VMIN bytes (at most the request) or, with VMIN 0, whatever
                // is there; VTIME (tenths of a second) bounds the wait.
                size_t minimum = termios.cc[vmin];
                if (minimum > length) minimum = length;
                done = available >= (minimum == 0 ? 1 : minimum) || hung_up() ||
                       (termios.cc[vmin] == 0 && termios.cc[vtime] == 0) ||
                       (deadline != 0 && sched::monotonic_ns() >= deadline && (available > 0 || termios.cc[vmin] == 0));
                if (!done && termios.cc[vtime] != 0 && deadline == 0 && (termios.cc[vmin] == 0 || available > 0)) {
                    deadline = sched::monotonic_ns() + uint64_t(termios.cc[vtime]) * 100'000'000;
                }
            }
            if (done) copied = discipline_.read(buffer, length < chunk ? length : chunk);
        }
        if (done) {
            if (copied > 0) TRY(mm::copy_to_user(user_address, buffer, copied));
            return copied;
        }
        if (file.status_flags & object::open_nonblocking) return lib::Error::try_again;
        if (sched::current_thread_must_exit()) return lib::Error::interrupted;
        (void)sched::block_on(readers_, deadline);
    }
}

lib::ErrorOr<size_t> Terminal::write(object::File& file, const mm::ByteSource& source) {
    size_t length = source.length();
    if (discipline_.termios().lflag & tostop) TRY(check_background(sched::sigttou));
    char buffer[chunk];
    size_t done = 0;
    while (done < length) {
        size_t count = length - done < chunk ? length - done : chunk;
        auto copied = source.copy_to(buffer, done, count);
        if (copied.is_error()) {
            if (done > 0) return done;
            return copied.error();
        }
        for (size_t taken = 0; taken < count;) {
            size_t step;
            {
                Locked locked(lock_);
                if (hung_up()) return lib::Error::io_error;
                // Output processing at most doubles the bytes (ONLCR).
                step = lib::min(count - taken, output_room() / 2);
                if (step > 0) discipline_.write(buffer + taken, step);
            }
            if (step > 0) {
                taken += step;
                continue;
            }
            // The device is full (a pty master nobody reads): wait for room,
            // as Linux does, until everything is written; without waiting
            // (O_NONBLOCK, a signal) the part written so far counts.
            bool nonblocking = file.status_flags & object::open_nonblocking;
            if (nonblocking || sched::current_thread_must_exit()) {
                if (done + taken > 0) return done + taken;
                return nonblocking ? lib::Error::try_again : lib::Error::interrupted;
            }
            (void)sched::block_on(writers_, 0);
        }
        done += count;
    }
    return done;
}

uint32_t Terminal::ready_events() {
    Locked locked(lock_);
    uint32_t events = object::poll_out | object::poll_write_normal;
    if (discipline_.readable() > 0) events |= object::poll_in | object::poll_read_normal;
    if (hung_up()) events |= object::poll_hangup | object::poll_in;
    return events;
}

void Terminal::acquire_if_possible(int open_flags) {
    if (open_flags & fs::open_no_tty) return;
    sched::Process& process = caller();
    if (process.sid != process.pid || controlling_terminal_of(process.sid) != nullptr) return;
    Locked locked(lock_);
    if (session_ != no_session && !session_over(session_)) return;
    session_ = process.sid;
    foreground_ = process.pgid;
}

lib::Status Terminal::set_foreground(uint64_t argument) {
    sched::Process& process = caller();
    if (session_ != process.sid) return lib::Error::not_tty;
    TRY(check_background(sched::sigttou));
    int32_t group;
    TRY(mm::copy_value_from_user(group, argument));
    if (group < 0) return lib::Error::invalid_argument;
    bool in_session = false, anywhere = false;
    // Zombies count until reaped, as on Linux (see setpgid).
    sched::for_each_process([&](sched::Process& other) {
        if (other.pgid != group) return;
        anywhere = true;
        in_session |= other.sid == session_;
    });
    if (!in_session) return anywhere ? lib::Error::not_permitted : lib::Error::no_such_process;
    Locked locked(lock_);
    foreground_ = group;
    return lib::ok();
}

lib::ErrorOr<uint64_t> Terminal::control(uint64_t request, uint64_t argument) {
    sched::Process& process = caller();
    switch (request) {
        case tcgets: {
            Termios termios;
            {
                Locked locked(lock_);
                termios = discipline_.termios();
            }
            TRY(mm::copy_value_to_user(argument, termios));
            return uint64_t(0);
        }
        case tcsets:
        case tcsetsw:
        case tcsetsf: {
            TRY(check_background(sched::sigttou));
            Termios fresh;
            TRY(mm::copy_value_from_user(fresh, argument));
            {
                Locked locked(lock_);
                if (request == tcsetsf) discipline_.flush_input();
                discipline_.set_termios(fresh);
            }
            notify_terminal_side();  // leaving canonical mode may make input readable
            return uint64_t(0);
        }
        case tcflsh:
            if (argument > 2) return lib::Error::invalid_argument;
            if (argument != 1) {
                Locked locked(lock_);
                discipline_.flush_input();
            }
            return uint64_t(0);
        case tcsbrk:
        case tcsbrkp:
        case tcxonc:
            return uint64_t(0);  // output is never held back
        case tiocoutq: {
            int32_t none = 0;
            TRY(mm::copy_value_to_user(argument, none));
            return uint64_t(0);
        }
        case fionread: {
            int32_t queued;
            {
                Locked locked(lock_);
                queued = static_cast<int32_t>(discipline_.queued());
            }
            TRY(mm::copy_value_to_user(argument, queued));
            return uint64_t(0);
        }
        case tiocgwinsz:
            TRY(mm::copy_to_user(argument, window_, sizeof window_));
            return uint64_t(0);
        case tiocswinsz: {
            uint16_t fresh[4];
            TRY(mm::copy_from_user(fresh, argument, sizeof fresh));
            bool changed = lib::compare_bytes(fresh, window_, sizeof fresh) != 0;
            lib::copy_bytes(window_, fresh, sizeof fresh);
            if (changed && session_ != no_session) sched::send_signal_to_group(foreground_, sched::sigwinch);
            return uint64_t(0);
        }
        case tiocgpgrp:
        case tiocgsid: {
            if (session_ != process.sid) return lib::Error::not_tty;
            int32_t value = request == tiocgpgrp ? foreground_ : session_;
            TRY(mm::copy_value_to_user(argument, value));
            return uint64_t(0);
        }
        case tiocspgrp:
            TRY(set_foreground(argument));
            return uint64_t(0);
        case tiocsctty: {
            if (session_ == process.sid) return uint64_t(0);
            if (process.sid != process.pid || controlling_terminal_of(process.sid) != nullptr) {
                return lib::Error::not_permitted;
            }
            // Taking a terminal from another session: root, asking with 1.
            if (session_ != no_session && !session_over(session_) &&
                !(argument == 1 && process.credentials.euid == 0)) {
                return lib::Error::not_permitted;
            }
            Locked locked(lock_);
            session_ = process.sid;
            foreground_ = process.pgid;
            return uint64_t(0);
        }
        case tiocnotty: {
            if (session_ != process.sid) return lib::Error::not_tty;
            // FIXME: only a session leader gives the terminal up; another
            // member cannot be detached alone (the terminal belongs to the
            // session here, not to each process).
            if (process.sid == process.pid) hang_up();
            return uint64_t(0);
        }
        default:
            return lib::Error::not_tty;
    }
}

namespace {

// /dev/tty: the caller's controlling terminal.
lib::ErrorOr<object::File*> open_controlling_terminal(fs::Vnode& node, int flags) {
    Terminal* terminal = Terminal::controlling_terminal_of(caller().sid);
    if (terminal == nullptr) return lib::Error::no_device_or_address;
    object::File* file = lib::make<TerminalFile>(node, flags, *terminal);
    if (file == nullptr) return lib::Error::no_memory;
    return file;
}

// The controlling process exits: its terminal's foreground group gets
// SIGHUP and SIGCONT and the terminal belongs to no session (Linux's
// disassociate_ctty).
void hang_up_session(int sid) {
    Terminal* terminal = Terminal::controlling_terminal_of(sid);
    if (terminal != nullptr) terminal->hang_up();
}

}  // namespace

void Terminal::hang_up() {
    int group;
    {
        Locked locked(lock_);
        group = foreground_;
        session_ = no_session;
        foreground_ = 0;
    }
    sched::send_signal_to_group(group, sched::sighup);
    sched::send_signal_to_group(group, sched::sigcont);
}

lib::Status register_pty_devices();
lib::Status start_console();

lib::Status register_terminal_devices() {
    TRY(start_console());
    TRY(register_pty_devices());
    fs::set_controlling_terminal_hook(open_controlling_terminal);
    sched::set_session_leader_exit_hook(hang_up_session);
    return lib::ok();
}

}  // namespace tty
