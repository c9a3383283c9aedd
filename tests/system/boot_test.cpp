// The first kernel end to end: built, booted through qboot, banner on COM1,
// exit status through isa-debug-exit back to the host.
#include <gtest/gtest.h>

#include "system_test.h"

namespace tessera::system_test {
namespace {

TEST(Boot, PrintsBannerWithBuildIdAndExitsWithChosenStatus) {
    qemu::Machine machine(kernel_options("exit=3"));
    EXPECT_TRUE(machine.wait_for_serial("Tessera kernel, build [0-9a-f]{40}\n", boot_timeout)) << describe(machine);
    EXPECT_TRUE(machine.wait_for_serial("command line \"[^\"]*exit=3\"", 5s)) << describe(machine);
    auto status = machine.wait_for_exit(boot_timeout);
    ASSERT_TRUE(status.has_value()) << describe(machine);
    EXPECT_EQ(*status, 3) << describe(machine);
}

TEST(Boot, ExitsWithZeroByDefault) {
    qemu::Machine machine(kernel_options());
    auto status = machine.wait_for_exit(boot_timeout);
    ASSERT_TRUE(status.has_value()) << describe(machine);
    EXPECT_EQ(*status, 0) << describe(machine);
    EXPECT_NE(machine.serial_output().find("halting with status 0"), std::string::npos) << describe(machine);
}

TEST(Boot, StatusBeyondQemuRangeSaturates) {
    qemu::Machine machine(kernel_options("exit=300"));
    auto status = machine.wait_for_exit(boot_timeout);
    ASSERT_TRUE(status.has_value()) << describe(machine);
    // QEMU's exit code holds 7 bits of guest status; larger ones saturate.
    EXPECT_EQ(*status, 127) << describe(machine);
    EXPECT_NE(machine.serial_output().find("halting with status 300"), std::string::npos) << describe(machine);
}

}  // namespace
}  // namespace tessera::system_test
