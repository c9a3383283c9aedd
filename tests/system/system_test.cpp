#include "system_test.h"

#include <gtest/gtest.h>

namespace tessera::system_test {

qemu::Options kernel_options(const std::string& append) {
    qemu::Options options;
    options.kernel = TESSERA_KERNEL_IMAGE;
    options.append = append;
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = test ? std::string(test->test_suite_name()) + "." + test->name() : "unnamed";
    options.work_directory = std::filesystem::path(TESSERA_BUILD_DIR) / "tests/system/work" / name;
    return options;
}

std::string describe(const qemu::Machine& machine) {
    return "serial log (" + machine.serial_log_path().string() + "):\n" + machine.serial_output();
}

}  // namespace tessera::system_test
