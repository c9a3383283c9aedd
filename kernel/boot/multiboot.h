// What the boot loader tells us: Multiboot v1 (QEMU -kernel) or Multiboot2
// (GRUB). Only the command line is read so far.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace boot {

constexpr uint32_t multiboot1_loader_magic = 0x2BADB002;
constexpr uint32_t multiboot2_loader_magic = 0x36D76289;

// Physical addresses in the boot information are turned into pointers by
// the caller's mapping (identity in tests, the higher-half window in the kernel).
using PhysicalToPointer = const void* (*)(uint64_t physical);

struct BootInfo {
    bool valid = false;
    const char* loader = "unknown";
    const char* command_line = "";
};

// Never trusts the loader: an unknown magic, a null pointer or a tag list
// that runs past its declared size yields valid=false.
BootInfo parse_boot_info(uint32_t magic, uint64_t info_physical, PhysicalToPointer map);

}  // namespace boot
