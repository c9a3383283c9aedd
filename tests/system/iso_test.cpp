// The ISO users boot: GRUB from a CD-ROM with real firmware (SeaBIOS and
// OVMF for UEFI) loads the kernel through Multiboot2. Firmware under nested
// KVM is slow or hangs, so these always run under TCG.
#include <gtest/gtest.h>

#include "system_test.h"

namespace tessera::system_test {
namespace {

qemu::Options iso_options(const std::filesystem::path& firmware) {
    auto options = kernel_options();
    options.kernel.clear();
    options.cdrom = std::filesystem::path(TESSERA_BUILD_DIR) / "image/iso/tessera.iso";
    options.firmware = firmware;
    options.accelerator = qemu::Accelerator::tcg;
    return options;
}

void expect_grub_boots_kernel(qemu::Machine& machine) {
    EXPECT_TRUE(machine.wait_for_serial("Tessera kernel, build [0-9a-f]{40}", 120s)) << describe(machine);
    EXPECT_TRUE(machine.wait_for_serial("boot: multiboot2", 10s)) << describe(machine);
    auto status = machine.wait_for_exit(30s);
    ASSERT_TRUE(status.has_value()) << describe(machine);
    EXPECT_EQ(*status, 0) << describe(machine);
}

TEST(Iso, GrubBootsTheKernelWithBios) {
    qemu::Machine machine(iso_options({}));
    expect_grub_boots_kernel(machine);
}

TEST(Iso, GrubBootsTheKernelWithUefi) {
    qemu::Machine machine(iso_options("/usr/share/ovmf/OVMF.fd"));
    expect_grub_boots_kernel(machine);
}

}  // namespace
}  // namespace tessera::system_test
