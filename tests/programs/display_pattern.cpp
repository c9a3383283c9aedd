// display-pattern: a display-service client for the system tests (Tessera,
// started by devmgr once the virtio-gpu driver serves /run/display.sock).
// It draws gpu_pattern.h's picture into a scanout buffer it maps from the
// service (DMA memory: zero copy) and presents it; then, one step per
// "next" line on stdin: a 64x64 block changed and presented as that rect;
// the cursor image set and moved. Each step prints one line.
//
//   display-pattern [--follow-mode-change] [SOCKET]
//
// --follow-mode-change: after step 1, wait (up to 60 s) for a mode-change
// event (MODES with another current size: the host resized the display),
// draw the pattern into a new buffer of the new size, present it whole and
// free the old buffer, printing "mode changed to WxH" and "resized
// presented WxH"; then the usual steps.
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "display/client.h"
#include "gpu_pattern.h"

namespace {

using namespace tessera;

bool wait_for_next() {
    char line[64];
    return std::fgets(line, sizeof line, stdin) != nullptr;
}

int fail(const std::string& what, const display::Error& error) {
    std::printf("display-pattern: FAIL %s: %s\n", what.c_str(), error.message.c_str());
    return 1;
}

// Presents and waits for PRESENT_COMPLETE.
bool present(display::Client& client, std::uint32_t buffer, const display::Rect& rect) {
    bool complete = false;
    client.on_present_complete = [&](const display::PresentComplete&) { complete = true; };
    if (!client.present(buffer, {&rect, 1})) return false;
    while (!complete) {
        if (!client.dispatch_blocking(5000)) return false;
    }
    return true;
}

// A new buffer of the current mode's size with the pattern in it.
display::Result<display::Buffer> pattern_buffer(display::Client& client) {
    display::Mode mode = client.current_mode();
    auto buffer = client.allocate_buffer(mode.width, mode.height);
    if (!buffer) return buffer;
    display::Buffer& b = buffer.value();
    for (std::uint32_t y = 0; y < b.height; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(reinterpret_cast<std::uint8_t*>(b.pixels) + std::size_t{y} * b.stride);
        for (std::uint32_t x = 0; x < b.width; ++x) row[x] = gpu_pattern::pattern(x, y);
    }
    return buffer;
}

display::Rect whole(const display::Buffer& b) {
    return {0, 0, static_cast<std::int32_t>(b.width), static_cast<std::int32_t>(b.height)};
}

// Waits for MODES whose current mode is not width x height.
bool wait_for_mode_change(display::Client& client, std::uint32_t width, std::uint32_t height) {
    for (int waited = 0; waited < 60; ++waited) {
        display::Mode mode = client.current_mode();
        if (mode.width != width || mode.height != height) return true;
        auto served = client.dispatch_blocking(1000);
        if (!served && served.error().code != display::ErrorCode::timed_out) return false;
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    std::string path = "/run/display.sock";
    bool follow_mode_change = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--follow-mode-change")
            follow_mode_change = true;
        else
            path = argv[i];
    }
    auto connected = display::Client::connect(path);
    if (!connected) return fail("connect", connected.error());
    display::Client& client = connected.value();
    display::Mode mode = client.current_mode();
    std::printf("display-pattern: mode %ux%u\n", mode.width, mode.height);
    auto buffer = pattern_buffer(client);
    if (!buffer) return fail("allocate", buffer.error());
    if (!present(client, buffer.value().id, whole(buffer.value())))
        return std::printf("display-pattern: FAIL present\n"), 1;
    std::printf("display-pattern: step 1 presented\n");
    std::fflush(stdout);

    if (follow_mode_change) {
        if (!wait_for_mode_change(client, mode.width, mode.height))
            return std::printf("display-pattern: FAIL no mode change\n"), 1;
        mode = client.current_mode();
        std::printf("display-pattern: mode changed to %ux%u\n", mode.width, mode.height);
        std::fflush(stdout);
        auto resized = pattern_buffer(client);
        if (!resized) return fail("allocate", resized.error());
        if (!present(client, resized.value().id, whole(resized.value())))
            return std::printf("display-pattern: FAIL present\n"), 1;
        if (!client.free_buffer(buffer.value().id)) return std::printf("display-pattern: FAIL free\n"), 1;
        buffer = std::move(resized);
        std::printf("display-pattern: resized presented %ux%u\n", mode.width, mode.height);
        std::fflush(stdout);
    }
    display::Buffer& b = buffer.value();
    auto row = [&](std::uint32_t y) { return reinterpret_cast<std::uint32_t*>(reinterpret_cast<std::uint8_t*>(b.pixels) + std::size_t{y} * b.stride); };

    wait_for_next();
    for (std::uint32_t y = gpu_pattern::first_y; y < gpu_pattern::first_y + 64; ++y)
        for (std::uint32_t x = gpu_pattern::first_x; x < gpu_pattern::first_x + 64; ++x) row(y)[x] = gpu_pattern::first_colour;
    if (!present(client, b.id, {gpu_pattern::first_x, gpu_pattern::first_y, 64, 64}))
        return std::printf("display-pattern: FAIL present\n"), 1;
    std::printf("display-pattern: step 2 presented\n");
    std::fflush(stdout);

    wait_for_next();
    std::vector<std::uint32_t> cursor(64 * 64, 0xFF000000);
    if (!client.set_cursor(64, 64, 0, 0, cursor)) return std::printf("display-pattern: FAIL cursor\n"), 1;
    for (int i = 1; i <= 4; ++i) {
        if (!client.move_cursor(100 * i, 80 * i)) return std::printf("display-pattern: FAIL move\n"), 1;
    }
    auto stats = client.stats();  // a round trip: everything before it is done
    if (!stats) return fail("stats", stats.error());
    std::printf("display-pattern: step 3 cursor moved\n");
    std::fflush(stdout);

    wait_for_next();
    return 0;
}
