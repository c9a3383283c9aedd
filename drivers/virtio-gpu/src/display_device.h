// The display service's Device (drivers/protocol/display/server.h) on
// virtio-gpu: scanout buffers are DMA memory the client maps through the
// fd the server passes (zero copy), each with its own 2D resource; present
// is Gpu::present (per-rect transfer and flush, fenced); the cursor is the
// hardware cursor.
#pragma once

#include <cstdio>
#include <memory>

#include "display/server.h"
#include "gpu.h"
#include "native/tessera_platform.h"

namespace tessera::virtio_gpu {

class GpuDisplayDevice final : public display::Device {
public:
    GpuDisplayDevice(native_calls::TesseraPlatform& platform, Gpu& gpu, bool log_counters)
        : platform_(platform), gpu_(gpu), log_counters_(log_counters) {}

    display::Result<std::unique_ptr<display::BufferMemory>> allocate(std::uint32_t width, std::uint32_t height) override;
    display::Result<void> present(const display::BufferMemory& buffer, std::uint32_t width, std::uint32_t height,
                                  std::span<const display::Rect> rects) override;
    void set_cursor(const display::CursorImage& image) override;
    void move_cursor(std::int32_t x, std::int32_t y) override;
    display::Result<void> set_mode(std::uint32_t index, const display::Mode& mode) override;

    // One line on stdout with every counter (tests read it).
    void print_counters(const char* after) const;

private:
    native_calls::TesseraPlatform& platform_;
    Gpu& gpu_;
    bool log_counters_;
    std::int32_t cursor_x_ = 0, cursor_y_ = 0;
};

}  // namespace tessera::virtio_gpu
