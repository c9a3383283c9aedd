// tessera-bench-vs-linux: runs the static benchmark programs of
// tests/programs as init under Debian's Linux kernel and under Tessera's, in
// the same QEMU configuration (the harness in tools/qemu: same CPU model,
// memory, CPU count, qboot, direct kernel boot), with the same ramdisk, and
// prints the median of several boots for each kernel and their ratio.
//
// A program reports figures as "bench <name> <key>=<value> ..." lines on the
// console; the first key is the figure compared (lower is better). One
// figure is measured from the harness side: hello_as_init, the wall time
// from starting QEMU to QEMU's exit when init is the static hello (boot,
// exec, exit, power-off). See tests/bench/README.md.
//
// While Tessera cannot run a program yet, its column says why, taken from
// its serial log, instead of a number. The exit status is 0 when every Linux
// figure was measured, 1 otherwise.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "machine.h"
#include "ramdisk.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Benchmark {
    std::string name;                  // for --only and the logs
    std::string program;               // file name in the programs directory, installed as /bench/<program>
    std::vector<std::string> figures;  // the "bench <figure>" lines it prints (hello_as_init: the harness measures)
    std::string expect;                // for harness-side figures: serial output that proves the program ran
};

struct Kernel {
    std::string name;  // "linux" or "tessera"
    fs::path image;
    // Kernel command line for init `path` with `arguments`.
    std::string command_line(const std::string& path, const std::vector<std::string>& arguments) const {
        std::string line;
        if (name == "linux") {
            // rdinit: run from the initramfs; panic=-1 with QEMU's -no-reboot
            // turns "init exited" into QEMU exiting. Arguments after "--" go to init.
            // no_timer_check: under a slow (TCG, loaded host) CPU Linux may
            // wrongly conclude that the IO-APIC timer does not work and panic.
            line = "console=ttyS0 quiet panic=-1 no_timer_check rdinit=" + path;
            if (!arguments.empty()) line += " --";
        } else {
            line = "init=" + path;  // the words that follow are init's arguments
        }
        for (const auto& argument : arguments) line += " " + argument;
        return line;
    }
};

// One boot: the figures it printed, or why there are none.
struct Run {
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> lines;  // name -> key/values
    std::optional<double> wall_ms;
    std::string failure;
};

struct Settings {
    fs::path programs;
    fs::path tessera_kernel;
    fs::path linux_kernel;
    fs::path work_directory;
    int runs = 5;
    tessera::qemu::Accelerator accelerator = tessera::qemu::Accelerator::automatic;
    int timeout_seconds = 120;
    std::string only;
};

std::string last_line(const std::string& text);

// The first line that explains a failure (a fault, a panic, a killed
// process, a missing system call), else the last line.
std::string telling_line(const std::string& text) {
    static const std::regex telling(R"(fault|panic|killed|not implemented|ENOSYS|error|cannot|invalid)",
                                    std::regex::icase);
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
        if (std::regex_search(line, telling)) return "'" + line + "'";
    }
    return last_line(text);
}

std::string last_line(const std::string& text) {
    std::istringstream in(text);
    std::string line, last;
    while (std::getline(in, line)) {
        line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
        if (!line.empty()) last = line;
    }
    return last.empty() ? "(no serial output)" : "'" + last + "'";
}

Run boot(const Settings& settings, const Kernel& kernel, const fs::path& ramdisk, const Benchmark& benchmark,
         int index) {
    Run run;
    tessera::qemu::Options options;
    options.kernel = kernel.image;
    options.initrd = ramdisk;
    options.append = kernel.command_line("/bench/" + benchmark.program, {});
    options.accelerator = settings.accelerator;
    options.work_directory =
        settings.work_directory / (kernel.name + "-" + benchmark.name + "-" + std::to_string(index));
    auto started = std::chrono::steady_clock::now();
    tessera::qemu::Machine machine(options);
    auto status = machine.wait_for_exit(std::chrono::seconds(settings.timeout_seconds));
    auto elapsed = std::chrono::steady_clock::now() - started;
    if (!status) machine.kill();
    std::string serial = machine.serial_output();
    std::regex bench_line(R"(^bench (\S+) (.*?)\r?$)", std::regex::multiline);
    std::regex pair(R"((\S+)=(\S+))");
    for (std::sregex_iterator it(serial.begin(), serial.end(), bench_line), end; it != end; ++it) {
        std::string rest = (*it)[2];
        auto& values = run.lines[(*it)[1]];
        values.clear();
        for (std::sregex_iterator p(rest.begin(), rest.end(), pair); p != end; ++p)
            values.emplace_back((*p)[1], (*p)[2]);
    }
    if (!benchmark.expect.empty()) {
        if (status && serial.find(benchmark.expect) != std::string::npos) {
            run.wall_ms = std::chrono::duration<double, std::milli>(elapsed).count();
        }
    }
    bool produced = !benchmark.expect.empty() ? run.wall_ms.has_value() : false;
    for (const auto& figure : benchmark.figures) produced |= benchmark.expect.empty() && run.lines.contains(figure);
    if (!produced) {
        std::ostringstream why;
        if (!status) {
            why << "no result within " << settings.timeout_seconds << " s";
        } else if (*status == tessera::qemu::no_guest_status) {
            why << "the machine stopped (power-off, reset or triple fault) without a result";
        } else {
            why << "the kernel exited with status " << *status << " without a result";
        }
        why << "; serial log: " << telling_line(serial) << " ... " << last_line(serial) << " ("
            << machine.serial_log_path().string() << ")";
        run.failure = why.str();
    }
    return run;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// Per figure ("<benchmark>:<metric>"), every run's value; or why not.
struct Column {
    std::map<std::string, std::vector<double>> values;
    std::map<std::string, std::string> errors;  // figure -> reason
};

void collect(const Benchmark& benchmark, const Run& run, Column& column) {
    if (!run.failure.empty()) {
        for (const auto& figure : benchmark.figures) column.errors[figure] = run.failure;
        return;
    }
    if (benchmark.expect.size()) {
        column.values[benchmark.figures.front() + " wall_ms"].push_back(*run.wall_ms);
        return;
    }
    for (const auto& figure : benchmark.figures) {
        if (!run.lines.contains(figure)) column.errors[figure] = "the program printed no 'bench " + figure + "' line";
    }
    for (const auto& [name, pairs] : run.lines) {
        if (pairs.empty()) continue;
        if (pairs.front().first == "error") {
            column.errors[name] = "the program reported error=" + pairs.front().second;
            continue;
        }
        try {
            column.values[name + " " + pairs.front().first].push_back(std::stod(pairs.front().second));
        } catch (const std::exception&) {
            column.errors[name] = "unreadable value " + pairs.front().second;
        }
    }
}

fs::path newest_linux_kernel() {
    std::vector<fs::path> kernels;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator("/boot", error)) {
        if (entry.path().filename().string().starts_with("vmlinuz-")) kernels.push_back(entry.path());
    }
    if (kernels.empty()) return {};
    std::sort(kernels.begin(), kernels.end(), [](const fs::path& a, const fs::path& b) {
        return strverscmp(a.filename().c_str(), b.filename().c_str()) < 0;
    });
    return kernels.back();
}

void usage(std::FILE* out) {
    std::fputs(
        "usage: tessera-bench-vs-linux --programs DIR --tessera-kernel FILE [options]\n"
        "  --linux-kernel FILE   Linux bzImage (default: the newest /boot/vmlinuz-*)\n"
        "  --runs N              boots per kernel and benchmark (default 5)\n"
        "  --only NAME           one benchmark: null_syscall, anon_page_fault, exec, ipc, tmpfs_file, hello_as_init\n"
        "  --timeout SECONDS     per boot (default 120)\n"
        "  --accel kvm|tcg|auto  accelerator for both kernels (default auto: KVM when usable and\n"
        "                        Linux boots under it, TCG otherwise)\n"
        "  --work-dir DIR        ramdisk and per-boot logs (default: a directory under /tmp)\n",
        out);
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "tessera-bench-vs-linux: %s needs a value\n", arg.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--programs") {
            settings.programs = value();
        } else if (arg == "--tessera-kernel") {
            settings.tessera_kernel = value();
        } else if (arg == "--linux-kernel") {
            settings.linux_kernel = value();
        } else if (arg == "--runs") {
            settings.runs = std::max(1, std::atoi(value().c_str()));
        } else if (arg == "--timeout") {
            settings.timeout_seconds = std::max(1, std::atoi(value().c_str()));
        } else if (arg == "--accel") {
            std::string accel = value();
            if (accel == "kvm") {
                settings.accelerator = tessera::qemu::Accelerator::kvm;
            } else if (accel == "tcg") {
                settings.accelerator = tessera::qemu::Accelerator::tcg;
            } else if (accel != "auto") {
                usage(stderr);
                return 2;
            }
        } else if (arg == "--only") {
            settings.only = value();
        } else if (arg == "--work-dir") {
            settings.work_directory = value();
        } else if (arg == "--help" || arg == "-h") {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (settings.programs.empty() || settings.tessera_kernel.empty()) {
        usage(stderr);
        return 2;
    }
    if (settings.linux_kernel.empty()) settings.linux_kernel = newest_linux_kernel();
    if (settings.linux_kernel.empty() || !fs::exists(settings.linux_kernel)) {
        std::fprintf(stderr,
                     "tessera-bench-vs-linux: no Linux kernel (install linux-image-amd64; ./tessera bench does)\n");
        return 1;
    }
    if (settings.work_directory.empty()) {
        std::string pattern = (fs::temp_directory_path() / "tessera-bench-XXXXXX").string();
        if (!mkdtemp(pattern.data())) return 1;
        settings.work_directory = pattern;
    }
    fs::create_directories(settings.work_directory);

    const std::vector<Benchmark> benchmarks = {
        {"null_syscall", "bench-null-syscall", {"null_syscall"}, ""},
        {"anon_page_fault", "bench-page-fault", {"anon_page_fault"}, ""},
        {"exec", "bench-exec", {"exec_to_exit", "busybox_true", "exec_chain"}, ""},
        {"ipc", "bench-ipc", {"pipe_pingpong", "unix_pingpong", "epoll_wakeup"}, ""},
        {"tmpfs_file", "bench-tmpfs-file", {"tmpfs_file"}, ""},
        {"hello_as_init", "hello", {"hello_as_init"}, "hello from a static program"},
    };

    // One ramdisk for both kernels: the programs under /bench and the
    // console node Linux opens for init's stdin/stdout/stderr.
    fs::path ramdisk_path = settings.work_directory / "bench-ramdisk.cpio";
    try {
        tessera::image::Ramdisk ramdisk;
        for (const char* program :
             {"bench-null-syscall", "bench-page-fault", "bench-exec", "bench-ipc", "bench-tmpfs-file", "hello"}) {
            ramdisk.add_file(std::string("/bench/") + program, settings.programs / program);
        }
        ramdisk.add_file("/bench/busybox", TESSERA_BUSYBOX);  // bench-exec's busybox_true
        ramdisk.add_device("/dev/console", tessera::image::EntryKind::character_device, 0600, 5, 1);
        std::ofstream out(ramdisk_path, std::ios::binary | std::ios::trunc);
        ramdisk.write(out);
        if (!out) throw std::runtime_error("cannot write " + ramdisk_path.string());
    } catch (const std::exception& error) {
        std::fprintf(stderr, "tessera-bench-vs-linux: ramdisk: %s\n", error.what());
        return 1;
    }

    std::vector<Kernel> kernels = {{"linux", settings.linux_kernel}, {"tessera", settings.tessera_kernel}};
    const Benchmark& hello_as_init = benchmarks.back();

    // Both kernels run with the same accelerator. Under some nested-KVM hosts
    // Debian's kernel hangs in its decompressor; then both run under TCG.
    std::string accelerator_note;
    if (settings.accelerator == tessera::qemu::Accelerator::automatic) {
        if (!tessera::qemu::kvm_usable()) {
            settings.accelerator = tessera::qemu::Accelerator::tcg;
            accelerator_note = "tcg (/dev/kvm is not usable)";
        } else {
            Settings probe = settings;
            probe.accelerator = tessera::qemu::Accelerator::kvm;
            probe.timeout_seconds = 45;
            probe.work_directory = settings.work_directory / "kvm-probe";
            Run run = boot(probe, kernels.front(), ramdisk_path, hello_as_init, 0);
            if (run.failure.empty()) {
                settings.accelerator = tessera::qemu::Accelerator::kvm;
                accelerator_note = "kvm";
            } else {
                settings.accelerator = tessera::qemu::Accelerator::tcg;
                accelerator_note =
                    "tcg for both kernels: Linux does not boot under KVM on this host (" + run.failure + ")";
            }
        }
    } else {
        accelerator_note = settings.accelerator == tessera::qemu::Accelerator::kvm ? "kvm" : "tcg";
    }
    std::printf(
        "Linux:   %s\nTessera: %s\nramdisk: %s\nruns:    %d per kernel and benchmark; logs in %s\n"
        "accel:   %s\n\n",
        settings.linux_kernel.c_str(), settings.tessera_kernel.c_str(), ramdisk_path.c_str(), settings.runs,
        settings.work_directory.c_str(), accelerator_note.c_str());
    std::map<std::string, Column> columns;
    for (const auto& benchmark : benchmarks) {
        if (!settings.only.empty() && settings.only != benchmark.name) continue;
        for (const auto& kernel : kernels) {
            for (int run = 0; run < settings.runs; ++run) {
                try {
                    Run result = boot(settings, kernel, ramdisk_path, benchmark, run);
                    collect(benchmark, result, columns[kernel.name]);
                    std::printf("  %-7s %-15s run %d: %s\n", kernel.name.c_str(), benchmark.name.c_str(), run + 1,
                                result.failure.empty() ? "ok" : result.failure.c_str());
                    std::fflush(stdout);
                    // A kernel that cannot run the program will not on the next boot either.
                    if (!result.failure.empty()) break;
                } catch (const std::exception& error) {
                    columns[kernel.name].errors[benchmark.name] = error.what();
                    break;
                }
            }
        }
    }

    // The table: every figure Linux produced, Tessera's beside it.
    auto& linux_column = columns["linux"];
    auto& tessera_column = columns["tessera"];
    std::printf("\n%-28s %14s %14s %9s\n", "figure (median, lower is better)", "linux", "tessera", "ratio");
    bool linux_complete = linux_column.errors.empty() && !linux_column.values.empty();
    for (const auto& [figure, values] : linux_column.values) {
        double linux_median = median(values);
        std::string name = figure.substr(0, figure.find(' '));
        auto tessera = tessera_column.values.find(figure);
        if (tessera != tessera_column.values.end()) {
            double tessera_median = median(tessera->second);
            std::printf("%-28s %14.1f %14.1f %8.2fx\n", figure.c_str(), linux_median, tessera_median,
                        tessera_median / linux_median);
        } else {
            std::string why = tessera_column.errors.contains(name) ? tessera_column.errors[name] : "not run";
            std::printf("%-28s %14.1f %14s\n    tessera: not runnable yet: %s\n", figure.c_str(), linux_median, "-",
                        why.c_str());
        }
        std::printf("    linux runs:");
        for (double v : values) std::printf(" %.1f", v);
        std::printf("\n");
    }
    for (const auto& [name, error] : linux_column.errors) {
        std::printf("%-28s linux FAILED: %s\n", name.c_str(), error.c_str());
    }
    std::printf("\nratio = tessera / linux: below 1.00 Tessera is faster.\n");
    return linux_complete ? 0 : 1;
}
