// The QEMU harness: boots a Tessera kernel in QEMU for tests, `./tessera qemu`
// and `./tessera run`, and never leaves a QEMU behind.
//
// QEMU is started with direct kernel boot through qboot (firmware under nested
// KVM is slow), KVM when /dev/kvm is usable and TCG otherwise. Its serial port
// and QMP monitor connect back to sockets the harness listens on before QEMU
// starts, so no output is lost. The serial log is kept in memory and in a file.
//
// QEMU dies with the harness on every path: the destructor kills it, and the
// child asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG),
// which also covers a harness killed by a signal.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "qmp.h"

namespace tessera::qemu {

// automatic: KVM when /dev/kvm is usable, unless TESSERA_ACCEL=tcg is set.
enum class Accelerator { automatic, kvm, tcg };

struct Options {
    // Either a kernel for direct boot through qboot (development, tests) ...
    std::filesystem::path kernel;  // flat Multiboot image
    // ... or a bootable ISO (what users get: GRUB) with real firmware:
    // SeaBIOS when firmware is empty, or e.g. /usr/share/ovmf/OVMF.fd for UEFI.
    // Slow under nested KVM, so ISO boots normally use TCG.
    std::filesystem::path cdrom;
    std::filesystem::path firmware;
    std::filesystem::path initrd;  // optional ramdisk (cpio)
    std::string append;            // kernel command line
    int cpus = 1;
    std::string memory = "512M";
    std::string machine = "q35";
    Accelerator accelerator = Accelerator::automatic;
    bool wait_for_debugger = false;          // gdb stub on tcp::1234, CPU stopped
    bool start_paused = false;               // leave the CPU stopped; QMP "cont" starts it
    std::string display = "none";            // QEMU -display value
    std::vector<std::string> extra_arguments;  // devices and the like
    // Where the serial log, QEMU's stderr and screenshots are kept. Empty: a
    // fresh directory under /tmp, removed when the machine is destroyed.
    std::filesystem::path work_directory;
    bool echo_serial = false;  // copy guest serial output to stdout as it arrives
};

// Whether /dev/kvm can be opened, speaks the stable KVM API, and is not
// kvm-pvm (which cannot run our user mode correctly).
bool kvm_usable();

// The full QEMU command line for options (sockets given). Pure, for tests.
std::vector<std::string> qemu_command_line(const Options& options, bool use_kvm,
                                           const std::filesystem::path& serial_socket,
                                           const std::filesystem::path& qmp_socket);

// Turns QEMU's wait status into the guest's exit status. isa-debug-exit makes
// QEMU exit with (status << 1) | 1, and that is the only way a guest reports
// a status. QEMU's plain exit 0 (a triple fault under -no-reboot, an ACPI
// power-off, a QMP quit) carries none: no_guest_status. A signal that killed
// QEMU gives 128 + its number, as shells report it.
constexpr int no_guest_status = -1;
int guest_status_from_wait_status(int wait_status);

class Machine {
public:
    // Starts QEMU and connects to its serial port and QMP. Throws
    // std::runtime_error with QEMU's own error text when it cannot start.
    explicit Machine(Options options);
    ~Machine();
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;

    // Waits until the serial output after the previous match contains a match
    // of pattern (ECMAScript regex). Returns false on timeout or when QEMU
    // exits first. Like expect: each success moves the search start past it.
    bool wait_for_serial(const std::string& pattern, std::chrono::milliseconds timeout);

    std::string serial_output() const;
    const std::filesystem::path& serial_log_path() const { return serial_log_path_; }
    const std::filesystem::path& work_directory() const { return work_directory_; }

    // Sends bytes to the guest's serial port (its console input).
    void write_serial(std::string_view bytes);

    Qmp& qmp() { return *qmp_; }

    // Writes the current screen as PNG.
    void screendump(const std::filesystem::path& png);

    // Waits for QEMU to exit; the guest's status, or nullopt on timeout.
    // After an exit, serial_output() is complete.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

    // Kills QEMU now (idempotent).
    void kill();

    bool running();
    pid_t pid() const { return pid_; }

private:
    void read_serial();
    void drain_serial();
    std::filesystem::path make_work_directory();

    Options options_;
    std::filesystem::path work_directory_;
    bool remove_work_directory_ = false;
    std::filesystem::path socket_directory_;
    std::filesystem::path serial_log_path_;
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
    int serial_fd_ = -1;
    std::unique_ptr<Qmp> qmp_;
    std::thread serial_reader_;

    mutable std::mutex serial_mutex_;
    std::condition_variable serial_changed_;
    std::string serial_;
    size_t serial_search_start_ = 0;
    bool serial_closed_ = false;
};

}  // namespace tessera::qemu
