#include "pci_capabilities.h"

#include <bitset>

#include "spec.h"

namespace tessera::virtio {

namespace {

// Capabilities live in the 256-byte conventional space even when ECAM gives
// us 4096 (the extended list starting at 0x100 has another format).
constexpr std::size_t conventional_space = 256;
// Dword-aligned slots between 0x40 and 0xFF: no list can be longer.
constexpr std::size_t max_capabilities = (conventional_space - pci::first_capability_offset) / 4;

// The minimum useful size of each structure, so later accesses at fixed
// offsets stay inside what the device described.
std::uint32_t minimum_length(std::uint8_t cfg_type) {
    switch (cfg_type) {
        case cap::common_cfg:
            return common::size;
        case cap::notify_cfg:
            return 2;  // one 16-bit notify register
        case cap::isr_cfg:
            return 1;
        case cap::device_cfg:
            return 1;
        default:
            return 0;
    }
}

}  // namespace

ErrorOr<std::vector<PciCapability>> walk_capabilities(Platform& platform) {
    if (!(platform.config_read16(pci::status) & pci::status_capabilities_list)) return Error::no_capability_list;

    std::vector<PciCapability> result;
    std::bitset<conventional_space / 4> visited;
    // The two low bits of every pointer are reserved and must be masked.
    std::uint8_t pointer = platform.config_read8(pci::capabilities_pointer) & 0xFC;
    while (pointer != 0) {
        if (pointer < pci::first_capability_offset) return Error::malformed_capabilities;
        if (visited.test(pointer / 4) || result.size() == max_capabilities) return Error::malformed_capabilities;
        visited.set(pointer / 4);
        // A pointer is at most 0xFC, so both header bytes are inside the space.
        result.push_back({pointer, platform.config_read8(pointer)});
        pointer = platform.config_read8(pointer + cap::field_next) & 0xFC;
    }
    return result;
}

ErrorOr<VirtioPciLayout> parse_virtio_capabilities(Platform& platform, const std::vector<PciCapability>& capabilities) {
    std::optional<VirtioRegion> common_region, notify_region, isr_region, device_region;
    std::uint32_t multiplier = 0;

    for (const PciCapability& capability : capabilities) {
        if (capability.id != pci::capability_vendor_specific) continue;
        std::size_t at = capability.offset;
        std::uint8_t length = platform.config_read8(at + cap::field_length);
        std::uint8_t cfg_type = platform.config_read8(at + cap::field_cfg_type);
        std::size_t needed = cfg_type == cap::notify_cfg ? cap::notify_size : cap::size;
        // A truncated capability, or one running off the end of config space,
        // is unusable; its fields would be someone else's bytes.
        if (length < needed || at + length > conventional_space) continue;

        std::optional<VirtioRegion>* slot = nullptr;
        switch (cfg_type) {
            case cap::common_cfg:
                slot = &common_region;
                break;
            case cap::notify_cfg:
                slot = &notify_region;
                break;
            case cap::isr_cfg:
                slot = &isr_region;
                break;
            case cap::device_cfg:
                slot = &device_region;
                break;
            default:
                continue;  // PCI config access, shared memory, vendor data: unused
        }
        if (slot->has_value()) continue;  // the first usable one wins

        std::uint8_t bar_index = platform.config_read8(at + cap::field_bar);
        if (bar_index > 5) continue;  // reserved values: the spec says to ignore the capability
        std::uint32_t offset = platform.config_read32(at + cap::field_offset);
        std::uint32_t region_length = platform.config_read32(at + cap::field_region_length);
        if (region_length < minimum_length(cfg_type)) continue;

        auto bar = platform.map_bar(bar_index);
        if (bar.is_error()) continue;
        // 64-bit sum: offset + length can overflow 32 bits on purpose.
        if (std::uint64_t{offset} + region_length > bar.value()->size()) continue;

        *slot = VirtioRegion{bar.value(), bar_index, offset, region_length};
        if (cfg_type == cap::notify_cfg) multiplier = platform.config_read32(at + cap::field_notify_off_multiplier);
    }

    if (!common_region || !notify_region || !isr_region) return Error::missing_capability;
    return VirtioPciLayout{*common_region, *notify_region, *isr_region, device_region, multiplier};
}

}  // namespace tessera::virtio
