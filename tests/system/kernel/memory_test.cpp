// Memory management seen from outside: the boot memory map reaches the
// frame allocator, and copy-on-write (which fork will use) shares, copies
// and frees pages correctly (an in-kernel check: nothing forks yet).
#include <gtest/gtest.h>

#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

TEST(KernelMemory, FrameAllocatorIsBuiltFromTheMemoryMap) {
    auto options = kernel_test_options("");
    options.memory = "256M";
    std::string log;
    EXPECT_EQ(boot_and_wait(options, log), 0) << log;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, std::regex("mm: (\\d+) MiB of RAM, (\\d+) frames free"))) << log;
    EXPECT_EQ(match[1], "256") << log;
    long frames = std::stol(match[2]);
    // 256 MiB is 65536 frames; the kernel, the first MiB and metadata are not free.
    EXPECT_GT(frames, 60000) << log;
    EXPECT_LT(frames, 65536) << log;
}

TEST(KernelMemory, CopyOnWriteSharesCopiesAndFreesPages) {
    std::string log;
    EXPECT_EQ(boot_and_wait(kernel_test_options("selftest=cow"), log), 0) << log;
    EXPECT_NE(log.find("selftest cow: ok"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::system_test
