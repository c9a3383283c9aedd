#include "display_device.h"

#include <algorithm>
#include <vector>

namespace tessera::virtio_gpu {
namespace {

using display::ErrorCode;

class DmaBufferMemory final : public display::BufferMemory {
public:
    DmaBufferMemory(native_calls::TesseraPlatform& platform, Gpu& gpu, virtio::DmaRegion region, std::uint32_t resource,
                    std::uint32_t stride)
        : platform_(platform), gpu_(gpu), region_(std::move(region)), resource_(resource), stride_(stride) {}
    ~DmaBufferMemory() override { (void)gpu_.destroy_resource(resource_); }

    int fd() const override { return platform_.dma_fd(region_.buffer()); }
    const std::uint8_t* data() const override { return reinterpret_cast<const std::uint8_t*>(region_.data()); }
    std::uint64_t size() const override { return region_.size(); }
    std::uint32_t stride() const override { return stride_; }
    std::uint32_t resource() const { return resource_; }

private:
    native_calls::TesseraPlatform& platform_;
    Gpu& gpu_;
    virtio::DmaRegion region_;
    std::uint32_t resource_;
    std::uint32_t stride_;
};

display::Error device_error(const char* what, virtio::Error error) {
    return wire::make_error(ErrorCode::io_error, std::string(what) + ": " + virtio::error_name(error));
}

}  // namespace

display::Result<std::unique_ptr<display::BufferMemory>> GpuDisplayDevice::allocate(std::uint32_t width,
                                                                                   std::uint32_t height) {
    std::uint64_t size = std::uint64_t{width} * height * 4;
    auto region = virtio::DmaRegion::allocate(platform_, size);
    if (region.is_error()) return wire::make_error(ErrorCode::out_of_resources, "no DMA memory");
    auto resource = gpu_.create_resource(width, height, region.value().device_address(), region.value().size());
    if (resource.is_error()) return device_error("RESOURCE_CREATE_2D", resource.error());
    return std::unique_ptr<display::BufferMemory>(
        new DmaBufferMemory(platform_, gpu_, region.release_value(), resource.value(), width * 4));
}

display::Result<void> GpuDisplayDevice::present(const display::BufferMemory& buffer, std::uint32_t width,
                                                std::uint32_t height, std::span<const display::Rect> rects) {
    std::vector<Rect> damage;
    damage.reserve(rects.size());
    for (const display::Rect& r : rects)
        damage.push_back({static_cast<std::uint32_t>(r.x), static_cast<std::uint32_t>(r.y),
                          static_cast<std::uint32_t>(r.width), static_cast<std::uint32_t>(r.height)});
    auto& memory = static_cast<const DmaBufferMemory&>(buffer);
    virtio::Error error = gpu_.present(memory.resource(), width, height, damage);
    if (log_counters_) print_counters("present");
    if (error != virtio::Error::none) return device_error("present", error);
    return {};
}

void GpuDisplayDevice::set_cursor(const display::CursorImage& image) {
    if (image.width == 0 || image.height == 0) {
        (void)gpu_.hide_cursor();
        return;
    }
    std::vector<std::uint32_t> pixels(cursor_size * cursor_size, 0);
    for (std::uint32_t y = 0; y < std::min<std::uint32_t>(image.height, cursor_size); ++y)
        for (std::uint32_t x = 0; x < std::min<std::uint32_t>(image.width, cursor_size); ++x)
            pixels[y * cursor_size + x] = image.pixels[std::size_t{y} * image.width + x];
    (void)gpu_.set_cursor(pixels, static_cast<std::uint32_t>(std::max<std::int16_t>(image.hotspot_x, 0)),
                          static_cast<std::uint32_t>(std::max<std::int16_t>(image.hotspot_y, 0)), cursor_x_, cursor_y_);
    if (log_counters_) print_counters("cursor image");
}

void GpuDisplayDevice::move_cursor(std::int32_t x, std::int32_t y) {
    cursor_x_ = x;
    cursor_y_ = y;
    (void)gpu_.move_cursor(x, y);
    if (log_counters_) print_counters("cursor move");
}

display::Result<void> GpuDisplayDevice::set_mode(std::uint32_t, const display::Mode&) {
    // The mode is the host's window: the device offers one, which the next
    // present with buffers of that size shows (SET_SCANOUT).
    return {};
}

void GpuDisplayDevice::print_counters(const char* after) const {
    std::printf("virtio-gpu: after %s %s\n", after, describe(gpu_.counters()).c_str());
    std::fflush(stdout);
}

}  // namespace tessera::virtio_gpu
