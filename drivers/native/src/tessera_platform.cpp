#include "native/tessera_platform.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "native/calls.h"

namespace tessera::native_calls {

virtio::ErrorOr<std::unique_ptr<TesseraPlatform>> TesseraPlatform::open(int device_fd) {
    std::unique_ptr<TesseraPlatform> platform(new TesseraPlatform(device_fd));
    if (pci_list(device_fd, &platform->info_, 1) != 1) return virtio::Error::io_error;
    std::uint16_t vectors = std::min<std::uint16_t>(platform->info_.msix_vectors, max_vectors);
    for (std::uint16_t entry = 0; entry < vectors; ++entry) {
        int fd = interrupt_open(device_fd, entry, O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) break;  // fewer vectors is fine; none means no interrupts at all
        platform->interrupt_fds_.push_back(fd);
    }
    return platform;
}

TesseraPlatform::~TesseraPlatform() {
    for (auto& [memory, fd] : dma_fds_) close(fd);
    for (int fd : interrupt_fds_) close(fd);
    // The BAR mappings go with the process (or stay until then: a
    // Platform lives as long as its driver).
    close(device_fd_);
}

std::uint32_t TesseraPlatform::config_read(std::size_t offset, std::uint32_t width) {
    if (offset + width > info_.config_size) return width == 4 ? 0xFFFFFFFF : (1u << (8 * width)) - 1;
    long value = pci_config_read(device_fd_, static_cast<std::uint32_t>(offset), width);
    return value < 0 ? 0xFFFFFFFF : static_cast<std::uint32_t>(value);
}

void TesseraPlatform::config_write(std::size_t offset, std::uint32_t width, std::uint32_t value) {
    if (offset + width > info_.config_size) return;
    (void)pci_config_write(device_fd_, static_cast<std::uint32_t>(offset), width, value);
}

std::uint8_t TesseraPlatform::config_read8(std::size_t offset) {
    return static_cast<std::uint8_t>(config_read(offset, 1));
}
std::uint16_t TesseraPlatform::config_read16(std::size_t offset) {
    return static_cast<std::uint16_t>(config_read(offset, 2));
}
std::uint32_t TesseraPlatform::config_read32(std::size_t offset) {
    return config_read(offset, 4);
}
void TesseraPlatform::config_write8(std::size_t offset, std::uint8_t value) {
    config_write(offset, 1, value);
}
void TesseraPlatform::config_write16(std::size_t offset, std::uint16_t value) {
    config_write(offset, 2, value);
}
void TesseraPlatform::config_write32(std::size_t offset, std::uint32_t value) {
    config_write(offset, 4, value);
}

virtio::ErrorOr<virtio::MmioRegion*> TesseraPlatform::map_bar(std::uint8_t index) {
    if (index >= 6) return virtio::Error::bad_bar;
    if (auto found = bars_.find(index); found != bars_.end()) return found->second.get();
    const ::native::PciBar& bar = info_.bars[index];
    if (!(bar.flags & ::native::bar_flag_present) || (bar.flags & ::native::bar_flag_io)) return virtio::Error::bad_bar;
    void* base = pci_map_bar(device_fd_, index, ::native::cache_uncached);
    if (base == nullptr) return virtio::Error::bad_bar;
    auto region = std::make_unique<virtio::VolatileMmioRegion>(base, bar.size);
    virtio::MmioRegion* pointer = region.get();
    bars_[index] = std::move(region);
    return pointer;
}

virtio::ErrorOr<virtio::DmaBuffer> TesseraPlatform::allocate_dma(std::size_t size) {
    std::size_t rounded = (size + 4095) & ~std::size_t{4095};
    if (rounded == 0) rounded = 4096;
    int fd = dma_allocate(device_fd_, rounded, O_CLOEXEC);
    if (fd < 0) return virtio::Error::out_of_memory;
    std::uint64_t physical = dma_physical_address(fd);
    void* memory = mmap(nullptr, rounded, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (memory == MAP_FAILED || physical == 0) {
        if (memory != MAP_FAILED) munmap(memory, rounded);
        close(fd);
        return virtio::Error::out_of_memory;
    }
    dma_fds_[memory] = fd;
    return virtio::DmaBuffer{memory, physical, rounded};
}

void TesseraPlatform::free_dma(const virtio::DmaBuffer& buffer) {
    auto found = dma_fds_.find(buffer.memory);
    if (found == dma_fds_.end()) return;
    munmap(buffer.memory, buffer.size);
    close(found->second);
    dma_fds_.erase(found);
}

int TesseraPlatform::dma_fd(const virtio::DmaBuffer& buffer) const {
    auto found = dma_fds_.find(buffer.memory);
    return found == dma_fds_.end() ? -1 : found->second;
}

virtio::Error TesseraPlatform::disable_msix() {
    // FIXME: INTx through the IOAPIC is not implemented in the kernel, so
    // without MSI-X there are no interrupts at all.
    for (int fd : interrupt_fds_) close(fd);
    interrupt_fds_.clear();
    return virtio::Error::interrupt_unavailable;
}

virtio::ErrorOr<int> TesseraPlatform::interrupt_fd(std::uint16_t vector) {
    if (vector >= interrupt_fds_.size()) return virtio::Error::interrupt_unavailable;
    return interrupt_fds_[vector];
}

virtio::Error TesseraPlatform::acknowledge_interrupt(std::uint16_t vector) {
    if (vector >= interrupt_fds_.size()) return virtio::Error::interrupt_unavailable;
    std::uint64_t count;
    // Non-blocking: EAGAIN just means nothing was pending.
    if (read(interrupt_fds_[vector], &count, sizeof count) < 0 && errno != EAGAIN) return virtio::Error::io_error;
    return virtio::Error::none;
}

}  // namespace tessera::native_calls
