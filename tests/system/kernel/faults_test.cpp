// Kernel faults end in a readable report on serial: vector, error code,
// registers, the faulting address and a backtrace named from the kernel's
// own symbol table; a double fault still reports, from its IST stack.
#include <gtest/gtest.h>

#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

constexpr int panic_status = 127;

TEST(KernelFaults, PageFaultPrintsReportWithSymbolizedBacktrace) {
    std::string log;
    EXPECT_EQ(boot_and_wait(kernel_test_options("crash=page-fault"), log), panic_status) << log;
    EXPECT_NE(log.find("panic: page fault (vector 14) error code 0x0 in kernel mode"), std::string::npos) << log;
    EXPECT_NE(log.find("faulting address (cr2) 0xffffa00000000010: page not present on read"), std::string::npos)
        << log;
    EXPECT_TRUE(std::regex_search(
        log,
        std::regex("rip ffffffff[0-9a-f]{8} \\(anonymous namespace\\)::crash_with_page_fault\\(\\)\\+0x[0-9a-f]+")))
        << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("rax [0-9a-f]{16} rbx [0-9a-f]{16}"))) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("#[0-9] ffffffff[0-9a-f]{8} run_requested_self_tests"))) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("#[0-9] ffffffff[0-9a-f]{8} kernel_main\\+0x"))) << log;
}

TEST(KernelFaults, DoubleFaultIsReportedFromItsOwnStack) {
    std::string log;
    EXPECT_EQ(boot_and_wait(kernel_test_options("crash=double-fault"), log), panic_status) << log;
    EXPECT_NE(log.find("panic: double fault (vector 8)"), std::string::npos) << log;
    // The faulting stack pointer is the unusable one; the report still ran.
    EXPECT_NE(log.find("rsp ffffa00000001000"), std::string::npos) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("crash_with_double_fault\\(\\)\\+0x"))) << log;
    EXPECT_NE(log.find("kernel halted after panic"), std::string::npos) << log;
}

// Under the accelerator the harness picks (KVM: TSC-deadline mode where
// the CPU has it; TCG: periodic), the timer ticks at about 1 kHz.
TEST(KernelTimer, TicksAtAboutOneKilohertz) {
    std::string log;
    EXPECT_EQ(boot_and_wait(kernel_options("selftest=timer"), log), 0) << log;
    EXPECT_NE(log.find("selftest timer: ok"), std::string::npos) << log;
}

TEST(KernelFaults, MalformedRamdiskPanicsClearly) {
    std::string log;
    EXPECT_EQ(boot_and_wait(kernel_test_options("", TESSERA_GARBAGE_RAMDISK), log), panic_status) << log;
    EXPECT_NE(log.find("panic: fs: the ramdisk is not a valid cpio (newc) archive"), std::string::npos) << log;
}

TEST(KernelFaults, MissingInitPanicsWithItsPath) {
    std::string log;
    EXPECT_EQ(boot_and_wait(kernel_test_options("init=/sbin/nothing-here", "busybox"), log), panic_status) << log;
    EXPECT_NE(log.find("panic: init: cannot run /sbin/nothing-here: not found"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::system_test
