// devmgr: finds the devices, starts their drivers with exactly those
// devices' capabilities, restarts a driver that exits or crashes.
//
//   devmgr [--bus-fd N] [--driver-dir DIR] [--verbose-drivers] [-- PROGRAM ARGS...]
//
// The PCI bus capability: descriptor N when given (init opened it and
// started devmgr), else devmgr opens it itself, which only works as init
// (pid 1; docs/protocols/native-calls.md). Drivers (from DIR, default
// /sbin):
//   virtio-gpu   (1af4:1050)  tessera-virtio-gpu --device-fd 3
//   virtio-input (1af4:1052)  one tessera-virtio-input for all of them,
//                             --device-fd 3, 4, ...
// A driver gets its device capabilities (opened in the child, so no other
// process holds them) at descriptors 3.. and nothing else of devmgr's: the
// bus descriptor is closed before exec. When a driver exits it is started
// again after a backoff: at once after a run of 10 s or more, else 50 ms
// doubling to 5 s. Every start and exit is logged.
//
// After `--`, PROGRAM is started once the drivers' sockets exist (the
// session; tests use a client); devmgr exits with its status.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "native/calls.h"

namespace {

using namespace tessera::native_calls;

struct Driver {
    std::string name;
    std::string program;
    std::vector<std::string> arguments;  // after the device fds
    std::vector<std::uint32_t> devices;  // PCI addresses, at fds 3, 4, ...
    std::string socket;
    pid_t pid = -1;
    long long started_ms = 0;
    long long restart_at_ms = 0;  // 0: not waiting for a restart
    long long backoff_ms = 0;
    int restarts = 0;
};

long long now_ms() {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

void log(const char* format, auto... arguments) {
    std::printf("devmgr: ");
    std::printf(format, arguments...);
    std::printf("\n");
    std::fflush(stdout);
}

void start(Driver& driver, int bus) {
    pid_t child = fork();
    if (child < 0) {
        log("fork for %s: %s", driver.name.c_str(), std::strerror(errno));
        driver.restart_at_ms = now_ms() + 1000;
        return;
    }
    if (child == 0) {
        // Open each capability here, so only the driver holds it, then move
        // it to 3 + i (above anything else that is open).
        std::vector<int> opened;
        for (std::uint32_t address : driver.devices) {
            int fd = pci_open(bus, address);
            if (fd < 0) {
                std::fprintf(stderr, "devmgr: pci_open %x for %s: %s\n", address, driver.name.c_str(),
                             std::strerror(errno));
                _exit(126);
            }
            opened.push_back(fcntl(fd, F_DUPFD, 64));
            close(fd);
        }
        std::vector<std::string> arguments{driver.program};
        for (std::size_t i = 0; i < opened.size(); ++i) {
            dup2(opened[i], static_cast<int>(3 + i));
            close(opened[i]);
            arguments.push_back("--device-fd");
            arguments.push_back(std::to_string(3 + i));
        }
        if (bus >= static_cast<int>(3 + opened.size()) || bus < 3) close(bus);
        arguments.insert(arguments.end(), driver.arguments.begin(), driver.arguments.end());
        std::vector<char*> argv;
        for (auto& argument : arguments) argv.push_back(argument.data());
        argv.push_back(nullptr);
        execv(driver.program.c_str(), argv.data());
        std::fprintf(stderr, "devmgr: exec %s: %s\n", driver.program.c_str(), std::strerror(errno));
        _exit(127);
    }
    driver.pid = child;
    driver.started_ms = now_ms();
    driver.restart_at_ms = 0;
    log("started %s (pid %d) with %zu device(s)", driver.name.c_str(), child, driver.devices.size());
}

void exited(Driver& driver, int status) {
    long long ran = now_ms() - driver.started_ms;
    if (WIFSIGNALED(status))
        log("%s (pid %d) killed by signal %d after %lld ms", driver.name.c_str(), driver.pid, WTERMSIG(status), ran);
    else
        log("%s (pid %d) exited with status %d after %lld ms", driver.name.c_str(), driver.pid, WEXITSTATUS(status), ran);
    driver.pid = -1;
    driver.backoff_ms = ran >= 10000 ? 0 : driver.backoff_ms == 0 ? 50 : std::min(driver.backoff_ms * 2, 5000LL);
    driver.restart_at_ms = now_ms() + driver.backoff_ms;
    ++driver.restarts;
    log("restarting %s in %lld ms (restart %d)", driver.name.c_str(), driver.backoff_ms, driver.restarts);
}

bool exists(const std::string& path) {
    struct stat status;
    return stat(path.c_str(), &status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
    int bus = -1;
    std::string driver_dir = "/sbin";
    bool verbose = false;
    std::vector<std::string> then;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--bus-fd" && i + 1 < argc) {
            bus = std::atoi(argv[++i]);
        } else if (argument == "--driver-dir" && i + 1 < argc) {
            driver_dir = argv[++i];
        } else if (argument == "--verbose-drivers") {
            verbose = true;
        } else if (argument == "--") {
            then.assign(argv + i + 1, argv + argc);
            break;
        } else {
            std::fprintf(stderr, "usage: devmgr [--bus-fd N] [--driver-dir DIR] [--verbose-drivers] [-- PROGRAM ARGS...]\n");
            return 2;
        }
    }
    if (bus < 0) bus = pci_bus_open(O_CLOEXEC);
    if (bus < 0) {
        log("no PCI bus capability: %s", std::strerror(errno));
        return 1;
    }
    mkdir("/run", 0755);

    std::vector<PciDeviceInfo> functions(native::max_pci_functions);
    long count = pci_list(bus, functions.data(), functions.size());
    if (count < 0) {
        log("pci_list: %s", std::strerror(errno));
        return 1;
    }
    functions.resize(std::min<std::size_t>(count, functions.size()));
    Driver gpu{"virtio-gpu", driver_dir + "/tessera-virtio-gpu", {"--socket", "/run/display.sock"}, {}, "/run/display.sock"};
    Driver input{"virtio-input", driver_dir + "/tessera-virtio-input", {"--socket", "/run/input.sock"}, {},
                 "/run/input.sock"};
    if (verbose) {
        gpu.arguments.push_back("--log-counters");
        input.arguments.push_back("--log-events");
    }
    for (const PciDeviceInfo& info : functions) {
        if (info.vendor_id != 0x1af4) continue;
        if (info.device_id == 0x1050 && gpu.devices.empty()) gpu.devices.push_back(info.address);
        if (info.device_id == 0x1052) input.devices.push_back(info.address);
    }
    std::vector<Driver*> drivers;
    for (Driver* driver : {&gpu, &input}) {
        if (driver->devices.empty()) continue;
        drivers.push_back(driver);
        start(*driver, bus);
    }
    log("%zu driver(s) for %ld PCI functions", drivers.size(), count);

    pid_t session = -1;
    long long session_deadline = now_ms() + 10000;
    for (;;) {
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            if (pid == session) {
                log("%s exited with status %d", then[0].c_str(), WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
                for (Driver* driver : drivers) {
                    if (driver->pid > 0) kill(driver->pid, SIGTERM);
                }
                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            }
            for (Driver* driver : drivers) {
                if (driver->pid == pid) exited(*driver, status);
            }
            continue;  // more may have exited
        }
        long long now = now_ms();
        for (Driver* driver : drivers) {
            if (driver->pid < 0 && driver->restart_at_ms != 0 && now >= driver->restart_at_ms) start(*driver, bus);
        }
        if (!then.empty() && session < 0) {
            bool ready = true;
            for (Driver* driver : drivers) ready = ready && exists(driver->socket);
            if (ready || now > session_deadline) {
                session = fork();
                if (session == 0) {
                    close(bus);
                    std::vector<char*> args;
                    for (auto& argument : then) args.push_back(argument.data());
                    args.push_back(nullptr);
                    execv(args[0], args.data());
                    _exit(127);
                }
                log("started %s (pid %d)", then[0].c_str(), session);
            }
        }
        usleep(10000);
    }
}
