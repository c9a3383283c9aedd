// Busybox's shell as init, interactive on the serial console: its line
// editing waits for each key with poll(2) on the console, so this proves
// poll's readiness and blocking on COM1 input as well as the shell itself.
// The ramdisk is "shell" (CMakeLists.txt): /bin holds busybox and the links
// cat, head, ls, sh, wc and yes.
#include <gtest/gtest.h>

#include <chrono>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

using namespace std::chrono_literals;

constexpr auto step_timeout = 60s;

TEST(KernelInteractiveShell, RunsCommandsTypedOnTheConsoleAndExits) {
    qemu::Machine machine(kernel_test_options("init=/bin/sh", "shell"));
    // The prompt says the shell is reading the console.
    ASSERT_TRUE(machine.wait_for_serial("/ # ", step_timeout)) << machine.serial_output();

    machine.write_serial("echo $((6*7))\n");
    ASSERT_TRUE(machine.wait_for_serial("\n42\r?\n", step_timeout)) << machine.serial_output();

    // busybox, cat, head, ls, sh, wc, yes: a pipeline started interactively.
    machine.write_serial("ls /bin | wc -l\n");
    ASSERT_TRUE(machine.wait_for_serial("\n7\r?\n", step_timeout)) << machine.serial_output();

    machine.write_serial("exit 4\n");
    auto status = machine.wait_for_exit(step_timeout);
    std::string log = machine.serial_output();
    ASSERT_TRUE(status.has_value()) << log;
    EXPECT_EQ(*status, 4) << log;
    EXPECT_NE(log.find("init exited with status 4"), std::string::npos) << log;
    EXPECT_EQ(log.find("Function not implemented"), std::string::npos) << log;
    EXPECT_EQ(log.find("panic"), std::string::npos) << log;
}

}  // namespace
}  // namespace tessera::system_test
