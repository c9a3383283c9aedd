#include "virtqueue.h"

#include <atomic>
#include <utility>

namespace tessera::virtio {

namespace {

std::size_t align_up(std::size_t value, std::size_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

// Fields shared with the device are accessed through atomic_ref so the
// compiler neither tears, caches nor reorders them across the fences below.
std::uint16_t load_relaxed(std::uint16_t* field) {
    return std::atomic_ref<std::uint16_t>(*field).load(std::memory_order_relaxed);
}
void store_relaxed(std::uint16_t* field, std::uint16_t value) {
    std::atomic_ref<std::uint16_t>(*field).store(value, std::memory_order_relaxed);
}

}  // namespace

ErrorOr<std::unique_ptr<SplitVirtqueue>> SplitVirtqueue::create(Platform& platform, std::uint16_t size, bool event_idx,
                                                                Notifier notifier) {
    // Split rings index with `idx & (size - 1)`: sizes are powers of two.
    if (size == 0 || size > max_queue_size || (size & (size - 1)) != 0) return Error::invalid_argument;
    std::size_t avail_offset = align_up(desc_table_bytes(size), avail_align);
    std::size_t used_offset = align_up(avail_offset + avail_ring_bytes(size), used_align);
    auto rings = DmaRegion::allocate(platform, used_offset + used_ring_bytes(size));
    if (rings.is_error()) return rings.error();
    auto* queue = new SplitVirtqueue(rings.release_value(), size, event_idx, std::move(notifier));
    queue->avail_offset_ = avail_offset;
    queue->used_offset_ = used_offset;
    return std::unique_ptr<SplitVirtqueue>(queue);
}

SplitVirtqueue::SplitVirtqueue(DmaRegion rings, std::uint16_t size, bool event_idx, Notifier notifier)
    : rings_(std::move(rings)),
      avail_offset_(0),
      used_offset_(0),
      size_(size),
      event_idx_(event_idx),
      notifier_(std::move(notifier)),
      next_(size),
      requests_(size),
      free_count_(size) {
    for (std::uint16_t i = 0; i < size; ++i) next_[i] = static_cast<std::uint16_t>(i + 1);
}

SplitVirtqueue::~SplitVirtqueue() = default;

std::uint64_t SplitVirtqueue::descriptor_table_address() const {
    return rings_.device_address();
}
std::uint64_t SplitVirtqueue::driver_area_address() const {
    return rings_.device_address() + avail_offset_;
}
std::uint64_t SplitVirtqueue::device_area_address() const {
    return rings_.device_address() + used_offset_;
}

VirtqDesc* SplitVirtqueue::descriptors() const {
    return reinterpret_cast<VirtqDesc*>(rings_.data());
}
std::uint16_t* SplitVirtqueue::avail_field(std::size_t index) const {
    return reinterpret_cast<std::uint16_t*>(rings_.data() + avail_offset_) + index;
}
std::uint16_t* SplitVirtqueue::used_field(std::size_t index) const {
    return reinterpret_cast<std::uint16_t*>(rings_.data() + used_offset_) + index;
}
VirtqUsedElem* SplitVirtqueue::used_ring() const {
    return reinterpret_cast<VirtqUsedElem*>(rings_.data() + used_offset_ + 4);
}
std::uint16_t* SplitVirtqueue::avail_event() const {
    return reinterpret_cast<std::uint16_t*>(rings_.data() + used_offset_ + 4 + 8 * std::size_t{size_});
}

Error SplitVirtqueue::submit(std::span<const BufferRef> device_readable, std::span<const BufferRef> device_writable,
                             std::uint64_t token) {
    std::size_t count = device_readable.size() + device_writable.size();
    if (count == 0) return Error::invalid_argument;
    if (count > size_) return Error::request_too_large;
    if (count > free_count_) return Error::queue_full;

    std::uint16_t head = free_head_;
    std::uint16_t current = head;
    std::uint32_t writable_bytes = 0;
    std::size_t written = 0;
    auto add = [&](const BufferRef& buffer, bool writable) {
        VirtqDesc& desc = descriptors()[current];
        bool last = ++written == count;
        desc.addr = buffer.device_address;
        desc.len = buffer.length;
        desc.flags = static_cast<std::uint16_t>((writable ? desc_flag::write : 0) | (last ? 0 : desc_flag::next));
        desc.next = last ? 0 : next_[current];
        if (!last) current = next_[current];
    };
    for (const BufferRef& buffer : device_readable) add(buffer, false);
    for (const BufferRef& buffer : device_writable) {
        add(buffer, true);
        writable_bytes += buffer.length;
    }
    free_head_ = next_[current];
    free_count_ = static_cast<std::uint16_t>(free_count_ - count);
    requests_[head] = Request{token, static_cast<std::uint16_t>(count), writable_bytes, true};
    ++in_flight_;

    *avail_field(2 + (avail_idx_ & (size_ - 1))) = head;
    ++avail_idx_;
    // Release: the descriptors and the ring slot are visible before the index
    // that tells the device to read them.
    std::atomic_ref<std::uint16_t>(*avail_field(1)).store(avail_idx_, std::memory_order_release);
    return Error::none;
}

bool SplitVirtqueue::notify_if_needed() {
    if (avail_idx_ == notified_idx_) return false;
    // Full fence: our avail idx store must be visible before we read the
    // device's suppression state, or the device could go idle having missed
    // the new entries while we read an old "don't notify".
    std::atomic_thread_fence(std::memory_order_seq_cst);
    std::uint16_t old_idx = std::exchange(notified_idx_, avail_idx_);
    bool needed = event_idx_ ? need_event(load_relaxed(avail_event()), avail_idx_, old_idx)
                             : !(load_relaxed(used_field(0)) & used_flag_no_notify);
    if (needed && notifier_) notifier_();
    return needed;
}

bool SplitVirtqueue::has_used() const {
    return std::atomic_ref<std::uint16_t>(*used_field(1)).load(std::memory_order_acquire) != last_used_idx_;
}

ErrorOr<std::optional<Completion>> SplitVirtqueue::pop_used() {
    // Acquire: the used element is read only after the index that publishes it.
    std::uint16_t used_idx = std::atomic_ref<std::uint16_t>(*used_field(1)).load(std::memory_order_acquire);
    if (used_idx == last_used_idx_) return std::optional<Completion>{};
    // More entries than requests in flight: the device made them up.
    if (static_cast<std::uint16_t>(used_idx - last_used_idx_) > in_flight_) return Error::device_protocol_error;

    VirtqUsedElem element = used_ring()[last_used_idx_ & (size_ - 1)];
    if (element.id >= size_ || !requests_[element.id].in_use) return Error::device_protocol_error;
    ++last_used_idx_;

    Request& request = requests_[element.id];
    // Return the chain to the free list through our private links.
    std::uint16_t tail = static_cast<std::uint16_t>(element.id);
    for (std::uint16_t i = 1; i < request.descriptors; ++i) tail = next_[tail];
    next_[tail] = free_head_;
    free_head_ = static_cast<std::uint16_t>(element.id);
    free_count_ = static_cast<std::uint16_t>(free_count_ + request.descriptors);
    --in_flight_;
    request.in_use = false;

    if (event_idx_ && !interrupts_disabled_) {
        // Keep asking for an interrupt at the next entry we have not seen.
        store_relaxed(avail_field(2 + size_), last_used_idx_);
    }
    std::uint32_t written = element.len < request.writable_bytes ? element.len : request.writable_bytes;
    return std::optional<Completion>{Completion{request.token, written}};
}

void SplitVirtqueue::disable_interrupts() {
    interrupts_disabled_ = true;
    if (event_idx_) {
        // With EVENT_IDX the flags word must stay 0; put used_event half the
        // index space away so no realistic burst crosses it.
        store_relaxed(avail_field(2 + size_), static_cast<std::uint16_t>(last_used_idx_ + 0x8000));
    } else {
        store_relaxed(avail_field(0), avail_flag_no_interrupt);
    }
}

bool SplitVirtqueue::enable_interrupts() {
    interrupts_disabled_ = false;
    if (event_idx_) {
        store_relaxed(avail_field(2 + size_), last_used_idx_);
    } else {
        store_relaxed(avail_field(0), 0);
    }
    // Full fence: the re-enable must be visible before we look at used idx,
    // or a completion landing in between would raise no interrupt and not
    // be seen here either.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return has_used();
}

}  // namespace tessera::virtio
