// Present latency through the headless display on the host (request to
// PRESENT_COMPLETE, both processes' work included): the baseline the
// virtio-gpu figures under KVM will be compared with.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

#include "display/client.h"
#include "headless_display/headless_display.h"

namespace {

using namespace tessera;

struct Session {
    std::string path = "/tmp/tessera-present-bench-" + std::to_string(::getpid()) + ".sock";
    std::unique_ptr<headless::Display> display;
    std::unique_ptr<display::Client> client;
    display::Buffer buffer;

    Session() {
        auto started = headless::Display::start(path, {{1920, 1080, 60000}});
        if (!started) std::abort();
        display = std::move(*started);
        auto connected = display::Client::connect(path);
        if (!connected) std::abort();
        client = std::make_unique<display::Client>(std::move(*connected));
        auto allocated = client->allocate_buffer(1920, 1080);
        if (!allocated) std::abort();
        buffer = *allocated;
    }

    void present_and_wait(const display::Rect& rect) {
        bool done = false;
        client->on_present_complete = [&](const display::PresentComplete&) { done = true; };
        if (!client->present(buffer.id, {&rect, 1})) std::abort();
        while (!done)
            if (!client->dispatch_blocking(5000)) std::abort();
    }
};

void present(benchmark::State& state, display::Rect rect) {
    Session session;
    std::uint32_t colour = 0;
    for (auto _ : state) {
        // Touch the damaged pixels, as a compositor would.
        for (std::int32_t y = rect.y; y < rect.y + rect.height; ++y)
            session.buffer.pixels[std::size_t(y) * session.buffer.stride / 4 + rect.x] = ++colour;
        session.present_and_wait(rect);
    }
    state.counters["pixels/s"] =
        benchmark::Counter(double(rect.width) * rect.height * double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Present64x64(benchmark::State& state) {
    present(state, {100, 100, 64, 64});
}
void BM_PresentFullFrame1920x1080(benchmark::State& state) {
    present(state, {0, 0, 1920, 1080});
}

BENCHMARK(BM_Present64x64)->UseRealTime();
BENCHMARK(BM_PresentFullFrame1920x1080)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
