#include "fake_platform.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace tessera::virtio::testing {

namespace {

constexpr std::size_t page = 4096;

int make_eventfd() {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error("eventfd failed");
    return fd;
}

}  // namespace

FakeBar::FakeBar(std::size_t size, std::vector<std::string>& violations, ReadHandler read, WriteHandler write)
    : size_(size), violations_(violations), read_(std::move(read)), write_(std::move(write)) {}

bool FakeBar::valid(std::size_t offset, unsigned width, const char* what) {
    if (offset % width != 0 || offset > size_ || width > size_ - offset) {
        violations_.push_back(std::string("BAR ") + what + " out of bounds or misaligned at " + std::to_string(offset) +
                              " width " + std::to_string(width));
        return false;
    }
    return true;
}

std::uint64_t FakeBar::read(std::size_t offset, unsigned width) {
    if (!valid(offset, width, "read")) return ~std::uint64_t{0};
    return read_ ? read_(offset, width) : 0;
}

void FakeBar::write(std::size_t offset, unsigned width, std::uint64_t value) {
    if (!valid(offset, width, "write")) return;
    if (write_) write_(offset, width, value);
}

FakePlatform::FakePlatform(std::uint16_t msix_vectors)
    : msix_vectors_(msix_vectors), msix_enabled_(msix_vectors > 0), msix_lines_(msix_vectors) {
    for (InterruptLine& line : msix_lines_) line.fd = make_eventfd();
    intx_line_.fd = make_eventfd();
}

FakePlatform::~FakePlatform() {
    for (InterruptLine& line : msix_lines_) close(line.fd);
    close(intx_line_.fd);
    for (auto& [address, allocation] : dma_) std::free(allocation.memory);
}

std::uint64_t FakePlatform::config_read(std::size_t offset, unsigned width) {
    ++config_reads_;
    if (offset % width != 0) violations_.push_back("misaligned config read at " + std::to_string(offset));
    if (offset + width > config_.size()) return ~std::uint64_t{0} >> (64 - 8 * width);
    highest_read_ = std::max<long>(highest_read_, static_cast<long>(offset + width - 1));
    std::uint64_t value = 0;
    std::memcpy(&value, &config_[offset], width);
    return value;
}

void FakePlatform::config_write(std::size_t offset, unsigned width, std::uint64_t value) {
    if (offset % width != 0) violations_.push_back("misaligned config write at " + std::to_string(offset));
    if (offset + width > config_.size()) return;
    std::memcpy(&config_[offset], &value, width);
}

std::uint8_t FakePlatform::config_read8(std::size_t offset) {
    return static_cast<std::uint8_t>(config_read(offset, 1));
}
std::uint16_t FakePlatform::config_read16(std::size_t offset) {
    return static_cast<std::uint16_t>(config_read(offset, 2));
}
std::uint32_t FakePlatform::config_read32(std::size_t offset) {
    return static_cast<std::uint32_t>(config_read(offset, 4));
}
void FakePlatform::config_write8(std::size_t offset, std::uint8_t value) {
    config_write(offset, 1, value);
}
void FakePlatform::config_write16(std::size_t offset, std::uint16_t value) {
    config_write(offset, 2, value);
}
void FakePlatform::config_write32(std::size_t offset, std::uint32_t value) {
    config_write(offset, 4, value);
}

void FakePlatform::poke16(std::size_t offset, std::uint16_t value) {
    poke8(offset, static_cast<std::uint8_t>(value));
    poke8(offset + 1, static_cast<std::uint8_t>(value >> 8));
}
void FakePlatform::poke32(std::size_t offset, std::uint32_t value) {
    poke16(offset, static_cast<std::uint16_t>(value));
    poke16(offset + 2, static_cast<std::uint16_t>(value >> 16));
}
std::uint16_t FakePlatform::peek16(std::size_t offset) const {
    return static_cast<std::uint16_t>(peek8(offset) | (peek8(offset + 1) << 8));
}

void FakePlatform::install_bar(std::uint8_t index, std::unique_ptr<MmioRegion> bar) {
    bars_.at(index) = std::move(bar);
}

ErrorOr<MmioRegion*> FakePlatform::map_bar(std::uint8_t index) {
    if (index >= bars_.size() || !bars_[index]) return Error::bad_bar;
    return bars_[index].get();
}

ErrorOr<DmaBuffer> FakePlatform::allocate_dma(std::size_t size) {
    if (dma_exhausted_ || size == 0) return Error::out_of_memory;
    std::size_t rounded = (size + page - 1) & ~(page - 1);
    auto* memory = static_cast<std::byte*>(std::aligned_alloc(page, rounded));
    if (!memory) return Error::out_of_memory;
    std::memset(memory, 0, rounded);
    std::uint64_t address = next_device_address_;
    // A guard page between allocations: a range that runs off one allocation
    // never lands in the next.
    next_device_address_ += rounded + page;
    dma_[address] = Allocation{memory, rounded};
    return DmaBuffer{memory, address, rounded};
}

void FakePlatform::free_dma(const DmaBuffer& buffer) {
    auto it = dma_.find(buffer.device_address);
    if (it == dma_.end() || it->second.memory != buffer.memory) {
        violations_.push_back("free_dma of an unknown buffer");
        return;
    }
    std::free(it->second.memory);
    dma_.erase(it);
}

std::byte* FakePlatform::translate(std::uint64_t device_address, std::size_t length) {
    auto it = dma_.upper_bound(device_address);
    if (it != dma_.begin()) {
        --it;
        std::uint64_t start = it->first;
        if (device_address - start <= it->second.size && length <= it->second.size - (device_address - start)) {
            return it->second.memory + (device_address - start);
        }
    }
    violations_.push_back("device access outside DMA memory at " + std::to_string(device_address) + " length " +
                          std::to_string(length));
    return nullptr;
}

Error FakePlatform::disable_msix() {
    msix_enabled_ = false;
    return Error::none;
}

FakePlatform::InterruptLine* FakePlatform::line(std::uint16_t vector) {
    if (vector == no_vector) return &intx_line_;
    if (!msix_enabled_ || vector >= msix_lines_.size()) return nullptr;
    return &msix_lines_[vector];
}

const FakePlatform::InterruptLine* FakePlatform::line(std::uint16_t vector) const {
    if (vector == no_vector) return &intx_line_;
    return vector < msix_lines_.size() ? &msix_lines_[vector] : nullptr;
}

ErrorOr<int> FakePlatform::interrupt_fd(std::uint16_t vector) {
    InterruptLine* interrupt = line(vector);
    if (!interrupt) return Error::interrupt_unavailable;
    return interrupt->fd;
}

Error FakePlatform::acknowledge_interrupt(std::uint16_t vector) {
    InterruptLine* interrupt = line(vector);
    if (!interrupt) return Error::interrupt_unavailable;
    std::uint64_t count;
    // Non-blocking: nothing pending is not an error, just nothing to drain.
    if (read(interrupt->fd, &count, sizeof count) != sizeof count) count = 0;
    ++interrupt->acknowledged;
    return Error::none;
}

void FakePlatform::raise(std::uint16_t vector) {
    InterruptLine* interrupt = line(vector);
    if (!interrupt) {
        violations_.push_back("device raised unavailable vector " + std::to_string(vector));
        return;
    }
    ++interrupt->raised;
    std::uint64_t one = 1;
    if (write(interrupt->fd, &one, sizeof one) != sizeof one) violations_.push_back("eventfd write failed");
}

std::uint64_t FakePlatform::raised(std::uint16_t vector) const {
    const InterruptLine* interrupt = line(vector);
    return interrupt ? interrupt->raised : 0;
}

std::uint64_t FakePlatform::acknowledged(std::uint16_t vector) const {
    const InterruptLine* interrupt = line(vector);
    return interrupt ? interrupt->acknowledged : 0;
}

}  // namespace tessera::virtio::testing
