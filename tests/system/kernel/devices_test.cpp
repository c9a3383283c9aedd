// The device capability calls (kernel/api/native.h) in Tessera with virtio
// devices attached: tests/programs/device_checks.cpp as init.
#include <gtest/gtest.h>

#include <regex>

#include "kernel_test.h"

namespace tessera::system_test {
namespace {

TEST(KernelDevices, CapabilityChecksPassAndLeakNothing) {
    auto options = kernel_test_options("init=/sbin/device-checks", "devices");
    options.extra_arguments = {"-vga", "none", "-device", "virtio-gpu-pci", "-device", "virtio-keyboard-pci"};
    std::string log;
    int status = boot_and_wait(options, log);
    EXPECT_EQ(status, 0) << log;
    EXPECT_EQ(log.find("FAIL"), std::string::npos) << log;
    EXPECT_NE(log.find("\nPASS device-checks\n"), std::string::npos) << log;
    EXPECT_NE(log.find("PASS pci_bus_open from a process other than init gives EPERM"), std::string::npos) << log;
    std::smatch match;
    ASSERT_TRUE(std::regex_search(log, match, std::regex("mm: (\\d+) frames free before init, (\\d+) after"))) << log;
    EXPECT_EQ(match[1], match[2]) << log;
}

}  // namespace
}  // namespace tessera::system_test
