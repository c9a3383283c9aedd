// The device half of split virtqueues: taking chains from the avail ring,
// checking them, and returning them through the used ring with the
// interrupt the driver asked for.
#include <atomic>
#include <cstring>

#include "fake_device.h"

namespace tessera::virtio::testing {

namespace {

std::uint16_t load_acquire(std::uint16_t* field) {
    return std::atomic_ref<std::uint16_t>(*field).load(std::memory_order_acquire);
}
std::uint16_t load_relaxed(std::uint16_t* field) {
    return std::atomic_ref<std::uint16_t>(*field).load(std::memory_order_relaxed);
}

}  // namespace

std::vector<std::byte> DeviceChain::read_all() const {
    std::vector<std::byte> bytes;
    for (const DeviceBuffer& buffer : readable) bytes.insert(bytes.end(), buffer.data, buffer.data + buffer.length);
    return bytes;
}

std::uint32_t DeviceChain::write_all(std::span<const std::byte> bytes) const {
    std::uint32_t done = 0;
    for (const DeviceBuffer& buffer : writable) {
        std::uint32_t chunk = std::min<std::size_t>(buffer.length, bytes.size() - done);
        std::memcpy(buffer.data, bytes.data() + done, chunk);
        done += chunk;
    }
    return done;
}

std::uint32_t DeviceChain::writable_bytes() const {
    std::uint32_t total = 0;
    for (const DeviceBuffer& buffer : writable) total += buffer.length;
    return total;
}

std::optional<DeviceChain> FakeVirtioDevice::pop_avail(std::uint16_t index) {
    Rings* r = rings(index);
    if (!r) {
        violation("pop_avail on a queue that is not enabled");
        return std::nullopt;
    }
    Queue& queue = queues_[index];
    std::uint16_t avail_idx = load_acquire(&r->avail[1]);
    if (avail_idx == queue.last_avail) return std::nullopt;
    if (static_cast<std::uint16_t>(avail_idx - queue.last_avail) > queue.size) {
        violation("avail idx ran more than a queue ahead");
        return std::nullopt;
    }
    DeviceChain chain;
    chain.head = r->avail[2 + (queue.last_avail % queue.size)];
    ++queue.last_avail;
    if (event_idx()) {
        // Ask to be notified again at the next entry we have not taken.
        std::atomic_ref<std::uint16_t>(r->used[2 + 4 * queue.size]).store(queue.last_avail, std::memory_order_relaxed);
    }

    std::uint16_t current = chain.head;
    for (std::uint16_t steps = 0;; ++steps) {
        if (current >= queue.size) {
            violation("descriptor index out of range");
            return std::nullopt;
        }
        if (steps == queue.size) {
            violation("descriptor chain loops");
            return std::nullopt;
        }
        VirtqDesc desc = r->desc[current];
        if (desc.flags & desc_flag::indirect) violation("indirect descriptor without the feature");
        std::byte* data = platform_.translate(desc.addr, desc.len);
        if (!data) return std::nullopt;
        if (desc.flags & desc_flag::write) {
            chain.writable.push_back({data, desc.len});
        } else {
            if (!chain.writable.empty()) violation("device-readable buffer after a device-writable one");
            chain.readable.push_back({data, desc.len});
        }
        if (!(desc.flags & desc_flag::next)) break;
        current = desc.next;
    }
    return chain;
}

void FakeVirtioDevice::push_used(std::uint16_t index, std::uint16_t head, std::uint32_t written) {
    Rings* r = rings(index);
    if (!r) return violation("push_used on a queue that is not enabled");
    Queue& queue = queues_[index];
    auto* ring = reinterpret_cast<VirtqUsedElem*>(r->used + 2);
    ring[queue.used_idx % queue.size] = VirtqUsedElem{head, written};
    std::uint16_t old_idx = queue.used_idx++;
    std::atomic_ref<std::uint16_t>(r->used[1]).store(queue.used_idx, std::memory_order_release);
    std::atomic_thread_fence(std::memory_order_seq_cst);

    bool wanted = event_idx() ? need_event(load_relaxed(&r->avail[2 + queue.size]), queue.used_idx, old_idx)
                              : !(load_relaxed(&r->avail[0]) & avail_flag_no_interrupt);
    if (event_idx() && (load_relaxed(&r->avail[0]) & avail_flag_no_interrupt)) {
        violation("avail flags set while EVENT_IDX is negotiated");
    }
    if (wanted) {
        send_queue_interrupt(queue);
    } else {
        ++queue.suppressed_interrupts;
    }
}

void FakeVirtioDevice::send_queue_interrupt(Queue& queue) {
    ++queue.interrupts;
    if (platform_.msix_enabled()) {
        // With MSI-X on, a queue without a vector simply does not interrupt.
        if (queue.msix_vector != no_vector) platform_.raise(queue.msix_vector);
        return;
    }
    isr_ |= isr::queue;
    platform_.raise(no_vector);
}

void FakeVirtioDevice::set_no_notify(std::uint16_t index, bool no_notify) {
    if (Rings* r = rings(index)) {
        std::atomic_ref<std::uint16_t>(r->used[0])
            .store(no_notify ? used_flag_no_notify : 0, std::memory_order_relaxed);
    }
}

void FakeVirtioDevice::set_avail_event(std::uint16_t index, std::uint16_t value) {
    if (Rings* r = rings(index)) {
        std::atomic_ref<std::uint16_t>(r->used[2 + 4 * queues_[index].size]).store(value, std::memory_order_relaxed);
    }
}

}  // namespace tessera::virtio::testing
