// gpu-pattern: drives virtio-gpu directly through the device capabilities
// (Tessera only, as init), for tests/system/kernel/gpu_test.cpp. It draws
// a known pattern at the device's preferred mode and then, one step per
// line read on stdin ("next"), presents the changes the test checks with
// QMP screendumps, printing the driver's counters after each step:
//   1. the pattern, full frame, on buffer A
//   2. a 64x64 block at (128, 96) changed in A, presented as that rect
//   3. buffer B = A plus a 64x64 block at (320, 256), presented as that rect
//      (B's host copy is stale everywhere: the driver transfers it first)
//   4. a 64x64 cursor uploaded at (10, 10), then moved to (500, 400)
// The pattern and colours are in gpu_pattern.h, shared with the test.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "gpu.h"
#include "gpu_pattern.h"
#include "native/calls.h"
#include "native/tessera_platform.h"

namespace {

using namespace tessera;

void print_counters(const char* step, const virtio_gpu::Counters& counters) {
    std::printf("gpu-pattern: %s %s\n", step, virtio_gpu::describe(counters).c_str());
    std::fflush(stdout);
}

void wait_for_next() {
    char line[64];
    if (!std::fgets(line, sizeof line, stdin)) return;
}

int fail(const char* what, virtio::Error error) {
    std::printf("gpu-pattern: FAIL %s: %s\n", what, virtio::error_name(error));
    return 1;
}

void fill_block(std::uint32_t* pixels, std::uint32_t stride_pixels, const virtio_gpu::Rect& r, std::uint32_t colour) {
    for (std::uint32_t y = r.y; y < r.y + r.height; ++y)
        for (std::uint32_t x = r.x; x < r.x + r.width; ++x) pixels[std::size_t{y} * stride_pixels + x] = colour;
}

}  // namespace

int main() {
    int bus = native_calls::pci_bus_open(O_CLOEXEC);
    if (bus < 0) return std::printf("gpu-pattern: FAIL pci_bus_open: %s\n", std::strerror(errno)), 1;
    std::vector<native_calls::PciDeviceInfo> devices(64);
    long count = native_calls::pci_list(bus, devices.data(), devices.size());
    int device = -1;
    for (long i = 0; i < count && i < 64; ++i) {
        if (devices[i].vendor_id == 0x1af4 && devices[i].device_id == 0x1050)
            device = native_calls::pci_open(bus, devices[i].address, O_CLOEXEC);
    }
    if (device < 0) return std::printf("gpu-pattern: FAIL no virtio-gpu\n"), 1;
    auto platform = native_calls::TesseraPlatform::open(device);
    if (platform.is_error()) return fail("platform", platform.error());
    auto opened = virtio_gpu::Gpu::open(*platform.value());
    if (opened.is_error()) return fail("open", opened.error());
    virtio_gpu::Gpu& gpu = *opened.value();
    auto mode = gpu.preferred_mode();
    if (mode.is_error()) return fail("display info", mode.error());
    std::uint32_t width = mode.value().width, height = mode.value().height;
    std::printf("gpu-pattern: mode %ux%u, %u MSI-X vectors\n", width, height, platform.value()->msix_vector_count());

    std::size_t size = std::size_t{width} * height * 4;
    auto a = virtio::DmaRegion::allocate(*platform.value(), size);
    auto b = virtio::DmaRegion::allocate(*platform.value(), size);
    if (a.is_error() || b.is_error()) return fail("scanout memory", a.is_error() ? a.error() : b.error());
    auto id_a = gpu.create_resource(width, height, a.value().device_address(), a.value().size());
    auto id_b = gpu.create_resource(width, height, b.value().device_address(), b.value().size());
    if (id_a.is_error() || id_b.is_error()) return fail("resources", id_a.is_error() ? id_a.error() : id_b.error());
    auto* pixels_a = reinterpret_cast<std::uint32_t*>(a.value().data());
    auto* pixels_b = reinterpret_cast<std::uint32_t*>(b.value().data());

    for (std::uint32_t y = 0; y < height; ++y)
        for (std::uint32_t x = 0; x < width; ++x) pixels_a[std::size_t{y} * width + x] = gpu_pattern::pattern(x, y);
    virtio_gpu::Rect full{0, 0, width, height};
    if (auto error = gpu.present(id_a.value(), width, height, {&full, 1}); error != virtio::Error::none)
        return fail("present", error);
    print_counters("step 1 pattern", gpu.counters());

    wait_for_next();
    virtio_gpu::Rect first{gpu_pattern::first_x, gpu_pattern::first_y, 64, 64};
    fill_block(pixels_a, width, first, gpu_pattern::first_colour);
    if (auto error = gpu.present(id_a.value(), width, height, {&first, 1}); error != virtio::Error::none)
        return fail("present", error);
    print_counters("step 2 block", gpu.counters());

    wait_for_next();
    std::memcpy(pixels_b, pixels_a, size);
    virtio_gpu::Rect second{gpu_pattern::second_x, gpu_pattern::second_y, 64, 64};
    fill_block(pixels_b, width, second, gpu_pattern::second_colour);
    if (auto error = gpu.present(id_b.value(), width, height, {&second, 1}); error != virtio::Error::none)
        return fail("present", error);
    print_counters("step 3 second buffer", gpu.counters());

    wait_for_next();
    std::vector<std::uint32_t> cursor(64 * 64, 0xFFFFFFFF);
    if (auto error = gpu.set_cursor(cursor, 0, 0, 10, 10); error != virtio::Error::none) return fail("cursor", error);
    if (auto error = gpu.move_cursor(500, 400); error != virtio::Error::none) return fail("cursor move", error);
    print_counters("step 4 cursor", gpu.counters());

    wait_for_next();
    std::printf("gpu-pattern: done\n");
    return 0;
}
