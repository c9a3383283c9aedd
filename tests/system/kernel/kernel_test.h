// Helpers for the kernel's system tests: a machine booted with one of the
// ramdisks packed by CMakeLists.txt, and the accelerator choice.
#pragma once

#include <string>

#include "system_test.h"

namespace tessera::system_test {

// kernel_options(append) plus the ramdisk ${RAMDISK_DIR}/<name>.cpio (none
// when name is empty). On hosts whose KVM is kvm-pvm (a paravirtual KVM
// for PVM-aware Linux guests: syscall does not reach ring 0 and every
// memory write traps) it selects TCG; elsewhere the harness's default.
qemu::Options kernel_test_options(const std::string& append, const std::string& ramdisk = "");

std::string ramdisk_path(const std::string& name);

// Boots, waits for the exit and returns the guest's status, or -1000 when
// the machine did not exit in time; the serial log is in output.
int boot_and_wait(const qemu::Options& options, std::string& output);

}  // namespace tessera::system_test
