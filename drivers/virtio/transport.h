// The virtio 1.x modern PCI transport (specification 4.1) over a Platform.
//
// Initialisation follows 3.1.1, and a driver calls, in order:
//
//   auto transport = PciTransport::open(platform);           // capabilities, BARs
//   auto features = transport->negotiate(wanted);            // reset .. FEATURES_OK
//   transport->setup_queue(0, 64);                           // each queue
//   transport->driver_ok();                                  // device goes live
//
// Any failure after the reset leaves FAILED set in device_status, as the
// specification asks, and a later negotiate() starts over with a reset.
//
// Interrupts: when the platform has MSI-X vectors, configuration changes use
// vector 0 and queue i uses vector 1 + i % (count - 1) (vector 0 when there
// is only one). If the device refuses the configuration vector,
// negotiate() falls back to INTx for everything; a refused queue vector is
// Error::msix_vector_refused. With INTx every queue reports no_vector and
// acknowledge_interrupt() reads the ISR register to learn the cause.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "error.h"
#include "pci_capabilities.h"
#include "platform.h"
#include "virtqueue.h"

namespace tessera::virtio {

struct InterruptCause {
    bool queue = false;   // some queue may have completions
    bool config = false;  // device configuration changed
};

class PciTransport {
public:
    // Checks the PCI identity, walks the capabilities, maps the BARs they
    // name, and enables memory decoding and bus mastering.
    static ErrorOr<std::unique_ptr<PciTransport>> open(Platform& platform);

    // The virtio device type (device_type::gpu, ...).
    std::uint16_t device_type() const { return device_type_; }
    const VirtioPciLayout& layout() const { return layout_; }

    // Resets the device and waits (bounded) until device_status reads 0.
    // All queues are forgotten.
    Error reset();
    // Reset, ACKNOWLEDGE, DRIVER, then offers wanted & device features (plus
    // VIRTIO_F_VERSION_1, which is required) and sets FEATURES_OK; checks the
    // device kept it. Returns the negotiated set.
    ErrorOr<std::uint64_t> negotiate(std::uint64_t wanted);
    std::uint64_t device_features();
    std::uint64_t negotiated_features() const { return negotiated_; }

    std::uint16_t num_queues();
    // Sets up queue `index` with min(max_size, the device's maximum) entries,
    // rounded down to a power of two, and enables it. Call between
    // negotiate() and driver_ok(). The transport keeps the queue.
    ErrorOr<SplitVirtqueue*> setup_queue(std::uint16_t index, std::uint16_t max_size);
    SplitVirtqueue* queue(std::uint16_t index) const;
    // The MSI-X vector queue `index` interrupts on, or no_vector (INTx).
    std::uint16_t queue_vector(std::uint16_t index) const;
    std::uint16_t config_vector() const { return config_vector_; }
    bool using_msix() const { return config_vector_ != no_vector; }

    void driver_ok();
    void fail();  // sets FAILED: the driver has given up on the device
    std::uint8_t status();
    bool needs_reset() { return status() & status::device_needs_reset; }

    // Device-specific configuration (e.g. virtio-gpu's events_read, virtio-
    // input's select/subsel). Each field is read with its own width, as 4.1.3.1
    // requires (64-bit as two 32-bit halves), and reads retry until
    // config_generation is stable so a multi-part value is consistent.
    // Error::invalid_argument for a range outside the device's structure.
    ErrorOr<std::uint8_t> read_config8(std::uint32_t offset);
    ErrorOr<std::uint16_t> read_config16(std::uint32_t offset);
    ErrorOr<std::uint32_t> read_config32(std::uint32_t offset);
    ErrorOr<std::uint64_t> read_config64(std::uint32_t offset);
    // A byte array (strings, bitmaps), read 8 bits at a time.
    ErrorOr<std::vector<std::uint8_t>> read_config_bytes(std::uint32_t offset, std::uint32_t size);
    Error write_config8(std::uint32_t offset, std::uint8_t value);
    Error write_config32(std::uint32_t offset, std::uint32_t value);
    std::uint32_t device_config_size() const { return layout_.device ? layout_.device->length : 0; }

    // Call when `vector`'s fd is readable (no_vector: INTx). For INTx, reads
    // the ISR (which lowers the line) and reports its bits; for MSI-X the
    // cause follows from the vector. Then acknowledges it to the platform.
    ErrorOr<InterruptCause> acknowledge_interrupt(std::uint16_t vector);

private:
    PciTransport(Platform& platform, VirtioPciLayout layout, std::uint16_t device_type);

    MmioRegion& common() const { return *layout_.common.bar; }
    std::size_t common_at(std::size_t field) const { return layout_.common.offset + field; }
    void write_status(std::uint8_t value);
    void add_status(std::uint8_t bits);
    void write_common64(std::size_t field, std::uint64_t value);
    Error fail_with(Error error);
    Error configure_config_vector();
    bool config_range_ok(std::uint32_t offset, std::uint32_t size, std::uint32_t alignment) const;
    template <typename Read>
    auto read_config_stable(Read read) -> ErrorOr<decltype(read())>;

    Platform& platform_;
    VirtioPciLayout layout_;
    std::uint16_t device_type_;
    std::uint64_t negotiated_ = 0;
    std::uint16_t config_vector_ = no_vector;
    std::vector<std::unique_ptr<SplitVirtqueue>> queues_;
    std::vector<std::uint16_t> queue_vectors_;
};

}  // namespace tessera::virtio
