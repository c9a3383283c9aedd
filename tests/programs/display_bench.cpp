// display-bench: present latency through the display service (request to
// PRESENT_COMPLETE, which the virtio-gpu driver sends once the fenced
// TRANSFER_TO_HOST_2D + RESOURCE_FLUSH commands completed) for a 64x64
// rectangle and for the full frame, and frames per second for continuous
// full-frame presents alternating two buffers. Run by devmgr in Tessera
// (Bench.VirtioGpuPresent); prints one line per figure.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "display/client.h"

namespace {

using namespace tessera;

double now_us() {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1e6 + now.tv_nsec / 1e3;
}

bool present(display::Client& client, std::uint32_t buffer, const display::Rect& rect) {
    bool complete = false;
    client.on_present_complete = [&](const display::PresentComplete&) { complete = true; };
    if (!client.present(buffer, {&rect, 1})) return false;
    while (!complete) {
        if (!client.dispatch_blocking(10000)) return false;
    }
    return true;
}

void report(const char* name, std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    std::printf("display-bench: %s runs=%zu median_us=%.0f p90_us=%.0f min_us=%.0f\n", name, samples.size(),
                samples[samples.size() / 2], samples[samples.size() * 9 / 10], samples.front());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    auto connected = display::Client::connect(argc > 1 ? argv[1] : "/run/display.sock");
    if (!connected) return std::printf("display-bench: FAIL connect\n"), 1;
    display::Client& client = connected.value();
    display::Mode mode = client.current_mode();
    auto a = client.allocate_buffer(mode.width, mode.height);
    auto b = client.allocate_buffer(mode.width, mode.height);
    if (!a || !b) return std::printf("display-bench: FAIL allocate\n"), 1;
    std::printf("display-bench: mode %ux%u\n", mode.width, mode.height);
    display::Rect full{0, 0, static_cast<std::int32_t>(mode.width), static_cast<std::int32_t>(mode.height)};
    // Both buffers on screen once, so later presents carry no stale copies.
    if (!present(client, a.value().id, full) || !present(client, b.value().id, full) ||
        !present(client, a.value().id, full))
        return std::printf("display-bench: FAIL present\n"), 1;

    std::vector<double> small, large;
    for (int i = 0; i < 200; ++i) {
        a.value().pixels[i] = 0xFF0000u + i;  // the block's first row changes
        double start = now_us();
        if (!present(client, a.value().id, {0, 0, 64, 64})) return 1;
        small.push_back(now_us() - start);
    }
    report("present_64x64", small);
    for (int i = 0; i < 30; ++i) {
        double start = now_us();
        if (!present(client, a.value().id, full)) return 1;
        large.push_back(now_us() - start);
    }
    report(("present_full_" + std::to_string(mode.width) + "x" + std::to_string(mode.height)).c_str(), large);

    int frames = 0;
    double start = now_us();
    while (now_us() - start < 5e6) {
        const display::Buffer& buffer = frames % 2 ? b.value() : a.value();
        buffer.pixels[frames % 1024] = 0x00FF00u + frames;
        if (!present(client, buffer.id, full)) return 1;
        ++frames;
    }
    double seconds = (now_us() - start) / 1e6;
    std::printf("display-bench: full_frame_fps=%.1f frames=%d seconds=%.2f\n", frames / seconds, frames, seconds);
    return 0;
}
