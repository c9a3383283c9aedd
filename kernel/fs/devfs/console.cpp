// COM1 as the console terminal (5:1).
// FIXME: the terminal layer (line discipline, job control) replaces the
// ECHO-only handling here.
#include "arch/x86_64/serial.h"
#include "fs/devfs/standard_devices.h"
#include "lib/allocator.h"
#include "mm/user_copy.h"
#include "object/readiness.h"
#include "sched/clock.h"
#include "sched/process.h"
#include "sched/thread.h"

namespace fs {
namespace {

bool echo_enabled();

// COM1 as a terminal. Reads poll the UART every readiness_recheck_ns,
// sleeping in between (so other threads run and a signal ends the read); writes
// translate "\n" to "\r\n" like a tty with ONLCR. Of termios only ECHO is
// honoured; the rest is kept and reported back.
class Console final : public DeviceFile {
public:
    Console(Vnode& node, int flags) : DeviceFile(node, flags) {}

    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override {
        if (length == 0) return size_t(0);
        while (!arch::serial::input_ready()) {
            TRY(sched::sleep_until(sched::monotonic_ns() + object::readiness_recheck_ns));
        }
        char c = arch::serial::read_byte();
        if (c == '\r') c = '\n';
        // Echo as a cooked terminal would, unless the program turned ECHO
        // off to draw the line itself (busybox's line editing does).
        if (echo_enabled()) arch::serial::write(&c, 1);
        TRY(mm::copy_to_user(user_address, &c, 1));
        return size_t(1);
    }
    lib::ErrorOr<size_t> write(uint64_t user_address, size_t length) override {
        char buffer[256];
        size_t done = 0;
        while (done < length) {
            size_t chunk = lib::min(length - done, sizeof buffer);
            TRY(mm::copy_from_user(buffer, user_address + done, chunk));
            arch::serial::write(buffer, chunk);
            done += chunk;
        }
        return done;
    }
    // Readable when the UART holds a byte. COM1 interrupts are not used, so
    // nothing announces input: waiters look again every readiness_recheck_ns.
    uint32_t ready_events() override {
        uint32_t events = object::poll_out | object::poll_write_normal;
        if (arch::serial::input_ready()) events |= object::poll_in | object::poll_read_normal;
        return events;
    }
    uint64_t readiness_deadline() override { return sched::monotonic_ns() + object::readiness_recheck_ns; }
    lib::ErrorOr<uint64_t> control(uint64_t request, uint64_t argument) override;
};

constexpr uint64_t tcgets = 0x5401, tcsets = 0x5402, tcsetsw = 0x5403, tcsetsf = 0x5404;
constexpr uint64_t tiocgwinsz = 0x5413, tiocswinsz = 0x5414, tiocgpgrp = 0x540F, tiocspgrp = 0x5410;

// struct termios as the kernel ABI has it (not glibc's, which is larger).
struct [[gnu::packed]] KernelTermios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[19];
};

KernelTermios console_termios = {0x0500,  // ICRNL | IXON
                                 0x0005,  // OPOST | ONLCR
                                 0x00BF,  // B38400 | CS8 | CREAD
                                 0x8A3B,  // ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN
                                 0,      {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0}};

int32_t console_foreground_group = 0;

bool echo_enabled() {
    constexpr uint32_t local_echo = 0x0008;  // ECHO in c_lflag
    return (console_termios.lflag & local_echo) != 0;
}

lib::ErrorOr<uint64_t> Console::control(uint64_t request, uint64_t argument) {
    switch (request) {
        case tcgets:
            TRY(mm::copy_value_to_user(argument, console_termios));
            return uint64_t(0);
        case tcsets:
        case tcsetsw:
        case tcsetsf: {
            KernelTermios fresh;
            TRY(mm::copy_value_from_user(fresh, argument));
            console_termios = fresh;  // kept and reported back; the UART ignores it
            return uint64_t(0);
        }
        case tiocgwinsz: {
            uint16_t size[4] = {24, 80, 0, 0};
            TRY(mm::copy_to_user(argument, size, sizeof size));
            return uint64_t(0);
        }
        case tiocswinsz:
            return uint64_t(0);
        case tiocgpgrp: {
            // Until the console is a real controlling terminal: the group
            // last set, at first the caller's own (so a shell sees itself
            // in the foreground and turns job control on).
            int32_t group = console_foreground_group != 0 ? console_foreground_group
                                                          : sched::current_thread()->process->pgid;
            TRY(mm::copy_value_to_user(argument, group));
            return uint64_t(0);
        }
        case tiocspgrp: {
            int32_t group;
            TRY(mm::copy_value_from_user(group, argument));
            if (group < 0) return lib::Error::invalid_argument;
            console_foreground_group = group;
            return uint64_t(0);
        }
        default:
            return lib::Error::not_tty;
    }
}

}  // namespace

lib::ErrorOr<object::File*> open_console(Vnode& node, int flags) {
    object::File* file = lib::make<Console>(node, flags);
    if (file == nullptr) return lib::Error::no_memory;
    return file;
}

}  // namespace fs
