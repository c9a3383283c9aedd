// A Platform for host tests: a PCI function made of plain memory and
// callbacks. Configuration space is a byte array tests can corrupt at will,
// BARs are register models, DMA memory is heap memory with made-up device
// addresses (deliberately unlike the pointers, so a driver that puts a
// virtual address into a descriptor is caught), and interrupts are eventfds.
//
// Everything the driver does wrong that a real machine would punish —
// touching a BAR out of bounds or misaligned, a DMA address outside any
// allocation — is recorded in violations() instead of crashing, so tests
// can assert there were none.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "virtio/platform.h"

namespace tessera::virtio::testing {

// A BAR whose registers are callbacks. Reads and writes with a bad offset
// or alignment are recorded as violations and read as all ones.
class FakeBar final : public MmioRegion {
public:
    using ReadHandler = std::function<std::uint64_t(std::size_t offset, unsigned width)>;
    using WriteHandler = std::function<void(std::size_t offset, unsigned width, std::uint64_t value)>;

    FakeBar(std::size_t size, std::vector<std::string>& violations, ReadHandler read = {}, WriteHandler write = {});

    std::size_t size() const override { return size_; }
    std::uint8_t read8(std::size_t offset) override { return static_cast<std::uint8_t>(read(offset, 1)); }
    std::uint16_t read16(std::size_t offset) override { return static_cast<std::uint16_t>(read(offset, 2)); }
    std::uint32_t read32(std::size_t offset) override { return static_cast<std::uint32_t>(read(offset, 4)); }
    std::uint64_t read64(std::size_t offset) override { return read(offset, 8); }
    void write8(std::size_t offset, std::uint8_t value) override { write(offset, 1, value); }
    void write16(std::size_t offset, std::uint16_t value) override { write(offset, 2, value); }
    void write32(std::size_t offset, std::uint32_t value) override { write(offset, 4, value); }
    void write64(std::size_t offset, std::uint64_t value) override { write(offset, 8, value); }

private:
    bool valid(std::size_t offset, unsigned width, const char* what);
    std::uint64_t read(std::size_t offset, unsigned width);
    void write(std::size_t offset, unsigned width, std::uint64_t value);

    std::size_t size_;
    std::vector<std::string>& violations_;
    ReadHandler read_;
    WriteHandler write_;
};

class FakePlatform final : public Platform {
public:
    explicit FakePlatform(std::uint16_t msix_vectors = 0);
    ~FakePlatform() override;
    FakePlatform(const FakePlatform&) = delete;
    FakePlatform& operator=(const FakePlatform&) = delete;

    // --- Platform ---
    std::size_t config_space_size() const override { return config_.size(); }
    std::uint8_t config_read8(std::size_t offset) override;
    std::uint16_t config_read16(std::size_t offset) override;
    std::uint32_t config_read32(std::size_t offset) override;
    void config_write8(std::size_t offset, std::uint8_t value) override;
    void config_write16(std::size_t offset, std::uint16_t value) override;
    void config_write32(std::size_t offset, std::uint32_t value) override;
    ErrorOr<MmioRegion*> map_bar(std::uint8_t index) override;
    ErrorOr<DmaBuffer> allocate_dma(std::size_t size) override;
    void free_dma(const DmaBuffer& buffer) override;
    std::uint16_t msix_vector_count() const override { return msix_enabled_ ? msix_vectors_ : 0; }
    Error disable_msix() override;
    ErrorOr<int> interrupt_fd(std::uint16_t vector) override;
    Error acknowledge_interrupt(std::uint16_t vector) override;

    // --- For the fake device and the tests ---
    // Raw configuration space, no side effects and no bounds policy.
    void poke8(std::size_t offset, std::uint8_t value) { config_.at(offset) = value; }
    void poke16(std::size_t offset, std::uint16_t value);
    void poke32(std::size_t offset, std::uint32_t value);
    std::uint8_t peek8(std::size_t offset) const { return config_.at(offset); }
    std::uint16_t peek16(std::size_t offset) const;
    // The highest configuration space byte any read touched (-1: none), and
    // how many reads there were: capability walking must stay in bounds
    // and finish.
    long highest_config_byte_read() const { return highest_read_; }
    std::size_t config_reads() const { return config_reads_; }

    void install_bar(std::uint8_t index, std::unique_ptr<MmioRegion> bar);

    // The memory behind a device address range, or nullptr (and a recorded
    // violation) when the range is not inside one live allocation.
    std::byte* translate(std::uint64_t device_address, std::size_t length);
    std::size_t live_dma_allocations() const { return dma_.size(); }
    void set_dma_exhausted(bool exhausted) { dma_exhausted_ = exhausted; }

    bool msix_enabled() const { return msix_enabled_; }
    // Fires an interrupt: `vector` is an MSI-X vector or no_vector (INTx).
    void raise(std::uint16_t vector);
    std::uint64_t raised(std::uint16_t vector) const;
    std::uint64_t acknowledged(std::uint16_t vector) const;

    std::vector<std::string>& violations() { return violations_; }

private:
    struct Allocation {
        std::byte* memory;
        std::size_t size;
    };
    struct InterruptLine {
        int fd = -1;
        std::uint64_t raised = 0;
        std::uint64_t acknowledged = 0;
    };
    std::uint64_t config_read(std::size_t offset, unsigned width);
    void config_write(std::size_t offset, unsigned width, std::uint64_t value);
    InterruptLine* line(std::uint16_t vector);
    const InterruptLine* line(std::uint16_t vector) const;

    std::array<std::uint8_t, 256> config_{};
    long highest_read_ = -1;
    std::size_t config_reads_ = 0;
    std::array<std::unique_ptr<MmioRegion>, 6> bars_;
    std::map<std::uint64_t, Allocation> dma_;  // by device address
    std::uint64_t next_device_address_ = 0x1'0000'0000;
    bool dma_exhausted_ = false;
    std::uint16_t msix_vectors_;
    bool msix_enabled_;
    std::vector<InterruptLine> msix_lines_;
    InterruptLine intx_line_;
    std::vector<std::string> violations_;
};

}  // namespace tessera::virtio::testing
