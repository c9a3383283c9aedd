// The device side of virtio over PCI, for host tests: a configuration space
// with the virtio capabilities, the common configuration registers, ISR,
// notify and device-specific configuration in BAR 4 (laid out as QEMU does),
// and the device half of split virtqueues working on the same DMA memory
// the driver wrote.
//
// It checks the driver as strictly as the specification reads: descriptor
// indices and chains, readable-before-writable order, ring addresses inside
// DMA memory, queue registers changed after enable, DRIVER_OK without
// FEATURES_OK, notifications of disabled queues. Each breach lands in the
// platform's violations(), which tests expect to be empty.
//
// Device behaviour (what a request means) is a callback, on_notify, run
// synchronously when the driver writes a queue's notify register; tests can
// also leave it empty and drive pop_avail()/push_used() themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "fake_platform.h"
#include "virtio/spec.h"

namespace tessera::virtio::testing {

struct DeviceBuffer {
    std::byte* data;
    std::uint32_t length;
};

// One request as the device sees it.
struct DeviceChain {
    std::uint16_t head = 0;
    std::vector<DeviceBuffer> readable;
    std::vector<DeviceBuffer> writable;

    // All readable bytes, concatenated.
    std::vector<std::byte> read_all() const;
    // Copies bytes into the writable buffers in order; returns how many fit.
    std::uint32_t write_all(std::span<const std::byte> bytes) const;
    std::uint32_t writable_bytes() const;
};

class FakeVirtioDevice {
public:
    // Where the structures live: BAR 4, 16 KiB, one page each (as QEMU does).
    static constexpr std::uint8_t bar_index = 4;
    static constexpr std::uint32_t common_offset = 0x0000;
    static constexpr std::uint32_t isr_offset = 0x1000;
    static constexpr std::uint32_t device_offset = 0x2000;
    static constexpr std::uint32_t notify_offset = 0x3000;
    static constexpr std::uint32_t region_length = 0x1000;
    // Configuration space offsets of the capabilities it writes.
    static constexpr std::uint8_t msix_cap_at = 0x40;
    static constexpr std::uint8_t common_cap_at = 0x50;
    static constexpr std::uint8_t notify_cap_at = 0x60;
    static constexpr std::uint8_t isr_cap_at = 0x78;
    static constexpr std::uint8_t device_cap_at = 0x88;

    struct Options {
        std::uint16_t device_type = device_type::console;
        std::uint64_t features = feature::version_1;
        // Features the device insists on: FEATURES_OK is refused without them.
        std::uint64_t required_features = 0;
        bool accept_features = true;  // false: always clears FEATURES_OK
        std::vector<std::uint16_t> queue_sizes = {64};
        std::uint32_t notify_off_multiplier = 4;
        std::uint32_t device_config_size = 64;
        // Status reads that still show the old status after a reset of a
        // device that was not already reset; -1: the reset never completes.
        int reset_delay_reads = 0;
        // Answer NO_VECTOR when the driver asks for an MSI-X vector.
        bool refuse_config_vector = false;
        bool refuse_queue_vectors = false;
        // Bump config_generation on every device-config read, as a device
        // whose configuration never settles would.
        bool unstable_config_generation = false;
    };

    struct Queue {
        std::uint16_t max_size = 0;
        std::uint16_t size = 0;
        std::uint16_t msix_vector = no_vector;
        bool enabled = false;
        std::uint64_t desc = 0, driver = 0, device = 0;
        std::uint16_t last_avail = 0;  // next avail entry the device will take
        std::uint16_t used_idx = 0;
        std::uint64_t notifications = 0;
        std::uint64_t interrupts = 0;             // used-buffer notifications sent
        std::uint64_t suppressed_interrupts = 0;  // withheld because the driver asked
    };

    FakeVirtioDevice(FakePlatform& platform, Options options);

    std::function<void(FakeVirtioDevice&, std::uint16_t queue)> on_notify;
    // Runs after the driver writes device-specific configuration (select
    // registers such as virtio-input's select/subsel react to writes).
    std::function<void(FakeVirtioDevice&, std::uint32_t offset)> on_config_write;

    std::uint8_t status() const { return status_; }
    // Every value the driver wrote to device_status, in order.
    const std::vector<std::uint8_t>& status_writes() const { return status_writes_; }
    std::uint64_t driver_features() const { return driver_features_; }
    std::uint16_t config_msix_vector() const { return config_vector_; }
    const Queue& queue(std::uint16_t index) const { return queues_.at(index); }
    int resets() const { return resets_; }
    std::uint8_t isr() const { return isr_; }
    std::vector<std::uint8_t>& device_config() { return device_config_; }

    // Device side of the queues.
    std::optional<DeviceChain> pop_avail(std::uint16_t queue);
    void push_used(std::uint16_t queue, std::uint16_t head, std::uint32_t written);
    // Driver-notification suppression: VIRTQ_USED_F_NO_NOTIFY, or with
    // EVENT_IDX the avail_event the device writes.
    void set_no_notify(std::uint16_t queue, bool no_notify);
    void set_avail_event(std::uint16_t queue, std::uint16_t index);
    // Makes a configuration change visible: new generation, ISR bit, interrupt.
    void change_config(std::uint32_t offset, std::span<const std::uint8_t> bytes);
    // Sets DEVICE_NEEDS_RESET as a device does after an internal error.
    void signal_needs_reset();

private:
    struct Rings {
        VirtqDesc* desc = nullptr;
        std::uint16_t* avail = nullptr;  // flags, idx, ring..., used_event
        std::uint16_t* used = nullptr;   // flags, idx, then VirtqUsedElem ring, avail_event
    };

    void write_config_space();
    std::uint64_t read_register(std::size_t offset, unsigned width);
    void write_register(std::size_t offset, unsigned width, std::uint64_t value);
    std::uint64_t read_common(std::size_t field, unsigned width);
    void write_common(std::size_t field, unsigned width, std::uint64_t value);
    void write_status(std::uint8_t value);
    void notify(std::size_t offset, std::uint64_t value);
    void reset();
    void enable_queue(Queue& queue);
    void send_queue_interrupt(Queue& queue);
    Queue* selected();
    Rings* rings(std::uint16_t queue);
    void violation(const std::string& what);
    bool event_idx() const { return driver_features_ & feature::event_idx; }

    FakePlatform& platform_;
    Options options_;
    std::uint8_t status_ = 0;
    int reset_reads_left_ = 0;
    std::uint8_t status_before_reset_ = 0;
    std::uint32_t device_feature_select_ = 0, driver_feature_select_ = 0;
    std::uint64_t driver_features_ = 0;
    std::uint16_t config_vector_ = no_vector;
    std::uint16_t queue_select_ = 0;
    std::uint8_t config_generation_ = 0;
    std::uint8_t isr_ = 0;
    int resets_ = 0;
    std::vector<Queue> queues_;
    std::vector<Rings> rings_;
    std::vector<std::uint8_t> device_config_;
    std::vector<std::uint8_t> status_writes_;
};

}  // namespace tessera::virtio::testing
