// The headless display: serves the display protocol on the host with plain
// shared memory (memfd) and keeps the screen as an image in memory, so
// tests and screenshots see exactly what was presented: pixels outside the
// presented damage keep their old values, as on a real scanout.
//
//   auto display = tessera::headless::Display::start("/tmp/display.sock", {{1024, 768, 60000}});
//   ... a compositor connects and presents ...
//   display->write_png("shot.png");
//
// start() serves clients on its own thread; every method may be called from
// any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "display/server.h"

namespace tessera::headless {

using display::Result;

// A copy of the screen: width x height XRGB8888, stride width * 4.
struct Screenshot {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::vector<std::uint32_t> pixels;
    std::uint32_t at(std::uint32_t x, std::uint32_t y) const { return pixels[std::size_t{y} * width + x]; }
};

struct CursorState {
    display::CursorImage image;  // width 0: hidden
    std::int32_t x = 0;          // hotspot position on the screen
    std::int32_t y = 0;
};

class HeadlessDevice;

class Display {
public:
    // modes: the list offered (non-empty); the first is current.
    static Result<std::unique_ptr<Display>> start(const std::string& path, std::vector<display::Mode> modes);
    ~Display();

    display::Server& server() { return *server_; }
    Screenshot screenshot(bool with_cursor = false) const;
    CursorState cursor() const;
    display::Stats stats() const { return server_->stats(); }
    Result<void> write_png(const std::string& path, bool with_cursor = false) const;
    // As if the host resized the output: adds mode when new, makes it current,
    // clears the screen to black and tells every client.
    Result<void> change_mode(display::Mode mode);

private:
    Display() = default;

    std::unique_ptr<HeadlessDevice> device_;
    std::unique_ptr<display::Server> server_;
    std::thread thread_;
};

// Encodes width x height XRGB8888 (stride in bytes) as an RGB PNG into fd.
Result<void> write_png(int fd, std::uint32_t width, std::uint32_t height, const std::uint32_t* pixels,
                       std::uint32_t stride);

}  // namespace tessera::headless
