// Numbers and layouts from the virtio 1.x specification (sections 2.1 device
// status, 2.6 split virtqueues, 4.1 virtio over PCI, 6 reserved features),
// shared by the driver library and the fake device in the tests. All
// multi-byte fields are little-endian; Tessera runs on x86_64 only, so they
// are read and written natively.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tessera::virtio {

// PCI identity of a modern (non-transitional) virtio device: device id is
// 0x1040 + the virtio device type. Transitional devices use 0x1000..0x103F.
inline constexpr std::uint16_t pci_vendor_virtio = 0x1AF4;
inline constexpr std::uint16_t pci_device_modern_base = 0x1040;

// Device types (section 5).
namespace device_type {
inline constexpr std::uint16_t network = 1;
inline constexpr std::uint16_t block = 2;
inline constexpr std::uint16_t console = 3;
inline constexpr std::uint16_t gpu = 16;
inline constexpr std::uint16_t input = 18;
}  // namespace device_type

// Generic PCI configuration header fields this library reads.
namespace pci {
inline constexpr std::size_t vendor_id = 0x00;
inline constexpr std::size_t device_id = 0x02;
inline constexpr std::size_t command = 0x04;
inline constexpr std::size_t status = 0x06;
inline constexpr std::size_t capabilities_pointer = 0x34;
inline constexpr std::uint16_t command_memory_space = 1u << 1;
inline constexpr std::uint16_t command_bus_master = 1u << 2;
inline constexpr std::uint16_t command_intx_disable = 1u << 10;
inline constexpr std::uint16_t status_capabilities_list = 1u << 4;
inline constexpr std::uint8_t capability_vendor_specific = 0x09;
inline constexpr std::uint8_t capability_msix = 0x11;
// Capabilities live after the 64-byte standard header.
inline constexpr std::size_t first_capability_offset = 0x40;
}  // namespace pci

// Device status bits (2.1).
namespace status {
inline constexpr std::uint8_t acknowledge = 1;
inline constexpr std::uint8_t driver = 2;
inline constexpr std::uint8_t driver_ok = 4;
inline constexpr std::uint8_t features_ok = 8;
inline constexpr std::uint8_t device_needs_reset = 64;
inline constexpr std::uint8_t failed = 128;
}  // namespace status

// Reserved feature bits (6).
namespace feature {
inline constexpr std::uint64_t indirect_desc = 1ull << 28;
inline constexpr std::uint64_t event_idx = 1ull << 29;
inline constexpr std::uint64_t version_1 = 1ull << 32;
inline constexpr std::uint64_t access_platform = 1ull << 33;
inline constexpr std::uint64_t ring_packed = 1ull << 34;
inline constexpr std::uint64_t in_order = 1ull << 35;
inline constexpr std::uint64_t notification_data = 1ull << 38;
}  // namespace feature

// The virtio PCI capability (4.1.4): cfg_type values and field offsets
// relative to the capability's start in configuration space.
namespace cap {
inline constexpr std::uint8_t common_cfg = 1;
inline constexpr std::uint8_t notify_cfg = 2;
inline constexpr std::uint8_t isr_cfg = 3;
inline constexpr std::uint8_t device_cfg = 4;
inline constexpr std::uint8_t pci_cfg = 5;
inline constexpr std::size_t field_next = 1;
inline constexpr std::size_t field_length = 2;
inline constexpr std::size_t field_cfg_type = 3;
inline constexpr std::size_t field_bar = 4;
inline constexpr std::size_t field_offset = 8;
inline constexpr std::size_t field_region_length = 12;
inline constexpr std::size_t field_notify_off_multiplier = 16;
inline constexpr std::size_t size = 16;
inline constexpr std::size_t notify_size = 20;
}  // namespace cap

// Register offsets inside the common configuration structure (4.1.4.3).
namespace common {
inline constexpr std::size_t device_feature_select = 0x00;
inline constexpr std::size_t device_feature = 0x04;
inline constexpr std::size_t driver_feature_select = 0x08;
inline constexpr std::size_t driver_feature = 0x0C;
inline constexpr std::size_t config_msix_vector = 0x10;
inline constexpr std::size_t num_queues = 0x12;
inline constexpr std::size_t device_status = 0x14;
inline constexpr std::size_t config_generation = 0x15;
inline constexpr std::size_t queue_select = 0x16;
inline constexpr std::size_t queue_size = 0x18;
inline constexpr std::size_t queue_msix_vector = 0x1A;
inline constexpr std::size_t queue_enable = 0x1C;
inline constexpr std::size_t queue_notify_off = 0x1E;
inline constexpr std::size_t queue_desc = 0x20;
inline constexpr std::size_t queue_driver = 0x28;
inline constexpr std::size_t queue_device = 0x30;
// The virtio 1.0 structure ends here; 1.2 appends queue_notify_data and
// queue_reset, which this library does not use.
inline constexpr std::size_t size = 0x38;
}  // namespace common

// ISR status bits (4.1.4.5). Reading the register clears it.
namespace isr {
inline constexpr std::uint8_t queue = 1;
inline constexpr std::uint8_t config = 2;
}  // namespace isr

// Split virtqueue layout (2.6).
inline constexpr std::uint16_t max_queue_size = 32768;

struct VirtqDesc {
    std::uint64_t addr;
    std::uint32_t len;
    std::uint16_t flags;
    std::uint16_t next;
};
static_assert(sizeof(VirtqDesc) == 16);

namespace desc_flag {
inline constexpr std::uint16_t next = 1;
inline constexpr std::uint16_t write = 2;  // device-writable
inline constexpr std::uint16_t indirect = 4;
}  // namespace desc_flag

struct VirtqUsedElem {
    std::uint32_t id;
    std::uint32_t len;
};
static_assert(sizeof(VirtqUsedElem) == 8);

// Driver area: flags, idx, ring[size], used_event (with EVENT_IDX).
// Device area: flags, idx, ring[size] of VirtqUsedElem, avail_event.
inline constexpr std::uint16_t avail_flag_no_interrupt = 1;
inline constexpr std::uint16_t used_flag_no_notify = 1;

inline constexpr std::size_t desc_table_bytes(std::uint16_t size) {
    return 16u * size;
}
inline constexpr std::size_t avail_ring_bytes(std::uint16_t size) {
    return 6u + 2u * size;
}
inline constexpr std::size_t used_ring_bytes(std::uint16_t size) {
    return 6u + 8u * size;
}
inline constexpr std::size_t desc_align = 16;
inline constexpr std::size_t avail_align = 2;
inline constexpr std::size_t used_align = 4;

// True when moving an index from old_idx to new_idx crosses event_idx, i.e.
// the other side asked to be told once entry event_idx is reached (virtio
// 1.1, 2.6.7 and 2.6.10). All arithmetic is modulo 2^16, which is what
// makes it survive the wrap past 65535.
inline constexpr bool need_event(std::uint16_t event_idx, std::uint16_t new_idx, std::uint16_t old_idx) {
    return static_cast<std::uint16_t>(new_idx - event_idx - 1) < static_cast<std::uint16_t>(new_idx - old_idx);
}

}  // namespace tessera::virtio
