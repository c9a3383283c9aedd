#include "virtio/pci_capabilities.h"

#include <gtest/gtest.h>

#include "fake_device.h"
#include "virtio/spec.h"
#include "virtio/transport.h"

namespace tessera::virtio::testing {
namespace {

using Device = FakeVirtioDevice;

class VirtioPciCapabilities : public ::testing::Test {
protected:
    FakePlatform platform;
    Device device{platform, {}};

    ErrorOr<VirtioPciLayout> parse() {
        auto capabilities = walk_capabilities(platform);
        if (capabilities.is_error()) return capabilities.error();
        return parse_virtio_capabilities(platform, capabilities.value());
    }

    // A virtio capability at `at` in BAR `bar`.
    void write_cap(std::uint8_t at, std::uint8_t next, std::uint8_t type, std::uint8_t bar, std::uint32_t offset,
                   std::uint32_t length, std::uint8_t cap_length = cap::size) {
        platform.poke8(at, pci::capability_vendor_specific);
        platform.poke8(at + cap::field_next, next);
        platform.poke8(at + cap::field_length, cap_length);
        platform.poke8(at + cap::field_cfg_type, type);
        platform.poke8(at + cap::field_bar, bar);
        platform.poke32(at + cap::field_offset, offset);
        platform.poke32(at + cap::field_region_length, length);
    }

    void expect_stayed_in_config_space() {
        EXPECT_LT(platform.highest_config_byte_read(), 256);
        EXPECT_LT(platform.config_reads(), 2000u);  // terminated, did not spin
        EXPECT_TRUE(platform.violations().empty()) << platform.violations().front();
    }
};

TEST_F(VirtioPciCapabilities, FindsTheStructuresOfAQemuLikeDevice) {
    auto capabilities = walk_capabilities(platform);
    ASSERT_FALSE(capabilities.is_error());
    ASSERT_EQ(capabilities.value().size(), 5u);
    EXPECT_EQ(capabilities.value()[0].id, pci::capability_msix);
    EXPECT_EQ(capabilities.value()[1].offset, Device::common_cap_at);

    auto layout = parse();
    ASSERT_FALSE(layout.is_error()) << error_name(layout.error());
    EXPECT_EQ(layout.value().common.bar_index, Device::bar_index);
    EXPECT_EQ(layout.value().common.offset, Device::common_offset);
    EXPECT_EQ(layout.value().notify.offset, Device::notify_offset);
    EXPECT_EQ(layout.value().isr.offset, Device::isr_offset);
    ASSERT_TRUE(layout.value().device.has_value());
    EXPECT_EQ(layout.value().device->offset, Device::device_offset);
    EXPECT_EQ(layout.value().device->length, Device::region_length);
    EXPECT_EQ(layout.value().notify_off_multiplier, 4u);
    expect_stayed_in_config_space();
}

TEST_F(VirtioPciCapabilities, NoCapabilityListBit) {
    platform.poke16(pci::status, 0);
    EXPECT_EQ(walk_capabilities(platform).error(), Error::no_capability_list);
}

TEST_F(VirtioPciCapabilities, CapabilityPointingAtItselfIsALoop) {
    platform.poke8(Device::notify_cap_at + cap::field_next, Device::notify_cap_at);
    EXPECT_EQ(walk_capabilities(platform).error(), Error::malformed_capabilities);
    expect_stayed_in_config_space();
}

TEST_F(VirtioPciCapabilities, LongerLoopIsDetected) {
    platform.poke8(Device::device_cap_at + cap::field_next, Device::msix_cap_at);
    EXPECT_EQ(walk_capabilities(platform).error(), Error::malformed_capabilities);
    expect_stayed_in_config_space();
}

TEST_F(VirtioPciCapabilities, LoopThroughReservedPointerBitsIsDetected) {
    // 0x53 masks to 0x50, the common capability: a loop only after masking.
    platform.poke8(Device::device_cap_at + cap::field_next, Device::common_cap_at | 3);
    EXPECT_EQ(walk_capabilities(platform).error(), Error::malformed_capabilities);
    expect_stayed_in_config_space();
}

TEST_F(VirtioPciCapabilities, PointerIntoTheHeaderIsMalformed) {
    platform.poke8(Device::isr_cap_at + cap::field_next, 0x10);
    EXPECT_EQ(walk_capabilities(platform).error(), Error::malformed_capabilities);
    platform.poke8(pci::capabilities_pointer, 0x3C);
    EXPECT_EQ(walk_capabilities(platform).error(), Error::malformed_capabilities);
}

TEST_F(VirtioPciCapabilities, ReservedLowPointerBitsAreMasked) {
    platform.poke8(pci::capabilities_pointer, Device::msix_cap_at | 2);
    platform.poke8(Device::msix_cap_at + 1, Device::common_cap_at | 1);
    auto layout = parse();
    ASSERT_FALSE(layout.is_error()) << error_name(layout.error());
    EXPECT_EQ(layout.value().common.offset, Device::common_offset);
}

TEST_F(VirtioPciCapabilities, FullLengthChainTerminates) {
    // 48 four-byte capabilities from 0x40 to 0xFC: the longest possible list.
    for (unsigned at = 0x40; at <= 0xFC; at += 4) {
        platform.poke8(at, 0x05);
        platform.poke8(at + 1, at == 0xFC ? 0 : static_cast<std::uint8_t>(at + 4));
    }
    platform.poke8(pci::capabilities_pointer, 0x40);
    auto capabilities = walk_capabilities(platform);
    ASSERT_FALSE(capabilities.is_error());
    EXPECT_EQ(capabilities.value().size(), 48u);
    EXPECT_EQ(parse().error(), Error::missing_capability);
    expect_stayed_in_config_space();
}

TEST_F(VirtioPciCapabilities, CapabilityRunningOffConfigSpaceIsIgnored) {
    // The only common capability sits at 0xF8 and claims 16 bytes: its
    // offset and length fields would be past the end of config space.
    platform.poke8(0xF8, pci::capability_vendor_specific);
    platform.poke8(0xF8 + cap::field_next, 0);
    platform.poke8(0xF8 + cap::field_length, cap::size);
    platform.poke8(0xF8 + cap::field_cfg_type, cap::common_cfg);
    platform.poke8(0xF8 + cap::field_bar, Device::bar_index);
    platform.poke8(Device::msix_cap_at + 1, Device::notify_cap_at);
    platform.poke8(Device::device_cap_at + cap::field_next, 0xF8);
    EXPECT_EQ(parse().error(), Error::missing_capability);
    expect_stayed_in_config_space();
}

TEST_F(VirtioPciCapabilities, TruncatedCapabilitiesAreIgnored) {
    platform.poke8(Device::notify_cap_at + cap::field_length, cap::size);  // notify needs 20
    EXPECT_EQ(parse().error(), Error::missing_capability);
    platform.poke8(Device::notify_cap_at + cap::field_length, cap::notify_size);
    platform.poke8(Device::common_cap_at + cap::field_length, 8);
    EXPECT_EQ(parse().error(), Error::missing_capability);
}

TEST_F(VirtioPciCapabilities, RangeOutsideTheBarIsIgnoredAndALaterGoodOneWins) {
    // First common capability: ends 16 bytes past the 16 KiB BAR.
    write_cap(0xA0, Device::common_cap_at, cap::common_cfg, Device::bar_index, 0x3010, 0x1000);
    platform.poke8(Device::msix_cap_at + 1, 0xA0);
    auto layout = parse();
    ASSERT_FALSE(layout.is_error()) << error_name(layout.error());
    EXPECT_EQ(layout.value().common.offset, Device::common_offset);

    // Without the good one, nothing is left.
    platform.poke8(0xA0 + cap::field_next, Device::notify_cap_at);
    EXPECT_EQ(parse().error(), Error::missing_capability);
    expect_stayed_in_config_space();
}

TEST_F(VirtioPciCapabilities, OffsetPlusLengthWrappingAroundIsRejected) {
    // 0xFFFFF000 + 0x2000 is 0x1000 in 32 bits.
    platform.poke32(Device::isr_cap_at + cap::field_offset, 0xFFFFF000);
    platform.poke32(Device::isr_cap_at + cap::field_region_length, 0x2000);
    EXPECT_EQ(parse().error(), Error::missing_capability);
}

TEST_F(VirtioPciCapabilities, ReservedOrMissingBarsAreIgnored) {
    platform.poke8(Device::common_cap_at + cap::field_bar, 6);
    EXPECT_EQ(parse().error(), Error::missing_capability);
    platform.poke8(Device::common_cap_at + cap::field_bar, 2);  // nothing mapped there
    EXPECT_EQ(parse().error(), Error::missing_capability);
    platform.poke8(Device::common_cap_at + cap::field_bar, Device::bar_index);
    EXPECT_FALSE(parse().is_error());
}

TEST_F(VirtioPciCapabilities, CommonConfigShorterThanTheRegistersIsIgnored) {
    platform.poke32(Device::common_cap_at + cap::field_region_length, common::size - 1);
    EXPECT_EQ(parse().error(), Error::missing_capability);
}

TEST_F(VirtioPciCapabilities, DeviceConfigIsOptional) {
    platform.poke8(Device::isr_cap_at + cap::field_next, 0);
    auto layout = parse();
    ASSERT_FALSE(layout.is_error());
    EXPECT_FALSE(layout.value().device.has_value());
}

TEST_F(VirtioPciCapabilities, IsrIsRequired) {
    platform.poke8(Device::notify_cap_at + cap::field_next, Device::device_cap_at);
    EXPECT_EQ(parse().error(), Error::missing_capability);
}

TEST_F(VirtioPciCapabilities, OpenRejectsOtherDevices) {
    platform.poke16(pci::vendor_id, 0x8086);
    EXPECT_EQ(PciTransport::open(platform).error(), Error::not_virtio);
    platform.poke16(pci::vendor_id, pci_vendor_virtio);
    platform.poke16(pci::device_id, 0x10F0);
    EXPECT_EQ(PciTransport::open(platform).error(), Error::not_virtio);
}

TEST_F(VirtioPciCapabilities, OpenReadsTheDeviceTypeAndEnablesBusMastering) {
    auto transport = PciTransport::open(platform);
    ASSERT_FALSE(transport.is_error());
    EXPECT_EQ(transport.value()->device_type(), device_type::console);
    std::uint16_t command = platform.peek16(pci::command);
    EXPECT_TRUE(command & pci::command_memory_space);
    EXPECT_TRUE(command & pci::command_bus_master);

    // A transitional device id carries the type in the subsystem id.
    platform.poke16(pci::device_id, 0x1003);
    platform.poke16(0x2E, device_type::input);
    auto transitional = PciTransport::open(platform);
    ASSERT_FALSE(transitional.is_error());
    EXPECT_EQ(transitional.value()->device_type(), device_type::input);
}

}  // namespace
}  // namespace tessera::virtio::testing
