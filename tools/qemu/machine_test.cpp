#include "machine.h"

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using tessera::qemu::guest_status_from_wait_status;
using tessera::qemu::no_guest_status;

int exited(int code) { return (code & 0xff) << 8; }  // a wait status as waitpid builds it

TEST(QemuHarness, DecodesDebugExitStatus) {
    EXPECT_EQ(guest_status_from_wait_status(exited(1)), 0);
    EXPECT_EQ(guest_status_from_wait_status(exited(7)), 3);
    EXPECT_EQ(guest_status_from_wait_status(exited(255)), 127);
}

TEST(QemuHarness, PlainQemuExitCarriesNoStatus) {
    EXPECT_EQ(guest_status_from_wait_status(exited(0)), no_guest_status);
    EXPECT_EQ(guest_status_from_wait_status(exited(2)), no_guest_status);
}

TEST(QemuHarness, SignalsMapLikeAShell) { EXPECT_EQ(guest_status_from_wait_status(SIGKILL), 128 + SIGKILL); }

TEST(QemuHarness, CommandLineBootsDirectlyThroughQboot) {
    tessera::qemu::Options options;
    options.kernel = "/k.bin";
    options.initrd = "/r.cpio";
    options.append = "init=/bin/busybox echo hi";
    options.cpus = 2;
    options.extra_arguments = {"-device", "virtio-gpu-pci"};
    auto args = tessera::qemu::qemu_command_line(options, true, "/s/serial", "/s/qmp");
    auto after = [&](const std::string& flag) {
        auto it = std::find(args.begin(), args.end(), flag);
        return it == args.end() || it + 1 == args.end() ? std::string("<none>") : *(it + 1);
    };
    EXPECT_EQ(after("-bios"), "/usr/share/qemu/qboot.rom");
    EXPECT_EQ(after("-kernel"), "/k.bin");
    EXPECT_EQ(after("-initrd"), "/r.cpio");
    EXPECT_EQ(after("-append"), "init=/bin/busybox echo hi");
    EXPECT_EQ(after("-accel"), "kvm");
    EXPECT_EQ(after("-cpu"), "host,-arch-capabilities");
    EXPECT_EQ(after("-smp"), "2");
    EXPECT_EQ(after("-serial"), "chardev:serial0");
    EXPECT_EQ(args.back(), "virtio-gpu-pci");
    EXPECT_NE(std::find(args.begin(), args.end(), "-no-reboot"), args.end());

    auto tcg = tessera::qemu::qemu_command_line(options, false, "/s/serial", "/s/qmp");
    EXPECT_NE(std::find(tcg.begin(), tcg.end(), "tcg"), tcg.end());
    options.append.clear();
    options.initrd.clear();
    auto bare = tessera::qemu::qemu_command_line(options, true, "/s/serial", "/s/qmp");
    EXPECT_EQ(std::find(bare.begin(), bare.end(), "-append"), bare.end());
    EXPECT_EQ(std::find(bare.begin(), bare.end(), "-initrd"), bare.end());
}

TEST(QemuHarness, IsoBootUsesRealFirmwareNotQboot) {
    tessera::qemu::Options options;
    options.cdrom = "/t.iso";
    options.firmware = "/usr/share/ovmf/OVMF.fd";
    auto args = tessera::qemu::qemu_command_line(options, false, "/s/serial", "/s/qmp");
    auto after = [&](const std::string& flag) {
        auto it = std::find(args.begin(), args.end(), flag);
        return it == args.end() || it + 1 == args.end() ? std::string("<none>") : *(it + 1);
    };
    EXPECT_EQ(after("-cdrom"), "/t.iso");
    EXPECT_EQ(after("-bios"), "/usr/share/ovmf/OVMF.fd");
    EXPECT_EQ(after("-kernel"), "<none>");
    options.firmware.clear();
    args = tessera::qemu::qemu_command_line(options, false, "/s/serial", "/s/qmp");
    EXPECT_EQ(after("-bios"), "<none>");  // SeaBIOS, QEMU's default
}

TEST(QemuHarness, MissingKernelIsAClearError) {
    tessera::qemu::Options options;
    options.kernel = "/nonexistent/kernel.bin";
    try {
        tessera::qemu::Machine machine(options);
        FAIL() << "a machine started without a kernel";
    } catch (const std::runtime_error& error) {
        EXPECT_NE(std::string(error.what()).find("no image at"), std::string::npos);
    }
}

}  // namespace
