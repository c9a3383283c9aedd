// The random-syscall fuzzer (tests/programs/syscall_fuzzer.cpp) as init for
// 60 seconds: the kernel must not panic or hang, init must survive, and
// once the workers are gone every frame is free again or held by the
// kernel heap, whose bytes in use are exactly what they were. The seed is
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
    EXPECT_EQ(log.find("panic:"), std::string::npos) << "seed " << seed << "\n" << log;
    EXPECT_NE(log.find("fuzz: done:"), std::string::npos) << log;
    EXPECT_EQ(log.find("fuzz: left behind"), std::string::npos) << log;
    // No leak: the heap holds exactly the bytes it held before init, and
    // every frame not free is one of the heap's chunks (a chunk may stay
    // pinned by a long-lived allocation that moved into it meanwhile).
    std::smatch frames, heap;
    ASSERT_TRUE(std::regex_search(log, frames, std::regex("mm: (\\d+) frames free before init, (\\d+) after"))) << log;
    ASSERT_TRUE(std::regex_search(
        log, heap, std::regex("mm: heap (\\d+) bytes in use in (\\d+) frames before init, (\\d+) bytes in (\\d+) frames after")))
        << log;
    EXPECT_EQ(heap[1], heap[3]) << "heap bytes in use changed; seed " << seed << "\n" << log;
    EXPECT_EQ(std::stol(frames[1]) - std::stol(frames[2]), std::stol(heap[4]) - std::stol(heap[2]))
        << "frames neither free nor in the heap; seed " << seed << "\n" << log;
}

}  // namespace
}  // namespace tessera::system_test
