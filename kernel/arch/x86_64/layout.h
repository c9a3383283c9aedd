// Virtual memory layout shared by the boot assembly, the linker script and C++.
#pragma once

// The kernel image is linked in the top 2 GiB (-mcmodel=kernel) and loaded
// at 1 MiB physical; the first gigabyte of physical memory is mapped here.
#define KERNEL_VIRTUAL_BASE 0xFFFFFFFF80000000
#define KERNEL_PHYSICAL_LOAD 0x100000
