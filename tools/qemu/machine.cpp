#include "machine.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace tessera::qemu {
namespace {

constexpr const char* qemu_binary = "/usr/bin/qemu-system-x86_64";
constexpr const char* qboot_firmware = "/usr/share/qemu/qboot.rom";
constexpr auto connect_timeout = std::chrono::seconds(30);

std::runtime_error system_error(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

int listen_unix(const std::filesystem::path& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw system_error("socket");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string text = path.string();
    if (text.size() >= sizeof address.sun_path) {
        ::close(fd);
        throw std::runtime_error("socket path too long: " + text);
    }
    std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 || ::listen(fd, 1) < 0) {
        int saved = errno;
        ::close(fd);
        errno = saved;
        throw system_error("listen on " + text);
    }
    return fd;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::filesystem::path make_temporary_directory(const char* prefix) {
    std::string pattern = std::string("/tmp/") + prefix + "XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw system_error("mkdtemp");
    return pattern;
}

}  // namespace

bool kvm_usable() {
    // kvm-pvm (a paravirtual KVM for nested use) accepts our guests but cannot
    // run them correctly: a user-mode `syscall` enters the kernel's entry
    // point still in user mode, and Debian's Linux hangs in its decompressor.
    // Software emulation is slower but right, so PVM counts as unusable.
    if (std::filesystem::exists("/sys/module/kvm_pvm")) return false;
    int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) return false;
    bool usable = ::ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
    ::close(fd);
    return usable;
}

std::vector<std::string> qemu_command_line(const Options& options, bool use_kvm,
                                           const std::filesystem::path& serial_socket,
                                           const std::filesystem::path& qmp_socket) {
    std::vector<std::string> args = {
        qemu_binary,
        "-machine", options.machine,
        "-accel", use_kvm ? "kvm" : "tcg",
        // Nested KVM here refuses the IA32_ARCH_CAPABILITIES MSR that
        // "-cpu host" would pass through, and QEMU aborts; the guest never
        // needs it.
        "-cpu", use_kvm ? "host,-arch-capabilities" : "max",
        "-smp", std::to_string(options.cpus),
        "-m", options.memory,
        "-display", options.display,
        "-no-reboot",
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-chardev", "socket,id=serial0,path=" + serial_socket.string(),
        "-serial", "chardev:serial0",
        "-chardev", "socket,id=qmp0,path=" + qmp_socket.string(),
        "-mon", "chardev=qmp0,mode=control",
        // The CPU waits until QMP is connected, so even a guest that exits at
        // once cannot race the handshake; the harness then continues it.
        "-S",
    };
    if (options.cdrom.empty()) {
        args.insert(args.end(), {"-bios", qboot_firmware, "-kernel", options.kernel.string()});
    } else {
        args.insert(args.end(), {"-cdrom", options.cdrom.string(), "-boot", "d"});
        if (!options.firmware.empty()) args.insert(args.end(), {"-bios", options.firmware.string()});
    }
    if (!options.initrd.empty()) {
        args.push_back("-initrd");
        args.push_back(options.initrd.string());
    }
    if (!options.append.empty()) {
        args.push_back("-append");
        args.push_back(options.append);
    }
    if (options.wait_for_debugger) args.push_back("-s");
    args.insert(args.end(), options.extra_arguments.begin(), options.extra_arguments.end());
    return args;
}

int guest_status_from_wait_status(int wait_status) {
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    if (!WIFEXITED(wait_status)) return no_guest_status;
    int code = WEXITSTATUS(wait_status);
    if ((code & 1) == 0) return no_guest_status;
    return code >> 1;
}

Machine::Machine(Options options) : options_(std::move(options)) {
    const auto& image = options_.cdrom.empty() ? options_.kernel : options_.cdrom;
    if (!std::filesystem::exists(image)) {
        throw std::runtime_error("no image at " + image.string() + " (run ./tessera build)");
    }
    if (options_.work_directory.empty()) {
        work_directory_ = make_temporary_directory("tessera-qemu-");
        remove_work_directory_ = std::getenv("TESSERA_KEEP_QEMU_FILES") == nullptr;
    } else {
        work_directory_ = std::filesystem::absolute(options_.work_directory);
        std::filesystem::create_directories(work_directory_);
    }
    serial_log_path_ = work_directory_ / "serial.log";
    // Unix socket paths are limited to 107 bytes, so they live in a short
    // directory of their own rather than in the (possibly deep) work directory.
    socket_directory_ = make_temporary_directory("tq-");

    int serial_listener = -1;
    int qmp_listener = -1;
    try {
        serial_listener = listen_unix(socket_directory_ / "serial");
        qmp_listener = listen_unix(socket_directory_ / "qmp");
        const char* forced = std::getenv("TESSERA_ACCEL");
        bool forced_tcg = forced != nullptr && std::string(forced) == "tcg";
        bool use_kvm = options_.accelerator == Accelerator::kvm ||
                       (options_.accelerator == Accelerator::automatic && !forced_tcg && kvm_usable());
        std::vector<std::string> args =
            qemu_command_line(options_, use_kvm, socket_directory_ / "serial", socket_directory_ / "qmp");
        std::vector<char*> argv;
        for (auto& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        std::string stderr_path = (work_directory_ / "qemu.log").string();
        std::ofstream(work_directory_ / "command.txt") << [&] {
            std::string line;
            for (auto& arg : args) line += arg + " ";
            return line;
        }() << "\n";

        pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) throw system_error("fork");
        if (pid_ == 0) {
            // Only async-signal-safe calls from here to exec.
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(127);  // the harness died before prctl
            int null_fd = ::open("/dev/null", O_RDONLY);
            int log_fd = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (null_fd >= 0) ::dup2(null_fd, 0);
            if (log_fd >= 0) {
                ::dup2(log_fd, 1);
                ::dup2(log_fd, 2);
            }
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }

        auto accept_from_qemu = [&](int listener, const char* what) {
            auto deadline = std::chrono::steady_clock::now() + connect_timeout;
            while (std::chrono::steady_clock::now() < deadline) {
                pollfd p{listener, POLLIN, 0};
                if (::poll(&p, 1, 50) > 0) {
                    int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
                    if (fd >= 0) return fd;
                }
                if (!running()) {
                    throw std::runtime_error(std::string("QEMU exited before connecting its ") + what + ":\n" +
                                             read_file(stderr_path));
                }
            }
            throw std::runtime_error(std::string("QEMU did not connect its ") + what + " in time");
        };
        serial_fd_ = accept_from_qemu(serial_listener, "serial port");
        serial_reader_ = std::thread([this] { read_serial(); });
        int qmp_fd = accept_from_qemu(qmp_listener, "QMP monitor");
        qmp_ = std::make_unique<Qmp>(qmp_fd);
        if (!options_.wait_for_debugger && !options_.start_paused) qmp_->execute("cont");
    } catch (...) {
        if (serial_listener >= 0) ::close(serial_listener);
        if (qmp_listener >= 0) ::close(qmp_listener);
        kill();
        if (serial_reader_.joinable()) serial_reader_.join();
        if (serial_fd_ >= 0) ::close(serial_fd_);
        std::filesystem::remove_all(socket_directory_);
        if (remove_work_directory_) std::filesystem::remove_all(work_directory_);
        throw;
    }
    ::close(serial_listener);
    ::close(qmp_listener);
}

Machine::~Machine() {
    kill();
    if (serial_reader_.joinable()) serial_reader_.join();
    if (serial_fd_ >= 0) ::close(serial_fd_);
    qmp_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(socket_directory_, ignored);
    if (remove_work_directory_) std::filesystem::remove_all(work_directory_, ignored);
}

void Machine::read_serial() {
    std::ofstream log(serial_log_path_, std::ios::binary);
    char chunk[4096];
    for (;;) {
        ssize_t n = ::recv(serial_fd_, chunk, sizeof chunk, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        std::string text;
        for (ssize_t i = 0; i < n; ++i) {
            if (chunk[i] != '\r') text.push_back(chunk[i]);
        }
        log << text << std::flush;
        if (options_.echo_serial) std::cout << text << std::flush;
        std::lock_guard lock(serial_mutex_);
        serial_ += text;
        serial_changed_.notify_all();
    }
    std::lock_guard lock(serial_mutex_);
    serial_closed_ = true;
    serial_changed_.notify_all();
}

bool Machine::wait_for_serial(const std::string& pattern, std::chrono::milliseconds timeout) {
    std::regex expression(pattern);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(serial_mutex_);
    // Searches what arrived after the previous match and, on success, moves
    // the search start past this one.
    auto found = [&] {
        std::smatch match;
        auto begin = serial_.cbegin() + static_cast<std::ptrdiff_t>(serial_search_start_);
        if (!std::regex_search(begin, serial_.cend(), match, expression)) return false;
        serial_search_start_ += static_cast<size_t>(match.position(0) + match.length(0));
        return true;
    };
    for (;;) {
        if (found()) return true;
        if (serial_closed_) return false;
        // On timeout, one last look: output may have arrived with it.
        if (serial_changed_.wait_until(lock, deadline) == std::cv_status::timeout) return found();
    }
}

std::string Machine::serial_output() const {
    std::lock_guard lock(serial_mutex_);
    return serial_;
}

void Machine::write_serial(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::send(serial_fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw system_error("write to the guest's serial port");
        bytes.remove_prefix(static_cast<size_t>(n));
    }
}

void Machine::screendump(const std::filesystem::path& png) {
    qmp_->execute("screendump", {{"filename", std::filesystem::absolute(png).string()}, {"format", "png"}});
}

bool Machine::running() {
    if (pid_ <= 0 || exit_status_) return false;
    int status = 0;
    pid_t result = ::waitpid(pid_, &status, WNOHANG);
    if (result == pid_) {
        exit_status_ = guest_status_from_wait_status(status);
        return false;
    }
    return result == 0;
}

std::optional<int> Machine::wait_for_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    drain_serial();
    return exit_status_;
}

void Machine::drain_serial() {
    // QEMU has exited, so its end of the serial socket is closed: once the
    // reader sees end-of-file, serial_output() holds everything the guest wrote.
    std::unique_lock lock(serial_mutex_);
    serial_changed_.wait_for(lock, std::chrono::seconds(5), [this] { return serial_closed_; });
}

void Machine::kill() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        exit_status_ = guest_status_from_wait_status(status);
    }
    if (serial_fd_ >= 0) {
        // Wakes the reader thread if QEMU's end is somehow still open.
        ::shutdown(serial_fd_, SHUT_RDWR);
    }
}

}  // namespace tessera::qemu
