// Shared steps of the host tests: bring a driver up against a fake device.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "fake_device.h"
#include "fake_platform.h"
#include "virtio/transport.h"

namespace tessera::virtio::testing {

// open, negotiate(wanted), set up queues 0..n-1 with the given maximum sizes,
// DRIVER_OK. Returns nullptr (and fails the test) on any error.
inline std::unique_ptr<PciTransport> start_driver(FakePlatform& platform, std::uint64_t wanted,
                                                  const std::vector<std::uint16_t>& queue_sizes) {
    auto transport = PciTransport::open(platform);
    if (transport.is_error()) {
        ADD_FAILURE() << "open: " << error_name(transport.error());
        return nullptr;
    }
    auto features = transport.value()->negotiate(wanted);
    if (features.is_error()) {
        ADD_FAILURE() << "negotiate: " << error_name(features.error());
        return nullptr;
    }
    for (std::size_t i = 0; i < queue_sizes.size(); ++i) {
        auto queue = transport.value()->setup_queue(static_cast<std::uint16_t>(i), queue_sizes[i]);
        if (queue.is_error()) {
            ADD_FAILURE() << "setup_queue " << i << ": " << error_name(queue.error());
            return nullptr;
        }
    }
    transport.value()->driver_ok();
    return transport.release_value();
}

// A DMA buffer for request payloads; fails the test when allocation fails.
inline DmaRegion dma(Platform& platform, std::size_t size = 4096) {
    auto region = DmaRegion::allocate(platform, size);
    if (region.is_error()) {
        ADD_FAILURE() << "allocate_dma: " << error_name(region.error());
        return {};
    }
    return region.release_value();
}

inline BufferRef buffer(const DmaRegion& region, std::uint32_t offset, std::uint32_t length) {
    return BufferRef{region.device_address() + offset, length};
}

}  // namespace tessera::virtio::testing
