// PCI: configuration access (ECAM from ACPI MCFG when the firmware has it,
// else port I/O at 0xCF8/0xCFC), enumeration at boot, BAR sizing and the
// assignment of the BARs the firmware left unassigned (qboot assigns
// none), and MSI-X table programming. The functions found are kept in a
// fixed table for the lifetime of the kernel; the native device calls
// (kernel/native/devices.cpp) hand them out as capabilities.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "api/native.h"
#include "lib/error.h"

namespace device {

struct PciFunction {
    native::PciDeviceInfo info;
    uint8_t msix_capability = 0;  // config offset, 0 without MSI-X
    uint8_t msix_table_bar = 0;
    uint32_t msix_table_offset = 0;
    uint8_t msix_pba_bar = 0;
    bool opened = false;            // a device capability for it exists
    uint64_t open_vectors = 0;      // MSI-X entries with an interrupt fd (first 64)
};

// Enumerates every bus and assigns missing BARs; logs each function.
void init_pci();

size_t pci_function_count();
PciFunction& pci_function(size_t index);
PciFunction* find_pci_function(uint32_t address);

// Config space access of width 1, 2 or 4 at a naturally aligned offset
// below info.config_size (the caller checks).
uint32_t pci_config_read(const PciFunction& function, uint32_t offset, uint32_t width);
void pci_config_write(const PciFunction& function, uint32_t offset, uint32_t width, uint32_t value);

// Whether a driver may write this config register: not the BARs, the
// expansion ROM or the MSI-X capability (the kernel owns those).
bool pci_config_writable_by_driver(const PciFunction& function, uint32_t offset, uint32_t width);

// The bus-master bit: on while a driver holds the device, off when its
// capability goes away so the device cannot write into freed memory.
void pci_set_bus_master(const PciFunction& function, bool enabled);

// Points MSI-X table entry `entry` at the local APIC with `vector` and
// unmasks it, enabling MSI-X on the function (INTx off). not_supported
// without MSI-X; out_of_range past the table.
lib::Status pci_enable_msix_entry(PciFunction& function, uint32_t entry, uint8_t vector);
void pci_mask_msix_entry(PciFunction& function, uint32_t entry);

}  // namespace device
