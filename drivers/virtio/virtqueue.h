// The driver side of one split virtqueue (virtio 1.x, section 2.6).
//
// A request is a chain of descriptors: the device-readable buffers first,
// then the device-writable ones, as the specification requires. Each request
// carries a caller's token, and pop_used() hands the token back with the
// number of bytes the device wrote, so callers never track descriptor
// indices. The queue does not own the buffers: callers pass device
// addresses of DMA memory they keep alive until the completion arrives.
//
// Threading: one thread drives a queue (submit, notify, pop, interrupt
// control); the device is the other party. Ring indices are published with
// release stores and read with acquire loads, and the notification and
// interrupt-enable decisions sit behind full fences, so the driver and the
// device can never both decide the other one will look (the "missed
// notification" race the specification warns about in 2.6.10 and 2.6.7).
//
// Errors: queue_full when the free descriptors do not suffice right now (pop
// completions and retry), request_too_large when the chain is longer than
// the queue itself, device_protocol_error when the device puts an id into
// the used ring that is not the head of an outstanding request.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "error.h"
#include "platform.h"
#include "spec.h"

namespace tessera::virtio {

// One buffer of a request: device address and length.
struct BufferRef {
    std::uint64_t device_address;
    std::uint32_t length;
};

struct Completion {
    std::uint64_t token;
    // Bytes the device says it wrote into the writable buffers, clamped to
    // their total length so a confused device cannot make callers read past
    // their own buffers.
    std::uint32_t written;
};

class SplitVirtqueue {
public:
    // Called when the device must be told there is new work: the transport
    // writes the queue index to the queue's notify address.
    using Notifier = std::function<void()>;

    // Allocates the rings (one DMA block: descriptor table, driver area,
    // device area) for `size` entries, a power of two from 1 to 32768.
    // event_idx: VIRTIO_F_EVENT_IDX was negotiated.
    static ErrorOr<std::unique_ptr<SplitVirtqueue>> create(Platform& platform, std::uint16_t size, bool event_idx,
                                                           Notifier notifier);

    std::uint16_t size() const { return size_; }
    std::uint16_t free_descriptors() const { return free_count_; }
    std::uint16_t in_flight() const { return in_flight_; }

    // What the transport writes into queue_desc, queue_driver, queue_device.
    std::uint64_t descriptor_table_address() const;
    std::uint64_t driver_area_address() const;
    std::uint64_t device_area_address() const;

    // Adds a request and makes it visible to the device (avail idx), but
    // does not notify: submit a batch, then call notify_if_needed() once.
    // Nothing changes when an error is returned.
    Error submit(std::span<const BufferRef> device_readable, std::span<const BufferRef> device_writable,
                 std::uint64_t token);

    // Notifies the device about requests submitted since the last call,
    // unless it asked not to be (VIRTQ_USED_F_NO_NOTIFY, or avail_event with
    // EVENT_IDX). Returns whether it notified.
    bool notify_if_needed();

    // The next completion, if the device has used one.
    ErrorOr<std::optional<Completion>> pop_used();
    bool has_used() const;

    // Used-buffer notification suppression. disable_interrupts() is a hint
    // (VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event moved out of reach with
    // EVENT_IDX); the device may still interrupt once. enable_interrupts()
    // re-arms and returns true when completions arrived meanwhile: the caller
    // must drain them, because no interrupt will announce them.
    void disable_interrupts();
    [[nodiscard]] bool enable_interrupts();

    ~SplitVirtqueue();
    SplitVirtqueue(const SplitVirtqueue&) = delete;
    SplitVirtqueue& operator=(const SplitVirtqueue&) = delete;

private:
    struct Request {
        std::uint64_t token = 0;
        std::uint16_t descriptors = 0;
        std::uint32_t writable_bytes = 0;
        bool in_use = false;
    };

    SplitVirtqueue(DmaRegion rings, std::uint16_t size, bool event_idx, Notifier notifier);

    VirtqDesc* descriptors() const;
    std::uint16_t* avail_field(std::size_t index) const;  // 0 flags, 1 idx, 2.. ring, 2+size used_event
    std::uint16_t* used_field(std::size_t index) const;   // 0 flags, 1 idx
    VirtqUsedElem* used_ring() const;
    std::uint16_t* avail_event() const;

    DmaRegion rings_;
    std::size_t avail_offset_;
    std::size_t used_offset_;
    std::uint16_t size_;
    bool event_idx_;
    Notifier notifier_;

    // Driver-private copy of the free list and chain links: the device can
    // read the descriptor table but we never trust it to stay as we wrote it.
    std::vector<std::uint16_t> next_;
    std::vector<Request> requests_;  // indexed by head descriptor
    std::uint16_t free_head_ = 0;
    std::uint16_t free_count_;
    std::uint16_t in_flight_ = 0;

    std::uint16_t avail_idx_ = 0;      // next free avail slot (free-running)
    std::uint16_t notified_idx_ = 0;   // avail_idx_ at the last notify decision
    std::uint16_t last_used_idx_ = 0;  // next used entry to consume (free-running)
    bool interrupts_disabled_ = false;
};

}  // namespace tessera::virtio
