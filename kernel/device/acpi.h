// The few ACPI tables the kernel reads: the RSDP (found as Linux finds it
// on BIOS machines: the first KiB of the EBDA, then 0xE0000..0xFFFFF), the
// RSDT/XSDT it points to, and MCFG (where PCI Express configuration space,
// ECAM, lives). qboot builds these tables from QEMU's fw_cfg; on q35 MCFG
// is present, on i440fx it is not and PCI falls back to port I/O.
#pragma once
#include <stdint.h>

namespace device {

struct EcamRange {
    uint64_t base = 0;  // physical address of bus start_bus's configuration space
    uint16_t segment = 0;
    uint8_t start_bus = 0;
    uint8_t end_bus = 0;
};

// The first ECAM range of segment 0 from MCFG; false when there is none
// (no RSDP, no MCFG, or a malformed table, which is logged).
bool find_ecam(EcamRange& range);

}  // namespace device
