// What the virtio library needs from the system it runs on, and nothing more.
//
// A driver process on Tessera implements Platform with the device
// capabilities devmgr hands it (PCI config access, BAR mappings, interrupt
// fds, DMA memory: the native calls of issue 5, item 2). On the Linux host
// the unit tests implement it with a fake device (testing/fake_platform.h).
// The library never touches hardware except through this interface, so the
// same transport and virtqueue code runs in both places.
//
// The contract below is what the kernel's capability calls must provide.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "error.h"

namespace tessera::virtio {

// One mapped BAR. Accesses are uncached MMIO on Tessera: each call is exactly
// one load or store of that width, never merged, split or reordered with
// other accesses to the region (volatile on real hardware; a register model
// in the fake).
//
// Contract for callers: offset is naturally aligned for the width and
// offset + width <= size(). The transport checks every range it derives from
// the device's capabilities against size() before it makes any access, so a
// hostile or broken device cannot make it touch memory outside the BAR.
class MmioRegion {
public:
    virtual ~MmioRegion() = default;
    virtual std::size_t size() const = 0;

    virtual std::uint8_t read8(std::size_t offset) = 0;
    virtual std::uint16_t read16(std::size_t offset) = 0;
    virtual std::uint32_t read32(std::size_t offset) = 0;
    virtual std::uint64_t read64(std::size_t offset) = 0;
    virtual void write8(std::size_t offset, std::uint8_t value) = 0;
    virtual void write16(std::size_t offset, std::uint16_t value) = 0;
    virtual void write32(std::size_t offset, std::uint32_t value) = 0;
    virtual void write64(std::size_t offset, std::uint64_t value) = 0;
};

// Memory the device can read and write by bus-master DMA.
//
// Contract: `memory` is the mapping in this process, `device_address` is what
// goes into descriptors and queue address registers (a guest-physical address
// on Tessera, where there is no IOMMU yet), `size` is at least what was asked
// for. The block is physically contiguous, aligned to 4096 bytes, zero-filled
// and cache-coherent with the device (x86: write-back memory is fine).
struct DmaBuffer {
    void* memory = nullptr;
    std::uint64_t device_address = 0;
    std::size_t size = 0;
};

// MSI-X vector numbers as virtio writes them into config_msix_vector and
// queue_msix_vector. no_vector means "no MSI-X vector": with MSI-X disabled
// on the function, interrupts then arrive as INTx and the ISR register says
// why. It doubles as the name of the INTx interrupt source below.
inline constexpr std::uint16_t no_vector = 0xFFFF;

class Platform {
public:
    virtual ~Platform() = default;

    // --- PCI configuration space of this one function ---
    // 256 bytes for conventional config access, 4096 with ECAM.
    virtual std::size_t config_space_size() const = 0;
    // Contract: offset naturally aligned for the width. Reads outside
    // config_space_size() return all ones (as a missing device does) and
    // writes there are dropped; the kernel may also drop writes to registers
    // a driver must not change (BARs, the MSI-X table's addresses).
    virtual std::uint8_t config_read8(std::size_t offset) = 0;
    virtual std::uint16_t config_read16(std::size_t offset) = 0;
    virtual std::uint32_t config_read32(std::size_t offset) = 0;
    virtual void config_write8(std::size_t offset, std::uint8_t value) = 0;
    virtual void config_write16(std::size_t offset, std::uint16_t value) = 0;
    virtual void config_write32(std::size_t offset, std::uint32_t value) = 0;

    // --- BARs ---
    // Maps memory BAR `index` (0..5) uncached and returns it; the region
    // lives as long as the Platform, and mapping the same BAR twice returns
    // the same region. Error::bad_bar when the BAR is absent, is an I/O BAR
    // or cannot be mapped.
    virtual ErrorOr<MmioRegion*> map_bar(std::uint8_t index) = 0;

    // --- DMA memory ---
    // Error::out_of_memory when the kernel cannot satisfy the request.
    virtual ErrorOr<DmaBuffer> allocate_dma(std::size_t size) = 0;
    // Releases a buffer from allocate_dma. The device must no longer use it
    // (reset the device, or the queue, first).
    virtual void free_dma(const DmaBuffer& buffer) = 0;

    // --- Interrupts ---
    // How many MSI-X vectors the kernel has set up and enabled for this
    // function: vectors 0..count-1 can be written to the device. 0 means
    // MSI-X is off and the device interrupts through INTx.
    virtual std::uint16_t msix_vector_count() const = 0;
    // Turns MSI-X off on the function so that interrupts arrive as INTx
    // (used when the device refuses the vectors we ask for).
    virtual Error disable_msix() = 0;
    // A file descriptor that becomes readable (poll/epoll, POLLIN) when
    // `vector` fires; vector no_vector names the INTx line. The platform owns
    // it. On Tessera it is the interrupt capability; on the host an eventfd.
    virtual ErrorOr<int> interrupt_fd(std::uint16_t vector) = 0;
    // Consumes the pending interrupts on `vector`'s fd (so it stops being
    // readable) and, for INTx, unmasks the line. For INTx call it only after
    // reading the ISR register, which is what lowers the level-triggered line;
    // otherwise the interrupt fires again at once.
    virtual Error acknowledge_interrupt(std::uint16_t vector) = 0;
};

// Blocks until `vector`'s fd is readable or the timeout passes
// (Error::timed_out). Does not acknowledge. A negative timeout waits forever.
Error wait_for_interrupt(Platform& platform, std::uint16_t vector, std::chrono::milliseconds timeout);

// Owns a DmaBuffer and frees it through its platform.
class DmaRegion {
public:
    DmaRegion() = default;
    DmaRegion(Platform& platform, DmaBuffer buffer) : platform_(&platform), buffer_(buffer) {}
    DmaRegion(DmaRegion&& other) noexcept;
    DmaRegion& operator=(DmaRegion&& other) noexcept;
    DmaRegion(const DmaRegion&) = delete;
    DmaRegion& operator=(const DmaRegion&) = delete;
    ~DmaRegion() { reset(); }

    static ErrorOr<DmaRegion> allocate(Platform& platform, std::size_t size);

    std::byte* data() const { return static_cast<std::byte*>(buffer_.memory); }
    std::uint64_t device_address() const { return buffer_.device_address; }
    std::size_t size() const { return buffer_.size; }
    const DmaBuffer& buffer() const { return buffer_; }
    void reset();

private:
    Platform* platform_ = nullptr;
    DmaBuffer buffer_;
};

// The MmioRegion of a real mapping: plain volatile loads and stores. This is
// what a Tessera driver wraps around a mapped BAR.
class VolatileMmioRegion final : public MmioRegion {
public:
    VolatileMmioRegion(void* base, std::size_t size) : base_(static_cast<volatile std::byte*>(base)), size_(size) {}
    std::size_t size() const override { return size_; }
    std::uint8_t read8(std::size_t offset) override { return load<std::uint8_t>(offset); }
    std::uint16_t read16(std::size_t offset) override { return load<std::uint16_t>(offset); }
    std::uint32_t read32(std::size_t offset) override { return load<std::uint32_t>(offset); }
    std::uint64_t read64(std::size_t offset) override { return load<std::uint64_t>(offset); }
    void write8(std::size_t offset, std::uint8_t value) override { store(offset, value); }
    void write16(std::size_t offset, std::uint16_t value) override { store(offset, value); }
    void write32(std::size_t offset, std::uint32_t value) override { store(offset, value); }
    void write64(std::size_t offset, std::uint64_t value) override { store(offset, value); }

private:
    template <typename T>
    T load(std::size_t offset) {
        return *reinterpret_cast<volatile T*>(base_ + offset);
    }
    template <typename T>
    void store(std::size_t offset, T value) {
        *reinterpret_cast<volatile T*>(base_ + offset) = value;
    }

    volatile std::byte* base_;
    std::size_t size_;
};

}  // namespace tessera::virtio
