// The test input source: serves the input protocol on the host with three
// devices (a keyboard, a relative mouse with wheel, an absolute tablet
// 0..32767 like QEMU's virtio-tablet), driven by calls from tests or by a
// script (the tessera-test-input program; line format in
// drivers/test-input/README.md).
//
//   auto source = tessera::test_input::Source::start("/tmp/input.sock");
//   source->key(KEY_A, true);
//   source->pointer_absolute(16384, 8192);
//
// start() serves clients on its own thread; every method may be called from
// any thread. Each call sends one frame ending in SYN_REPORT.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include "input/server.h"

namespace tessera::test_input {

using input::Result;

inline constexpr std::int32_t tablet_maximum = 32767;

class Source {
public:
    static Result<std::unique_ptr<Source>> start(const std::string& path);
    ~Source();  // stops serving, removes the socket

    input::Server& server() { return *server_; }
    std::uint32_t keyboard_id() const { return keyboard_; }
    std::uint32_t mouse_id() const { return mouse_; }
    std::uint32_t tablet_id() const { return tablet_; }

    // Keyboard: KEY_* press (down) or release.
    Result<void> key(std::uint16_t code, bool down);
    // Mouse: BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, ...
    Result<void> button(std::uint16_t code, bool down);
    Result<void> pointer_relative(std::int32_t dx, std::int32_t dy);
    // Vertical wheel in detents; positive is away from the user.
    Result<void> wheel(std::int32_t detents);
    // Tablet: x, y in 0..tablet_maximum.
    Result<void> pointer_absolute(std::int32_t x, std::int32_t y);
    // Any frame from any device (SYN_REPORT appended).
    Result<void> frame(std::uint32_t device_id, std::span<const input::InputEvent> events);

    // One script line (README.md); empty lines and # comments do nothing.
    Result<void> run_line(std::string_view line);
    // Every line until end of stream; stops at the first bad line, and the
    // error names its line number.
    Result<void> run_script(std::istream& script);

private:
    Source() = default;

    std::unique_ptr<input::Server> server_;
    std::thread thread_;
    std::uint32_t keyboard_ = 0;
    std::uint32_t mouse_ = 0;
    std::uint32_t tablet_ = 0;
};

}  // namespace tessera::test_input
