#include "kernel_test.h"

#include <filesystem>
#include <thread>

namespace tessera::system_test {

std::string ramdisk_path(const std::string& name) {
    return std::string(TESSERA_TEST_RAMDISKS) + "/" + name + ".cpio";
}

qemu::Options kernel_test_options(const std::string& append, const std::string& ramdisk) {
    qemu::Options options = kernel_options(append);
    if (!ramdisk.empty()) options.initrd = ramdisk.front() == '/' ? ramdisk : ramdisk_path(ramdisk);
    if (std::filesystem::exists("/sys/module/kvm_pvm")) options.accelerator = qemu::Accelerator::tcg;
    return options;
}

int boot_and_wait(const qemu::Options& options, std::string& output) {
    qemu::Machine machine(options);
    auto status = machine.wait_for_exit(boot_timeout);
    // The serial reader may still hold the last lines when QEMU has
    // exited: wait until the log stops growing.
    output = machine.serial_output();
    for (int i = 0; i < 40; ++i) {
        std::this_thread::sleep_for(50ms);
        std::string later = machine.serial_output();
        if (later == output) break;
        output = later;
    }
    return status ? *status : -1000;
}

}  // namespace tessera::system_test
