// One virtio-input device (virtio 1.2, section 5.8): identity and supported
// events from the config space, the event queue kept full of 8-byte
// buffers, and events grouped into frames at SYN_REPORT.
#pragma once

#include <memory>
#include <vector>

#include "input/protocol.h"
#include "virtio/platform.h"
#include "virtio/transport.h"

namespace tessera::virtio_input {

class InputDevice {
public:
    static virtio::ErrorOr<std::unique_ptr<InputDevice>> open(virtio::Platform& platform);
    ~InputDevice();

    // Name, ids, properties, event types, keys, relative and absolute axes.
    const input::DeviceInfo& info() const { return info_; }
    // Readable when events arrived (-1 without MSI-X: poll then).
    int interrupt_fd() const;
    // Takes the events the device wrote, re-posts their buffers and returns
    // every frame completed by a SYN_REPORT (without it; the server adds it).
    virtio::ErrorOr<std::vector<std::vector<input::InputEvent>>> take_frames();

private:
    InputDevice(virtio::Platform& platform, std::unique_ptr<virtio::PciTransport> transport)
        : platform_(platform), transport_(std::move(transport)) {}
    virtio::Error initialise();
    virtio::Error read_info();
    virtio::ErrorOr<std::vector<std::uint8_t>> select(std::uint8_t select, std::uint8_t subsel);
    virtio::Error post(std::uint32_t slot);

    virtio::Platform& platform_;
    std::unique_ptr<virtio::PciTransport> transport_;
    virtio::SplitVirtqueue* events_ = nullptr;
    virtio::DmaRegion buffers_;
    std::uint32_t slots_ = 0;
    input::DeviceInfo info_;
    std::vector<input::InputEvent> partial_;  // the frame being collected
};

}  // namespace tessera::virtio_input
