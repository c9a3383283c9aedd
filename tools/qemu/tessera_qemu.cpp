// tessera-qemu: boots a kernel in QEMU with the harness, shows the serial
// console on stdout, forwards stdin to it, and exits with the guest's status.
// `./tessera qemu` and `./tessera run` call this; see --help.
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "machine.h"

namespace {

constexpr int exit_timeout = 124;
constexpr int exit_harness_error = 125;
constexpr int exit_interrupted = 130;

std::atomic<int> pending_signal{0};
termios saved_terminal{};
bool terminal_is_raw = false;

void restore_terminal() {
    if (terminal_is_raw) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
    terminal_is_raw = false;
}

void usage(std::FILE* out) {
    std::fputs(
        "usage: tessera-qemu --kernel IMAGE [options] [-- extra QEMU arguments]\n"
        "  --initrd FILE        ramdisk (cpio archive) passed as a boot module\n"
        "  --append TEXT        kernel command line (e.g. \"init=/bin/busybox echo hi\")\n"
        "  --smp N              number of CPUs (default 1)\n"
        "  --mem SIZE           memory, QEMU syntax (default 512M)\n"
        "  --machine TYPE       QEMU machine (default q35)\n"
        "  --accel kvm|tcg|auto accelerator (default auto: KVM when /dev/kvm is usable)\n"
        "  --display TYPE       QEMU display (default none; gtk or sdl for a window)\n"
        "  --gdb                start stopped, gdb stub on localhost:1234\n"
        "  --timeout SECONDS    kill the guest after this long (exit 124)\n"
        "  --work-dir DIR       keep serial.log, qemu.log and command.txt here\n"
        "The console is this terminal: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A.\n"
        "Exit status: the guest's (isa-debug-exit), 124 timeout, 125 no status or\n"
        "harness error, 130 interrupted.\n",
        out);
}

// Copies stdin to the guest's serial port. On a terminal, raw mode so that
// keys like Ctrl-C reach the guest; Ctrl-A x asks to quit.
void forward_stdin(tessera::qemu::Machine& machine, std::atomic<bool>& quit_requested) {
    bool tty = ::isatty(STDIN_FILENO);
    if (tty && ::tcgetattr(STDIN_FILENO, &saved_terminal) == 0) {
        termios raw = saved_terminal;
        ::cfmakeraw(&raw);
        raw.c_oflag |= OPOST | ONLCR;  // keep our own output readable
        if (::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
            terminal_is_raw = true;
            std::atexit(restore_terminal);
        }
    }
    bool escape = false;
    char byte;
    while (::read(STDIN_FILENO, &byte, 1) == 1) {
        if (tty && escape) {
            escape = false;
            if (byte == 'x') {
                quit_requested = true;
                return;
            }
            if (byte != 0x01) continue;
        } else if (tty && byte == 0x01) {
            escape = true;
            continue;
        }
        try {
            machine.write_serial(std::string_view(&byte, 1));
        } catch (const std::exception&) {
            return;  // the guest is gone
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    tessera::qemu::Options options;
    int timeout_seconds = 0;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "tessera-qemu: %s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        auto number = [&]() {
            std::string text = value();
            char* end = nullptr;
            long parsed = std::strtol(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0' || parsed < 0 || parsed > 100000) {
                std::fprintf(stderr, "tessera-qemu: %s wants a whole number, not '%s'\n", arg.c_str(), text.c_str());
                std::exit(2);
            }
            return static_cast<int>(parsed);
        };
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else if (arg == "--kernel") {
            options.kernel = value();
        } else if (arg == "--initrd") {
            options.initrd = value();
        } else if (arg == "--append") {
            options.append = value();
        } else if (arg == "--smp") {
            options.cpus = number();
            if (options.cpus < 1) options.cpus = 1;
        } else if (arg == "--mem") {
            options.memory = value();
        } else if (arg == "--machine") {
            options.machine = value();
        } else if (arg == "--display") {
            options.display = value();
        } else if (arg == "--gdb") {
            options.wait_for_debugger = true;
        } else if (arg == "--timeout") {
            timeout_seconds = number();
        } else if (arg == "--work-dir") {
            options.work_directory = value();
        } else if (arg == "--accel") {
            std::string accel = value();
            if (accel == "kvm") {
                options.accelerator = tessera::qemu::Accelerator::kvm;
            } else if (accel == "tcg") {
                options.accelerator = tessera::qemu::Accelerator::tcg;
            } else if (accel == "auto") {
                options.accelerator = tessera::qemu::Accelerator::automatic;
            } else {
                std::fprintf(stderr, "tessera-qemu: --accel takes kvm, tcg or auto\n");
                return 2;
            }
        } else if (arg == "--") {
            options.extra_arguments.assign(argv + i + 1, argv + argc);
            break;
        } else {
            std::fprintf(stderr, "tessera-qemu: unknown option '%s'\n", arg.c_str());
            usage(stderr);
            return 2;
        }
    }
    if (options.kernel.empty()) {
        usage(stderr);
        return 2;
    }
    if (options.wait_for_debugger) {
        std::fprintf(stderr, "tessera-qemu: waiting for gdb on localhost:1234 (target remote :1234)\n");
    }
    options.echo_serial = true;

    struct sigaction action{};
    action.sa_handler = [](int signal) { pending_signal = signal; };
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGHUP, &action, nullptr);

    try {
        tessera::qemu::Machine machine(options);
        std::atomic<bool> quit_requested{false};
        std::thread(forward_stdin, std::ref(machine), std::ref(quit_requested)).detach();
        auto started = std::chrono::steady_clock::now();
        for (;;) {
            if (auto status = machine.wait_for_exit(std::chrono::milliseconds(50))) {
                restore_terminal();
                if (*status == tessera::qemu::no_guest_status) {
                    std::fprintf(stderr,
                                 "\ntessera-qemu: QEMU stopped without a guest exit status "
                                 "(triple fault, power-off or quit); see %s\n",
                                 machine.serial_log_path().c_str());
                    return exit_harness_error;
                }
                return *status;
            }
            if (pending_signal != 0 || quit_requested) {
                machine.kill();
                restore_terminal();
                std::fprintf(stderr, "\ntessera-qemu: stopped\n");
                return exit_interrupted;
            }
            if (timeout_seconds > 0 && std::chrono::steady_clock::now() - started > std::chrono::seconds(timeout_seconds)) {
                machine.kill();
                restore_terminal();
                std::fprintf(stderr, "\ntessera-qemu: timed out after %d s\n", timeout_seconds);
                return exit_timeout;
            }
        }
    } catch (const std::exception& error) {
        restore_terminal();
        std::fprintf(stderr, "tessera-qemu: %s\n", error.what());
        return exit_harness_error;
    }
}
