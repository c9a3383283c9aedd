// The virtio library's Platform (drivers/virtio/platform.h) on Tessera: one
// PCI function reached through its device capability (a descriptor from
// devmgr or pci_open), with the native calls of kernel/api/native.h.
//
//   auto platform = TesseraPlatform::open(device_fd).release_value();
//   auto transport = virtio::PciTransport::open(*platform);
//
// MSI-X: open() asks the kernel for an interrupt fd for every table entry
// (up to max_vectors), so msix_vector_count() is what the device offers.
// DMA buffers are DMA capabilities mapped MAP_SHARED; dma_fd() returns a
// buffer's descriptor so it can be passed to another process (scanout
// buffers go to the compositor this way).
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "api/native.h"
#include "virtio/platform.h"

namespace tessera::native_calls {

class TesseraPlatform final : public virtio::Platform {
public:
    static constexpr std::uint16_t max_vectors = 8;

    // Takes ownership of device_fd.
    static virtio::ErrorOr<std::unique_ptr<TesseraPlatform>> open(int device_fd);
    ~TesseraPlatform() override;

    const ::native::PciDeviceInfo& info() const { return info_; }
    int device_fd() const { return device_fd_; }
    // The DMA capability behind a buffer from allocate_dma (-1 if unknown).
    int dma_fd(const virtio::DmaBuffer& buffer) const;

    std::size_t config_space_size() const override { return info_.config_size; }
    std::uint8_t config_read8(std::size_t offset) override;
    std::uint16_t config_read16(std::size_t offset) override;
    std::uint32_t config_read32(std::size_t offset) override;
    void config_write8(std::size_t offset, std::uint8_t value) override;
    void config_write16(std::size_t offset, std::uint16_t value) override;
    void config_write32(std::size_t offset, std::uint32_t value) override;
    virtio::ErrorOr<virtio::MmioRegion*> map_bar(std::uint8_t index) override;
    virtio::ErrorOr<virtio::DmaBuffer> allocate_dma(std::size_t size) override;
    void free_dma(const virtio::DmaBuffer& buffer) override;
    std::uint16_t msix_vector_count() const override { return static_cast<std::uint16_t>(interrupt_fds_.size()); }
    virtio::Error disable_msix() override;
    virtio::ErrorOr<int> interrupt_fd(std::uint16_t vector) override;
    virtio::Error acknowledge_interrupt(std::uint16_t vector) override;

private:
    explicit TesseraPlatform(int device_fd) : device_fd_(device_fd) {}
    std::uint32_t config_read(std::size_t offset, std::uint32_t width);
    void config_write(std::size_t offset, std::uint32_t width, std::uint32_t value);

    int device_fd_;
    ::native::PciDeviceInfo info_{};
    std::map<std::uint8_t, std::unique_ptr<virtio::VolatileMmioRegion>> bars_;
    std::vector<int> interrupt_fds_;
    std::map<void*, int> dma_fds_;  // mapping -> DMA capability
};

}  // namespace tessera::native_calls
