// Tessera's native system calls: what Linux has no call for. This header is
// shared by the kernel and userspace (drivers include it through
// drivers/native/native_calls.h); it holds only numbers and plain structs.
//
// The calls use the Linux calling convention (number in rax, arguments in
// rdi, rsi, rdx, r10, r8, r9, -errno in rax) at numbers native_base + n.
// docs/protocols/native-calls.md describes each call and the capability
// rule: device access is held as file descriptors, and only init may open
// the bus capability that every other device capability comes from.
#pragma once
#include <stdint.h>

namespace native {

constexpr uint64_t native_base = 0x1000;

// X(offset from native_base, name). Each becomes native::number_<name> and,
// in the kernel, a handler native::sys_<name> (kernel/native/).
#define TESSERA_NATIVE_CALLS(X) \
    X(0, pci_bus_open)          \
    X(1, pci_list)              \
    X(2, pci_open)              \
    X(3, pci_config_read)       \
    X(4, pci_config_write)      \
    X(5, pci_map_bar)           \
    X(6, interrupt_open)        \
    X(7, dma_allocate)          \
    X(8, dma_physical_address)

#define TESSERA_NATIVE_NUMBER(offset, name) constexpr uint64_t number_##name = native_base + offset;
TESSERA_NATIVE_CALLS(TESSERA_NATIVE_NUMBER)
#undef TESSERA_NATIVE_NUMBER

constexpr int native_call_count = 9;

// A PCI function's address: bus << 8 | device << 3 | function.
constexpr uint32_t pci_address(uint32_t bus, uint32_t device, uint32_t function) {
    return bus << 8 | device << 3 | function;
}

constexpr uint32_t bar_flag_present = 1, bar_flag_io = 2, bar_flag_64bit = 4, bar_flag_prefetchable = 8;

struct PciBar {
    uint64_t address;  // physical (memory) or port (I/O); 0 when absent
    uint64_t size;
    uint32_t flags;  // bar_flag_*
    uint32_t reserved;
};

// What pci_list fills in for each function: its identity and its BARs as
// the kernel assigned them.
struct PciDeviceInfo {
    uint32_t address;  // pci_address()
    uint16_t vendor_id;
    uint16_t device_id;
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    uint8_t class_code;
    uint8_t subclass;
    uint8_t programming_interface;
    uint8_t revision;
    uint8_t interrupt_pin;   // 0: none, 1..4: INTA..INTD
    uint8_t reserved[3];
    uint16_t msix_vectors;   // table size; 0 without MSI-X
    uint16_t config_size;    // 256 (port I/O) or 4096 (ECAM)
    PciBar bars[6];
};

// pci_map_bar cache modes.
constexpr uint64_t cache_uncached = 0, cache_write_combining = 1;

// interrupt_open: the index of the MSI-X table entry to program; the
// returned fd reads as an 8-byte count of interrupts since the last read.
// (INTx through the IOAPIC is not implemented: EOPNOTSUPP.)
constexpr uint64_t interrupt_legacy = 0xFFFF;

// Limits.
constexpr uint64_t max_dma_size = 64ull << 20;
constexpr uint64_t max_pci_functions = 64;

}  // namespace native
