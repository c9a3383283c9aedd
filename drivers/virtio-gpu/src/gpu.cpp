#include "gpu.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <climits>
#include <cstdint>

#include "virtio/gpu_spec.h"
#include "virtio/spec.h"

namespace tessera::virtio_gpu {
namespace {

namespace gpu = virtio::gpu;

using virtio::Error;

constexpr std::uint16_t control_queue = 0, cursor_queue = 1;
constexpr std::uint32_t slot_size = 1024, response_offset = 512;
constexpr std::uint32_t control_slots = 128;  // two descriptors each: a 256-entry queue
constexpr std::uint32_t cursor_slots = 16;
constexpr auto command_timeout = std::chrono::milliseconds(5000);

gpu::CtrlHeader header(std::uint32_t type) {
    gpu::CtrlHeader h{};
    h.type = type;
    return h;
}

}  // namespace

std::string describe(const Counters& c) {
    char text[512];
    std::snprintf(text, sizeof text,
                  "presents=%llu rects_transferred=%llu pixels_transferred=%llu rects_flushed=%llu pixels_flushed=%llu "
                  "set_scanouts=%llu fences=%llu cursor_uploads=%llu cursor_moves=%llu display_events=%llu",
                  (unsigned long long)c.presents, (unsigned long long)c.rects_transferred,
                  (unsigned long long)c.pixels_transferred, (unsigned long long)c.rects_flushed,
                  (unsigned long long)c.pixels_flushed, (unsigned long long)c.set_scanouts,
                  (unsigned long long)c.fences_completed, (unsigned long long)c.cursor_uploads,
                  (unsigned long long)c.cursor_moves, (unsigned long long)c.display_events);
    return text;
}

Gpu::Gpu(virtio::Platform& platform, std::unique_ptr<virtio::PciTransport> transport)
    : platform_(platform), transport_(std::move(transport)) {}

Gpu::~Gpu() {
    // Stop the device before the rings and buffers it uses go away.
    if (transport_) (void)transport_->reset();
}

virtio::ErrorOr<std::unique_ptr<Gpu>> Gpu::open(virtio::Platform& platform) {
    auto transport = virtio::PciTransport::open(platform);
    if (transport.is_error()) return transport.error();
    if (transport.value()->device_type() != virtio::device_type::gpu) return Error::not_virtio;
    std::unique_ptr<Gpu> gpu(new Gpu(platform, transport.release_value()));
    Error error = gpu->initialise();
    if (error != Error::none) return error;
    return gpu;
}

Error Gpu::initialise() {
    // No 3D (VIRGL), no EDID: the 2D subset is all the display service needs.
    auto features = transport_->negotiate(0);
    if (features.is_error()) return features.error();
    auto control = transport_->setup_queue(control_queue, 2 * control_slots);
    if (control.is_error()) return control.error();
    control_ = control.value();
    auto cursor = transport_->setup_queue(cursor_queue, cursor_slots);
    if (cursor.is_error()) return cursor.error();
    cursor_ = cursor.value();
    auto arena = virtio::DmaRegion::allocate(platform_, control_slots * slot_size);
    if (arena.is_error()) return arena.error();
    arena_ = arena.release_value();
    auto cursor_arena = virtio::DmaRegion::allocate(platform_, cursor_slots * slot_size);
    if (cursor_arena.is_error()) return cursor_arena.error();
    cursor_arena_ = cursor_arena.release_value();
    transport_->driver_ok();
    return Error::none;
}

virtio::ErrorOr<std::uint8_t*> Gpu::queue_control(const void* request, std::size_t size, std::size_t response_size) {
    if (size > response_offset || response_size > slot_size - response_offset) return Error::invalid_argument;
    if (control_outstanding_ == control_slots || control_->free_descriptors() < 2) {
        Error error = wait_for_control();
        if (error != Error::none) return error;
    }
    std::uint32_t slot = next_slot_++;
    std::uint8_t* base = reinterpret_cast<std::uint8_t*>(arena_.data()) + slot * slot_size;
    std::memcpy(base, request, size);
    std::memset(base + response_offset, 0, response_size);
    std::uint64_t address = arena_.device_address() + slot * slot_size;
    virtio::BufferRef readable{address, static_cast<std::uint32_t>(size)};
    virtio::BufferRef writable{address + response_offset, static_cast<std::uint32_t>(response_size)};
    Error error = control_->submit({&readable, 1}, {&writable, 1}, slot);
    if (error != Error::none) return error;
    ++control_outstanding_;
    pending_responses_.push_back(base + response_offset);
    return base + response_offset;
}

Error Gpu::wait_queue(std::uint16_t index, std::uint32_t& outstanding) {
    virtio::SplitVirtqueue* queue = transport_->queue(index);
    queue->notify_if_needed();
    std::uint16_t vector = transport_->queue_vector(index);
    auto deadline = std::chrono::steady_clock::now() + command_timeout;
    while (outstanding > 0) {
        for (;;) {
            auto completion = queue->pop_used();
            if (completion.is_error()) return completion.error();
            if (!completion.value()) break;
            --outstanding;
        }
        if (outstanding == 0) break;
        if (std::chrono::steady_clock::now() > deadline) return Error::timed_out;
        if (vector != virtio::no_vector && platform_.interrupt_fd(vector).is_error() == false) {
            Error waited = virtio::wait_for_interrupt(platform_, vector, std::chrono::milliseconds(100));
            if (waited == Error::none) {
                auto cause = transport_->acknowledge_interrupt(vector);
                if (cause.is_error()) return cause.error();
            } else if (waited != Error::timed_out) {
                return waited;
            }
        } else {
            usleep(50);  // no interrupt to wait for: poll the used ring
        }
    }
    return Error::none;
}

Error Gpu::check_responses() {
    Error result = Error::none;
    for (std::uint8_t* response : pending_responses_) {
        gpu::CtrlHeader reply;
        std::memcpy(&reply, response, sizeof reply);
        if (reply.type != gpu::resp_ok_nodata && reply.type != gpu::resp_ok_display_info) {
            std::fprintf(stderr, "virtio-gpu: command answered 0x%x\n", reply.type);
            result = Error::device_protocol_error;
        }
        if (reply.flags & gpu::flag_fence) ++counters_.fences_completed;
    }
    pending_responses_.clear();
    return result;
}

Error Gpu::wait_for_control() {
    Error error = wait_queue(control_queue, control_outstanding_);
    next_slot_ = 0;
    Error checked = check_responses();
    return error != Error::none ? error : checked;
}

virtio::ErrorOr<std::vector<Scanout>> Gpu::display_info() {
    gpu::CtrlHeader request = header(gpu::cmd_get_display_info);
    auto response = queue_control(&request, sizeof request, sizeof(gpu::RespDisplayInfo));
    if (response.is_error()) return response.error();
    gpu::RespDisplayInfo info;
    std::uint8_t* slot = response.value();
    Error error = wait_for_control();
    if (error != Error::none) return error;
    std::memcpy(&info, slot, sizeof info);
    auto scanouts = transport_->read_config32(gpu::config_num_scanouts);
    std::uint32_t count = scanouts.is_error() ? 1 : std::min(scanouts.value(), gpu::max_scanouts);
    std::vector<Scanout> result;
    for (std::uint32_t i = 0; i < count; ++i)
        result.push_back({info.modes[i].width, info.modes[i].height, info.modes[i].enabled != 0});
    return result;
}

virtio::ErrorOr<Scanout> Gpu::preferred_mode() {
    auto scanouts = display_info();
    if (scanouts.is_error()) return scanouts.error();
    const auto& list = scanouts.value();
    if (!list.empty() && list[0].enabled && list[0].width > 0 && list[0].height > 0) return list[0];
    return Scanout{1024, 768, true};
}

virtio::ErrorOr<std::uint32_t> Gpu::create_resource(std::uint32_t width, std::uint32_t height,
                                                    std::uint64_t device_address, std::uint64_t size) {
    if (std::uint64_t{width} * height * 4 > size || size > 0xFFFFFFFFu) return Error::invalid_argument;
    std::uint32_t id = next_resource_++;
    gpu::ResourceCreate2d create{header(gpu::cmd_resource_create_2d), id, gpu::format_b8g8r8x8, width, height};
    auto created = queue_control(&create, sizeof create, sizeof(gpu::CtrlHeader));
    if (created.is_error()) return created.error();
    gpu::AttachBacking attach{header(gpu::cmd_resource_attach_backing), id, 1,
                               {device_address, static_cast<std::uint32_t>(size), 0}};
    auto attached = queue_control(&attach, sizeof attach, sizeof(gpu::CtrlHeader));
    if (attached.is_error()) return attached.error();
    Error error = wait_for_control();
    if (error != Error::none) return error;
    Resource resource{width, height, {Rect{0, 0, width, height}}};
    resources_.emplace_back(id, std::move(resource));
    return id;
}

Gpu::Resource* Gpu::find_resource(std::uint32_t id) {
    for (auto& [key, resource] : resources_) {
        if (key == id) return &resource;
    }
    return nullptr;
}

Error Gpu::destroy_resource(std::uint32_t id) {
    if (id == scanout_resource_) {
        // Scanout 0 shows nothing (resource 0) before its resource goes.
        gpu::SetScanout off{header(gpu::cmd_set_scanout), {0, 0, 0, 0}, 0, 0};
        auto queued = queue_control(&off, sizeof off, sizeof(gpu::CtrlHeader));
        if (queued.is_error()) return queued.error();
        scanout_resource_ = 0;
    }
    std::erase_if(resources_, [id](const auto& entry) { return entry.first == id; });
    gpu::ResourceUnref unref{header(gpu::cmd_resource_unref), id, 0};
    auto queued = queue_control(&unref, sizeof unref, sizeof(gpu::CtrlHeader));
    if (queued.is_error()) return queued.error();
    return wait_for_control();
}

namespace {

bool inside(const Rect& rect, std::uint32_t width, std::uint32_t height) {
    return rect.width > 0 && rect.height > 0 && rect.x < width && rect.y < height && rect.width <= width - rect.x &&
           rect.height <= height - rect.y;
}

bool contains(const Rect& outer, const Rect& inner) {
    return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width &&
           inner.y + inner.height <= outer.y + outer.height;
}

// Adds rect to a stale list, dropping rects it covers; past 16 the list
// becomes its bounding box (rare: one buffer left unpresented for long).
void add_stale(std::vector<Rect>& stale, const Rect& rect) {
    for (const Rect& existing : stale) {
        if (contains(existing, rect)) return;
    }
    std::erase_if(stale, [&](const Rect& existing) { return contains(rect, existing); });
    stale.push_back(rect);
    if (stale.size() <= 16) return;
    std::uint32_t x0 = UINT32_MAX, y0 = UINT32_MAX, x1 = 0, y1 = 0;
    for (const Rect& r : stale) {
        x0 = std::min(x0, r.x);
        y0 = std::min(y0, r.y);
        x1 = std::max(x1, r.x + r.width);
        y1 = std::max(y1, r.y + r.height);
    }
    stale = {Rect{x0, y0, x1 - x0, y1 - y0}};
}

}  // namespace

Error Gpu::present(std::uint32_t id, std::uint32_t width, std::uint32_t height, std::span<const Rect> rects) {
    Resource* resource = find_resource(id);
    if (resource == nullptr || width != resource->width || height != resource->height || rects.empty())
        return Error::invalid_argument;
    for (const Rect& rect : rects) {
        if (!inside(rect, width, height)) return Error::invalid_argument;
    }
    // Bring the host copy up to date where other buffers were presented.
    for (const Rect& rect : resource->stale) {
        bool covered = false;
        for (const Rect& damage : rects) covered = covered || contains(damage, rect);
        if (covered) continue;  // transferred below anyway
        gpu::TransferToHost2d transfer{header(gpu::cmd_transfer_to_host_2d),
                                        {rect.x, rect.y, rect.width, rect.height},
                                        std::uint64_t{rect.y} * width * 4 + std::uint64_t{rect.x} * 4, id, 0};
        auto queued = queue_control(&transfer, sizeof transfer, sizeof(gpu::CtrlHeader));
        if (queued.is_error()) return queued.error();
        ++counters_.rects_transferred;
        counters_.pixels_transferred += std::uint64_t{rect.width} * rect.height;
    }
    resource->stale.clear();
    if (id != scanout_resource_ || width != scanout_width_ || height != scanout_height_) {
        gpu::SetScanout set{header(gpu::cmd_set_scanout), {0, 0, width, height}, 0, id};
        auto queued = queue_control(&set, sizeof set, sizeof(gpu::CtrlHeader));
        if (queued.is_error()) return queued.error();
        scanout_resource_ = id;
        scanout_width_ = width;
        scanout_height_ = height;
        ++counters_.set_scanouts;
    }
    std::uint64_t fence = next_fence_++;
    for (std::size_t i = 0; i < rects.size(); ++i) {
        const Rect& rect = rects[i];
        gpu::Rect r{rect.x, rect.y, rect.width, rect.height};
        gpu::TransferToHost2d transfer{header(gpu::cmd_transfer_to_host_2d), r,
                                        std::uint64_t{rect.y} * width * 4 + std::uint64_t{rect.x} * 4, id, 0};
        auto queued = queue_control(&transfer, sizeof transfer, sizeof(gpu::CtrlHeader));
        if (queued.is_error()) return queued.error();
        gpu::ResourceFlush flush{header(gpu::cmd_resource_flush), r, id, 0};
        if (i + 1 == rects.size()) {
            // The fence on the last command: its completion is the present's.
            flush.header.flags = gpu::flag_fence;
            flush.header.fence_id = fence;
        }
        queued = queue_control(&flush, sizeof flush, sizeof(gpu::CtrlHeader));
        if (queued.is_error()) return queued.error();
        std::uint64_t pixels = std::uint64_t{rect.width} * rect.height;
        ++counters_.rects_transferred;
        counters_.pixels_transferred += pixels;
        ++counters_.rects_flushed;
        counters_.pixels_flushed += pixels;
    }
    ++counters_.presents;
    for (auto& [other_id, other] : resources_) {
        if (other_id == id) continue;
        for (const Rect& rect : rects) add_stale(other.stale, rect);
    }
    return wait_for_control();
}

Error Gpu::send_cursor(std::uint32_t type, std::uint32_t resource, std::uint32_t hot_x, std::uint32_t hot_y,
                       std::int32_t x, std::int32_t y) {
    if (cursor_outstanding_ == cursor_slots || cursor_->free_descriptors() < 1) {
        Error error = wait_queue(cursor_queue, cursor_outstanding_);
        if (error != Error::none) return error;
        next_cursor_slot_ = 0;
    }
    std::uint32_t slot = next_cursor_slot_++;
    gpu::UpdateCursor command{header(type),
                               {0, static_cast<std::uint32_t>(std::max(x, 0)), static_cast<std::uint32_t>(std::max(y, 0)), 0},
                               resource,
                               hot_x,
                               hot_y,
                               0};
    std::uint8_t* base = reinterpret_cast<std::uint8_t*>(cursor_arena_.data()) + slot * slot_size;
    std::memcpy(base, &command, sizeof command);
    virtio::BufferRef readable{cursor_arena_.device_address() + slot * slot_size, sizeof command};
    Error error = cursor_->submit({&readable, 1}, {}, slot);
    if (error != Error::none) return error;
    ++cursor_outstanding_;
    // The cursor queue has no responses worth waiting for; notify now and
    // collect completions lazily (next time the slots run out).
    cursor_->notify_if_needed();
    while (true) {
        auto completion = cursor_->pop_used();
        if (completion.is_error()) return completion.error();
        if (!completion.value()) break;
        --cursor_outstanding_;
    }
    if (cursor_outstanding_ == 0) next_cursor_slot_ = 0;
    return Error::none;
}

Error Gpu::set_cursor(std::span<const std::uint32_t> pixels, std::uint32_t hot_x, std::uint32_t hot_y,
                      std::int32_t x, std::int32_t y) {
    if (pixels.size() != cursor_size * cursor_size) return Error::invalid_argument;
    if (cursor_resource_ == 0) {
        auto image = virtio::DmaRegion::allocate(platform_, cursor_size * cursor_size * 4);
        if (image.is_error()) return image.error();
        cursor_image_ = image.release_value();
        std::uint32_t id = next_resource_++;
        gpu::ResourceCreate2d create{header(gpu::cmd_resource_create_2d), id, gpu::format_b8g8r8a8, cursor_size,
                                      cursor_size};
        auto created = queue_control(&create, sizeof create, sizeof(gpu::CtrlHeader));
        if (created.is_error()) return created.error();
        gpu::AttachBacking attach{header(gpu::cmd_resource_attach_backing), id, 1,
                                   {cursor_image_.device_address(), cursor_size * cursor_size * 4, 0}};
        auto attached = queue_control(&attach, sizeof attach, sizeof(gpu::CtrlHeader));
        if (attached.is_error()) return attached.error();
        cursor_resource_ = id;
    }
    std::memcpy(cursor_image_.data(), pixels.data(), pixels.size_bytes());
    gpu::TransferToHost2d transfer{header(gpu::cmd_transfer_to_host_2d), {0, 0, cursor_size, cursor_size}, 0,
                                    cursor_resource_, 0};
    // Fenced: the image must be on the host before UPDATE_CURSOR names it.
    transfer.header.flags = gpu::flag_fence;
    transfer.header.fence_id = next_fence_++;
    auto queued = queue_control(&transfer, sizeof transfer, sizeof(gpu::CtrlHeader));
    if (queued.is_error()) return queued.error();
    Error error = wait_for_control();
    if (error != Error::none) return error;
    ++counters_.cursor_uploads;
    return send_cursor(gpu::cmd_update_cursor, cursor_resource_, hot_x, hot_y, x, y);
}

Error Gpu::hide_cursor() {
    return send_cursor(gpu::cmd_update_cursor, 0, 0, 0, 0, 0);
}

Error Gpu::move_cursor(std::int32_t x, std::int32_t y) {
    ++counters_.cursor_moves;
    return send_cursor(gpu::cmd_move_cursor, cursor_resource_, 0, 0, x, y);
}

int Gpu::config_interrupt_fd() {
    std::uint16_t vector = transport_->config_vector();
    if (vector == virtio::no_vector) return -1;
    auto fd = platform_.interrupt_fd(vector);
    return fd.is_error() ? -1 : fd.value();
}

bool Gpu::take_display_event() {
    std::uint16_t vector = transport_->config_vector();
    if (vector != virtio::no_vector) (void)transport_->acknowledge_interrupt(vector);
    auto events = transport_->read_config32(gpu::config_events_read);
    if (events.is_error() || (events.value() & gpu::event_display) == 0) return false;
    (void)transport_->write_config32(gpu::config_events_clear, gpu::event_display);
    ++counters_.display_events;
    return true;
}

}  // namespace tessera::virtio_gpu
