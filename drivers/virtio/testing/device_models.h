// Small device models on top of FakeVirtioDevice, enough to drive the
// library the way the real drivers will: a request/response device (echo),
// the control queue of virtio-gpu answering GET_DISPLAY_INFO, and the event
// queue of virtio-input filling device-writable buffers with events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fake_device.h"
#include "virtio/gpu_spec.h"

namespace tessera::virtio::testing {

// Every request on every queue is answered by copying its readable bytes
// into its writable buffers.
void install_echo(FakeVirtioDevice& device);

// virtio-gpu (specification 5.7), control queue 0, cursor queue 1: the
// layouts are the driver's (gpu_spec.h).
namespace gpu = virtio::gpu;

class FakeGpu {
public:
    // Options' type, features and queues are set here.
    explicit FakeGpu(FakePlatform& platform, FakeVirtioDevice::Options options = {});
    FakeVirtioDevice& device() { return device_; }
    // Scanout 0's mode; a change raises a display event (config interrupt).
    void set_display(std::uint32_t width, std::uint32_t height);
    int requests() const { return requests_; }

private:
    void handle(std::uint16_t queue);
    FakeVirtioDevice device_;
    std::uint32_t width_ = 1024, height_ = 768;
    int requests_ = 0;
};

// virtio-input (specification 5.8), event queue 0, status queue 1.
namespace input {
inline constexpr std::uint8_t cfg_id_name = 0x01;
inline constexpr std::uint32_t config_select = 0;
inline constexpr std::uint32_t config_subsel = 1;
inline constexpr std::uint32_t config_size = 2;
inline constexpr std::uint32_t config_data = 8;
struct Event {
    std::uint16_t type;
    std::uint16_t code;
    std::uint32_t value;
};
static_assert(sizeof(Event) == 8);
}  // namespace input

class FakeInput {
public:
    FakeInput(FakePlatform& platform, std::string name, FakeVirtioDevice::Options options = {});
    FakeVirtioDevice& device() { return device_; }
    // Writes one event into the next buffer the driver posted. False (and
    // the event counted as dropped) when the driver has posted none.
    bool post_event(std::uint16_t type, std::uint16_t code, std::uint32_t value);
    int dropped() const { return dropped_; }

private:
    void select(std::uint32_t offset);
    FakeVirtioDevice device_;
    std::string name_;
    int dropped_ = 0;
};

}  // namespace tessera::virtio::testing
