// What `./tessera run` boots: the kernel with the base ramdisk (image/base),
// Debian's busybox running /etc/rc and then an interactive shell on the
// serial console. A user sees this; it must keep working.
#include <gtest/gtest.h>

#include <regex>

#include "system_test.h"

namespace tessera::system_test {
namespace {

TEST(BaseImage, RunsTheRcScriptThenAnInteractiveShell) {
    auto options = kernel_options("init=/bin/sh /etc/rc");
    options.initrd = std::filesystem::path(TESSERA_BUILD_DIR) / "image/base/tessera-base.cpio";
    qemu::Machine machine(options);
    // After its demo, rc hands the console to an interactive shell.
    ASSERT_TRUE(machine.wait_for_serial("'exit' powers off.\n", boot_timeout)) << describe(machine);
    ASSERT_TRUE(machine.wait_for_serial("/ # ", boot_timeout)) << describe(machine);
    machine.write_serial("echo typed-$((40+2))\n");
    EXPECT_TRUE(machine.wait_for_serial("\ntyped-42\n", boot_timeout)) << describe(machine);
    machine.write_serial("exit 3\n");
    auto status = machine.wait_for_exit(boot_timeout);
    ASSERT_TRUE(status.has_value()) << describe(machine);
    EXPECT_EQ(*status, 3) << describe(machine);
    std::string log = machine.serial_output();
    EXPECT_NE(log.find("Welcome to Tessera"), std::string::npos) << log;
    EXPECT_NE(log.find("$ uname -a\nTessera tessera "), std::string::npos) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("drwxr-xr-x +2 root +root +[0-9]+ .* bin\n"))) << log;
    EXPECT_NE(log.find("\nTESSERA!\n"), std::string::npos) << log;
    // Every applet link is in /bin: busybox --list has well over 200.
    std::smatch count;
    ASSERT_TRUE(std::regex_search(log, count, std::regex("\\$ ls /bin \\| wc -l\n(?:linux: .*\n)*([0-9]+)\n"))) << log;
    EXPECT_GT(std::stoi(count[1]), 200) << log;
    // Nothing leaks across the whole session.
    std::smatch frames;
    ASSERT_TRUE(std::regex_search(log, frames, std::regex("([0-9]+) frames free before init, ([0-9]+) after"))) << log;
    EXPECT_EQ(frames[1], frames[2]) << log;
}

}  // namespace
}  // namespace tessera::system_test
