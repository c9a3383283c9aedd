// Debian's static busybox, unmodified, as init: the kernel's ELF loader,
// initial stack, syscall boundary, ramdisk and console, end to end.
#include <gtest/gtest.h>

#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

std::string run_busybox(const std::string& arguments, int expected_status) {
    std::string log;
    int status = boot_and_wait(kernel_test_options("init=/bin/busybox " + arguments, "busybox"), log);
    EXPECT_EQ(status, expected_status) << log;
    EXPECT_NE(log.find("init exited with status " + std::to_string(expected_status)), std::string::npos) << log;
    return log;
}

TEST(KernelBusybox, EchoPrintsItsArguments) {
    std::string log = run_busybox("echo hello tessera", 0);
    EXPECT_NE(log.find("\nhello tessera\n"), std::string::npos) << log;
}

TEST(KernelBusybox, CatPrintsAFileFromTheRamdisk) {
    std::string log = run_busybox("cat /etc/motd /etc/issue", 0);
    EXPECT_NE(log.find("\nhello from the ramdisk\nTessera test ramdisk\n"), std::string::npos) << log;
}

TEST(KernelBusybox, CatOfAMissingFileFails) {
    std::string log = run_busybox("cat /etc/nothing", 1);
    EXPECT_NE(log.find("cat: can't open '/etc/nothing': No such file or directory"), std::string::npos) << log;
}

TEST(KernelBusybox, LsLongListsTheRoot) {
    std::string log = run_busybox("ls -l /", 0);
    for (const char* name : {"bin", "dev", "etc", "home", "sbin"}) {
        EXPECT_TRUE(
            std::regex_search(log, std::regex(std::string("\ndrwxr-xr-x +[0-9]+ 0 +0 +[0-9]+ .* ") + name + "\n")))
            << name << "\n"
            << log;
    }
}

TEST(KernelBusybox, LsLongShowsFileSizes) {
    std::string log = run_busybox("ls -l /etc", 0);
    // "hello from the ramdisk\n" is 23 bytes.
    EXPECT_TRUE(std::regex_search(log, std::regex("\n-rw-r--r-- +1 0 +0 +23 .* motd\n"))) << log;
}

TEST(KernelBusybox, UnameDescribesTessera) {
    std::string log = run_busybox("uname -a", 0);
    EXPECT_TRUE(std::regex_search(
        log, std::regex("\nTessera tessera 6\\.1\\.0-tessera #1 build [0-9a-f]{12} x86_64 GNU/Linux\n")))
        << log;
}

TEST(KernelBusybox, PwdIsTheRoot) {
    std::string log = run_busybox("pwd", 0);
    EXPECT_NE(log.find("\n/\n"), std::string::npos) << log;
}

TEST(KernelBusybox, ShellRunsBuiltinsFromTheCommandLine) {
    // Quotes group words on the kernel command line, as on Linux.
    std::string log = run_busybox("sh -c \"cd /etc; pwd; echo $((6*7)); exit 5\"", 5);
    EXPECT_NE(log.find("\n/etc\n42\n"), std::string::npos) << log;
}

TEST(KernelBusybox, ExitStatusReachesTheHost) {
    run_busybox("false", 1);
}

TEST(KernelBusybox, FreesEveryFrameWhenInitExits) {
    std::string log = run_busybox("ls -l /", 0);
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, std::regex("mm: (\\d+) frames free before init, (\\d+) after"))) << log;
    EXPECT_EQ(match[1], match[2]) << log;
}

TEST(KernelBusybox, BootTimelineReachesTheFirstUserInstruction) {
    std::string log = run_busybox("true", 0);
    EXPECT_TRUE(std::regex_search(
        log, std::regex("boot: [0-9]+\\.[0-9]{3} ms from kernel entry to the first user instruction\n")))
        << log;
}

}  // namespace
}  // namespace tessera::system_test
