// The virtio-gpu device, 2D: the commands the display service needs, on
// top of the virtio transport (drivers/virtio) and any Platform (Tessera's
// native calls, or a fake on the host).
//
// Control commands are batched: present() queues TRANSFER_TO_HOST_2D and
// RESOURCE_FLUSH for each damage rectangle (never one bounding box), marks
// the last with a fence, notifies once and waits for the batch. The cursor
// has its own queue and resource (64x64 ARGB).
//
// One thread drives a Gpu. Counters say exactly what was sent, for tests.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "virtio/platform.h"
#include "virtio/transport.h"

namespace tessera::virtio_gpu {

struct Rect {
    std::uint32_t x = 0, y = 0, width = 0, height = 0;
};

struct Scanout {
    std::uint32_t width = 0, height = 0;
    bool enabled = false;
};

struct Counters {
    std::uint64_t presents = 0;
    std::uint64_t rects_transferred = 0;
    std::uint64_t pixels_transferred = 0;
    std::uint64_t rects_flushed = 0;
    std::uint64_t pixels_flushed = 0;
    std::uint64_t set_scanouts = 0;
    std::uint64_t fences_completed = 0;
    std::uint64_t cursor_uploads = 0;
    std::uint64_t cursor_moves = 0;
    std::uint64_t display_events = 0;
};

// "presents=N rects_transferred=N ..." (the tests parse this form).
std::string describe(const Counters& counters);

inline constexpr std::uint32_t cursor_size = 64;

class Gpu {
public:
    // Resets and initialises the device: features, control and cursor
    // queues, DRIVER_OK.
    static virtio::ErrorOr<std::unique_ptr<Gpu>> open(virtio::Platform& platform);
    ~Gpu();

    // GET_DISPLAY_INFO: every scanout the device has (enabled or not).
    virtio::ErrorOr<std::vector<Scanout>> display_info();
    // The mode to use: scanout 0's when enabled, else 1024x768.
    virtio::ErrorOr<Scanout> preferred_mode();

    // A 2D resource of width x height XRGB8888 backed by contiguous DMA
    // memory at device_address (stride width * 4). Returns its id.
    virtio::ErrorOr<std::uint32_t> create_resource(std::uint32_t width, std::uint32_t height,
                                                   std::uint64_t device_address, std::uint64_t size);
    virtio::Error destroy_resource(std::uint32_t id);

    // Shows resource id on scanout 0 (SET_SCANOUT) only when it or the
    // size differs from what is shown; then TRANSFER_TO_HOST_2D +
    // RESOURCE_FLUSH per rect, fenced, and waits for the fence.
    //
    // Double buffering: each buffer has its own host copy, which is stale
    // where other buffers were presented since its last present (and
    // everywhere when new). Those stale rects are transferred too, before
    // the scanout switches to it, so the screen outside `rects` keeps what
    // it showed; only `rects` are flushed.
    virtio::Error present(std::uint32_t id, std::uint32_t width, std::uint32_t height, std::span<const Rect> rects);

    // Uploads a 64x64 premultiplied ARGB image (fenced) and shows it with
    // its hotspot at (x, y): UPDATE_CURSOR. Pixels must have 64*64 entries;
    // hidden: no image (resource 0).
    virtio::Error set_cursor(std::span<const std::uint32_t> pixels, std::uint32_t hot_x, std::uint32_t hot_y,
                             std::int32_t x, std::int32_t y);
    virtio::Error hide_cursor();
    // MOVE_CURSOR: no pixels move.
    virtio::Error move_cursor(std::int32_t x, std::int32_t y);

    // Checks the config-change state: true once per display event (the host
    // resized its window); the caller asks display_info() again.
    bool take_display_event();
    // The fd that is readable on configuration changes (-1 without MSI-X).
    int config_interrupt_fd();

    const Counters& counters() const { return counters_; }

private:
    struct Command;
    Gpu(virtio::Platform& platform, std::unique_ptr<virtio::PciTransport> transport);
    virtio::Error initialise();
    // Queues one control command (request bytes, response size); returns
    // the response slot. Commands complete in wait_for_control().
    virtio::ErrorOr<std::uint8_t*> queue_control(const void* request, std::size_t size, std::size_t response_size);
    virtio::Error wait_for_control();
    virtio::Error wait_queue(std::uint16_t index, std::uint32_t& outstanding);
    virtio::Error check_responses();
    virtio::Error send_cursor(std::uint32_t type, std::uint32_t resource, std::uint32_t hot_x, std::uint32_t hot_y,
                              std::int32_t x, std::int32_t y);

    virtio::Platform& platform_;
    std::unique_ptr<virtio::PciTransport> transport_;
    virtio::SplitVirtqueue* control_ = nullptr;
    virtio::SplitVirtqueue* cursor_ = nullptr;
    virtio::DmaRegion arena_;         // control command slots
    virtio::DmaRegion cursor_arena_;  // cursor command slots
    virtio::DmaRegion cursor_image_;  // the cursor resource's backing
    std::uint32_t next_slot_ = 0;
    std::uint32_t control_outstanding_ = 0;
    std::uint32_t cursor_outstanding_ = 0;
    std::uint32_t next_cursor_slot_ = 0;
    std::vector<std::uint8_t*> pending_responses_;
    std::uint32_t next_resource_ = 1;
    std::uint32_t cursor_resource_ = 0;
    std::uint64_t next_fence_ = 1;
    struct Resource {
        std::uint32_t width = 0, height = 0;
        std::vector<Rect> stale;  // host copy out of date here
    };
    std::vector<std::pair<std::uint32_t, Resource>> resources_;
    Resource* find_resource(std::uint32_t id);
    std::uint32_t scanout_resource_ = 0;
    std::uint32_t scanout_width_ = 0, scanout_height_ = 0;
    Counters counters_;
};

}  // namespace tessera::virtio_gpu
