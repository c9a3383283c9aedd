// The device capabilities, as the files behind descriptors (FileKind tells
// them apart). Holding the descriptor is the permission; the native calls
// (kernel/native/devices.cpp) check the kind of file they are given.
//
//   PciBusFile     enumerate functions and open one (only init gets it)
//   PciDeviceFile  one function: its config space, BAR mappings, MSI-X
//                  interrupts and DMA memory; bus mastering is on while it
//                  exists
//   InterruptFile  one MSI-X vector: read gives the count of interrupts
//                  since the last read (8 bytes, like an eventfd); POLLIN
//                  while that count is not zero
//   DmaFile        physically contiguous zeroed RAM, mapped with mmap
//                  (MAP_SHARED) by whoever holds the descriptor
#pragma once
#include <stdint.h>

#include "device/pci.h"
#include "object/file.h"
#include "sched/thread.h"

namespace device {

class PciBusFile final : public object::File {
public:
    lib::ErrorOr<object::FileStatus> status() override;
    PciBusFile() { kind = object::FileKind::pci_bus; }
};

class PciDeviceFile final : public object::File {
public:
    explicit PciDeviceFile(PciFunction& function);
    ~PciDeviceFile() override;
    lib::ErrorOr<object::FileStatus> status() override;
    PciFunction& function() { return function_; }

private:
    PciFunction& function_;
};

class InterruptFile final : public object::File {
public:
    // Takes a free vector and points MSI-X entry `entry` of `function` at it.
    static lib::ErrorOr<InterruptFile*> create(PciFunction& function, uint32_t entry);
    ~InterruptFile() override;
    lib::ErrorOr<size_t> read(uint64_t user_address, size_t length) override;
    uint32_t ready_events() override;
    lib::ErrorOr<object::FileStatus> status() override;

    // From the interrupt handler.
    void signal();

    // Use create; public for lib::make.
    InterruptFile(PciFunction& function, uint32_t entry, uint8_t vector)
        : function_(function), entry_(entry), vector_(vector) {
        kind = object::FileKind::interrupt;
    }

private:
    PciFunction& function_;
    uint32_t entry_;
    uint8_t vector_;
    uint64_t count_ = 0;  // touched with interrupts off
    sched::WaitQueue readers_;
};

class DmaFile final : public object::File {
public:
    static lib::ErrorOr<DmaFile*> create(uint64_t size);
    ~DmaFile() override;
    lib::ErrorOr<object::FileStatus> status() override;
    object::PhysicalRange physical_range() const override { return {physical_, size_}; }

    // Use create; public for lib::make. Takes over the frames' references.
    DmaFile(uint64_t physical, uint64_t size) : physical_(physical), size_(size) { kind = object::FileKind::dma_memory; }

private:
    uint64_t physical_;
    uint64_t size_;
};

// Installs the handler for the device vectors; before any interrupt file.
void init_device_interrupts();

}  // namespace device
