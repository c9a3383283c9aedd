// probes/probe.c as init: user faults, futex timeouts through the timer,
// ENOSYS, SSE state across timer ticks.
#include <gtest/gtest.h>

#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

std::string run_probe(const std::string& mode, int expected_status) {
    std::string log;
    EXPECT_EQ(boot_and_wait(kernel_test_options("init=/sbin/kernel-probe " + mode, "probe"), log), expected_status)
        << log;
    return log;
}

TEST(KernelProbe, UserPageFaultKillsTheProcessWithSigsegv) {
    std::string log = run_probe("segfault", 127);  // 128 + 11 saturates at 127 on the way out of QEMU
    EXPECT_NE(log.find("user fault: page fault (vector 14) error code 0x4 in user mode"), std::string::npos) << log;
    EXPECT_NE(log.find("faulting address (cr2) 0x0000000000000000: page not present on read"), std::string::npos)
        << log;
    EXPECT_NE(log.find("process 1 killed by signal 11"), std::string::npos) << log;
    EXPECT_NE(log.find("init exited with status 139"), std::string::npos) << log;
    EXPECT_EQ(log.find("panic"), std::string::npos) << log;
}

TEST(KernelProbe, FutexWaitTimesOutThroughTheTimer) {
    std::string log = run_probe("futex", 0);
    EXPECT_NE(log.find("kernel-probe: ok"), std::string::npos) << log;
}

TEST(KernelProbe, UnknownCallsReturnEnosysAndAreLoggedOnce) {
    std::string log = run_probe("enosys", 0);
    const std::string line = "linux: system call 499 is not implemented (ENOSYS)";
    size_t first = log.find(line);
    ASSERT_NE(first, std::string::npos) << log;
    EXPECT_EQ(log.find("system call 499", first + line.size()), std::string::npos) << log;
    EXPECT_EQ(log.find("system call 100000"), std::string::npos) << "beyond the table: not logged\n" << log;
}

TEST(KernelProbe, SseRegistersSurviveSleeps) {
    std::string log = run_probe("sse", 0);
    EXPECT_NE(log.find("kernel-probe: ok"), std::string::npos) << log;
}

TEST(KernelProbe, ExecveReplacesTheImageAndFailuresLeaveItRunning) {
    std::string log = run_probe("exec", 0);
    size_t failed = log.find("kernel-probe: failed execs returned errors");
    ASSERT_NE(failed, std::string::npos) << log;
    EXPECT_NE(log.find("kernel-probe: running the new image", failed), std::string::npos) << log;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, std::regex("mm: (\\d+) frames free before init, (\\d+) after"))) << log;
    EXPECT_EQ(match[1], match[2]) << "the first image's memory was freed\n" << log;
}

}  // namespace
}  // namespace tessera::system_test
