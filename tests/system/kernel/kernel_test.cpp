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
    return options;
}

int boot_and_wait(const qemu::Options& options, std::string& output) {
    qemu::Machine machine(options);
    auto status = machine.wait_for_exit(boot_timeout);
    output = machine.serial_output();
    return status ? *status : -1000;
}

}  // namespace tessera::system_test
