// init-smoke: the first C++ program Tessera runs as init (issue 3). Static
// glibc + libstdc++; also runs as an ordinary program on the Linux host.
//
//   init-smoke FILE EXPECTED STATUS
//
// Writes with iostream, allocates and touches 64 MiB, reads FILE and checks
// that it holds EXPECTED (a trailing newline in the file is allowed; \n and
// \s in EXPECTED stand for newline and space, for kernel command lines),
// checks that CLOCK_MONOTONIC advances across nanosleep, and exits with
// STATUS (0..97) when every check passed. Exit 99: a check failed; 98: usage.
#include <time.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "report.h"

namespace {

constexpr int exit_usage = 98;
constexpr int exit_check_failed = 99;
constexpr std::size_t allocation_size = 64u << 20;
constexpr std::size_t page_size = 4096;

std::string unescape(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 's')) {
            out += text[++i] == 'n' ? '\n' : ' ';
        } else {
            out += text[i];
        }
    }
    return out;
}

std::int64_t monotonic_ns() {
    timespec now{};
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return -1;
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

void check_iostream(tessera::programs::Report& report) {
    std::cout << "init-smoke: hello from iostream, " << 6 * 7 << " " << 2.5 << std::endl;
    report.check(std::cout.good(), "iostream write", "std::cout is in a failed state");
}

// Every page gets its own pattern, so a kernel that maps one frame twice
// or loses a page's contents is caught when the pattern is read back.
void check_memory(tessera::programs::Report& report) {
    std::unique_ptr<std::uint8_t[]> memory(new (std::nothrow) std::uint8_t[allocation_size]);
    if (!memory) {
        report.fail("allocate 64 MiB", "operator new failed");
        return;
    }
    for (std::size_t offset = 0; offset < allocation_size; offset += page_size / 4) {
        memory[offset] = static_cast<std::uint8_t>((offset / page_size) * 31 + offset % 251);
    }
    std::size_t bad = 0;
    for (std::size_t offset = 0; offset < allocation_size; offset += page_size / 4) {
        if (memory[offset] != static_cast<std::uint8_t>((offset / page_size) * 31 + offset % 251)) ++bad;
    }
    report.check(bad == 0, "allocate and touch 64 MiB", std::to_string(bad) + " locations lost their value");
}

void check_file(tessera::programs::Report& report, const std::string& path, const std::string& expected) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        report.fail("read " + path, "cannot open it");
        return;
    }
    std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bool ok = contents == expected || contents == expected + "\n";
    report.check(ok, "read " + path + " (" + std::to_string(contents.size()) + " bytes)",
                 "content '" + contents + "' is not the expected '" + expected + "'");
}

void check_clock(tessera::programs::Report& report) {
    constexpr std::int64_t sleep_ns = 20'000'000;
    std::int64_t before = monotonic_ns();
    timespec request{0, sleep_ns};
    int slept = nanosleep(&request, nullptr);
    std::int64_t after = monotonic_ns();
    if (before < 0 || after < 0 || slept != 0) {
        report.fail("clock_gettime across nanosleep", "clock_gettime or nanosleep failed");
        return;
    }
    std::ostringstream what;
    what << "CLOCK_MONOTONIC advanced " << (after - before) / 1000 << " us across a 20 ms nanosleep";
    report.check(after - before >= sleep_ns, what.str(), "less than the time slept");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: init-smoke FILE EXPECTED STATUS\n";
        return exit_usage;
    }
    char* end = nullptr;
    long status = std::strtol(argv[3], &end, 10);
    if (*argv[3] == '\0' || *end != '\0' || status < 0 || status >= exit_usage) {
        std::cerr << "init-smoke: STATUS must be 0.." << exit_usage - 1 << ", not '" << argv[3] << "'\n";
        return exit_usage;
    }
    tessera::programs::Report report("init-smoke");
    check_iostream(report);
    check_memory(report);
    check_file(report, argv[1], unescape(argv[2]));
    check_clock(report);
    if (!report.summarize()) return exit_check_failed;
    std::cout << "init-smoke: exiting with status " << status << std::endl;
    return static_cast<int>(status);
}
