// Shared pieces of the system tests: where the images are, a per-test work
// directory for logs and screenshots, and the default machine options.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "machine.h"

namespace tessera::system_test {

using namespace std::chrono_literals;

// Boot options for the kernel of this build, keeping the serial log and
// QEMU's own output under build/tests/system/work/<suite>.<test>/.
qemu::Options kernel_options(const std::string& append = "");

// Appends the serial log to a failing test's output.
std::string describe(const qemu::Machine& machine);

// Generous for TCG, where a boot is ~10x slower than under KVM.
constexpr auto boot_timeout = 60s;

}  // namespace tessera::system_test
