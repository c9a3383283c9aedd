#include "platform.h"

#include <poll.h>

#include <cerrno>
#include <utility>

namespace tessera::virtio {

Error wait_for_interrupt(Platform& platform, std::uint16_t vector, std::chrono::milliseconds timeout) {
    auto fd = platform.interrupt_fd(vector);
    if (fd.is_error()) return fd.error();
    pollfd entry{fd.value(), POLLIN, 0};
    for (;;) {
        int ready = poll(&entry, 1, timeout.count() < 0 ? -1 : static_cast<int>(timeout.count()));
        if (ready > 0) return Error::none;
        if (ready == 0) return Error::timed_out;
        // A signal is no reason to report an error; a long wait just restarts.
        if (errno != EINTR) return Error::io_error;
    }
}

DmaRegion::DmaRegion(DmaRegion&& other) noexcept
    : platform_(std::exchange(other.platform_, nullptr)), buffer_(std::exchange(other.buffer_, {})) {}

DmaRegion& DmaRegion::operator=(DmaRegion&& other) noexcept {
    if (this != &other) {
        reset();
        platform_ = std::exchange(other.platform_, nullptr);
        buffer_ = std::exchange(other.buffer_, {});
    }
    return *this;
}

ErrorOr<DmaRegion> DmaRegion::allocate(Platform& platform, std::size_t size) {
    auto buffer = platform.allocate_dma(size);
    if (buffer.is_error()) return buffer.error();
    return DmaRegion(platform, buffer.value());
}

void DmaRegion::reset() {
    if (platform_ && buffer_.memory) platform_->free_dma(buffer_);
    platform_ = nullptr;
    buffer_ = {};
}

}  // namespace tessera::virtio
