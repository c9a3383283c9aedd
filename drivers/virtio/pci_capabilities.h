// Finding the virtio structures through the PCI capability list.
//
// Everything here comes from the device, and a device (or a fake) can be
// broken: capability pointers may loop, point into the header or past the end
// of configuration space, and a capability may describe a range outside its
// BAR. Walking always terminates, never reads outside configuration space
// and reports Error::malformed_capabilities instead of guessing.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "error.h"
#include "platform.h"

namespace tessera::virtio {

struct PciCapability {
    std::uint8_t offset;  // in configuration space
    std::uint8_t id;      // e.g. pci::capability_vendor_specific
};

// The standard capability list, in list order. Error::no_capability_list
// when the status register has no capability list; malformed_capabilities
// for a pointer below 0x40, a loop, or more entries than can fit.
ErrorOr<std::vector<PciCapability>> walk_capabilities(Platform& platform);

// One virtio structure: where it is and how long the device says it is.
// The range [offset, offset + length) has been checked to lie inside the BAR.
struct VirtioRegion {
    MmioRegion* bar = nullptr;
    std::uint8_t bar_index = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
};

struct VirtioPciLayout {
    VirtioRegion common;
    VirtioRegion notify;
    VirtioRegion isr;
    std::optional<VirtioRegion> device;  // devices without config space have none
    std::uint32_t notify_off_multiplier = 0;
};

// Picks, for each structure type, the first virtio vendor capability that is
// well formed (long enough, a BAR index 0..5, a range inside that BAR) and
// ignores the others, as the specification asks (4.1.4). Error::missing_capability
// when common, notify or ISR has no usable capability.
ErrorOr<VirtioPciLayout> parse_virtio_capabilities(Platform& platform, const std::vector<PciCapability>& capabilities);

}  // namespace tessera::virtio
