// The random-syscall fuzzer (tests/programs/syscall_fuzzer.cpp) as init for
// 60 seconds: the kernel must not panic or hang, init must survive, and
// every frame must be free again once the workers are gone. The seed is
// fixed so a failure can be repeated (`./tessera qemu --initrd
// build/tests/fuzz/ramdisks/fuzz.cpio --append "init=/sbin/syscall-fuzzer SEED 60"`);
// TESSERA_FUZZ_SEED picks another.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

TEST(KernelFuzz, SixtySecondsOfRandomSyscallsNoPanicNoHangNoLeak) {
    const char* chosen = std::getenv("TESSERA_FUZZ_SEED");
    std::string seed = chosen && *chosen ? chosen : "20261122";
    qemu::Machine machine(kernel_test_options("init=/sbin/syscall-fuzzer " + seed + " 60 4", "fuzz"));
    auto status = machine.wait_for_exit(std::chrono::seconds(150));
    std::string log = machine.serial_output();
    ASSERT_TRUE(status.has_value()) << "the guest hung (seed " << seed << ")\n" << log;
    EXPECT_EQ(*status, 0) << "seed " << seed << "\n" << log;
    EXPECT_EQ(log.find("panic"), std::string::npos) << "seed " << seed << "\n" << log;
    EXPECT_NE(log.find("fuzz: done:"), std::string::npos) << log;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, std::regex("mm: (\\d+) frames free before init, (\\d+) after"))) << log;
    EXPECT_EQ(match[1], match[2]) << "seed " << seed << "\n" << log;
}

}  // namespace
}  // namespace tessera::system_test
