// Compose + present cost of uiserver's Compositor for typical frames, and
// pixels presented per pixel changed (counter "presented_per_changed").
//
// The scene is a 1920x1080 desktop with three overlapping windows, one of
// them terminal-sized, and a 16x24 software cursor layer. The display
// completes presents at once, so the figures are the compositor's own cost
// (diff, occlusion, Pixman, damage merging), not a display's.
#include "compositor.h"

#include <benchmark/benchmark.h>
#include <wayland-server-core.h>

#include <memory>
#include <vector>

using namespace tessera::ui;

namespace {

class InstantDisplay final : public Display {
public:
    explicit InstantDisplay(Size size) : size_(size) {
        for (int i = 0; i < 2; ++i)
            images_.push_back(pixman_image_create_bits(PIXMAN_x8r8g8b8, size.width, size.height, nullptr, 0));
    }
    ~InstantDisplay() override {
        for (auto* i : images_) pixman_image_unref(i);
    }
    Size size() const override { return size_; }
    int buffer_count() const override { return 2; }
    pixman_image_t* buffer(int index) override { return images_[size_t(index)]; }
    void present(int, const std::vector<Rect>& damage, std::function<void()> done) override {
        for (const Rect& r : damage) presented += r.area();
        done();
    }
    void set_cursor(const std::vector<uint32_t>&, Size, Point) override {}
    void move_cursor(Point) override {}
    int64_t presented = 0;

private:
    Size size_;
    std::vector<pixman_image_t*> images_;
};

pixman_image_t* solid(pixman_format_code_t format, int w, int h, uint32_t argb) {
    pixman_image_t* image = pixman_image_create_bits(format, w, h, nullptr, 0);
    uint32_t* p = pixman_image_get_data(image);
    for (int i = 0; i < w * h; ++i) p[i] = argb;
    return image;
}

struct Scene : SceneSource {
    struct Item {
        Rect bounds;
        bool opaque;
        pixman_image_t* image;
    };
    std::vector<Item> items;
    void collect_layers(std::vector<SceneLayer>& out) override {
        for (Item& i : items) out.push_back({&i, i.bounds, i.opaque ? Region(i.bounds) : Region(), i.image});
    }
    ~Scene() override {
        for (Item& i : items) pixman_image_unref(i.image);
    }
};

struct Fixture {
    wl_event_loop* loop = wl_event_loop_create();
    InstantDisplay display{{1920, 1080}};
    Scene scene;
    std::unique_ptr<Compositor> compositor;
    Fixture() {
        scene.items.push_back({{100, 80, 1200, 800}, true, solid(PIXMAN_x8r8g8b8, 1200, 800, 0xff3050d0)});
        scene.items.push_back({{600, 300, 1000, 700}, false, solid(PIXMAN_a8r8g8b8, 1000, 700, 0xc0202020)});
        // The terminal: 80x24 cells of 9x18 pixels.
        scene.items.push_back({{300, 200, 720, 432}, true, solid(PIXMAN_x8r8g8b8, 720, 432, 0xff101010)});
        scene.items.push_back({{960, 540, 16, 24}, false, solid(PIXMAN_a8r8g8b8, 16, 24, 0xff000000)});
        compositor = std::make_unique<Compositor>(loop, display, scene);
        compositor->repaint_now();  // the first, full frame
        // Prime the second buffer's history as well.
        compositor->damage_all();
        compositor->repaint_now();
    }
    ~Fixture() {
        compositor.reset();
        wl_event_loop_destroy(loop);
    }
    void report(benchmark::State& state, int64_t presented_before, int64_t damaged_before) {
        int64_t presented = compositor->stats().presented_pixels - presented_before;
        int64_t damaged = compositor->stats().damaged_pixels - damaged_before;
        state.counters["presented_per_changed"] = damaged ? double(presented) / double(damaged) : 0.0;
        state.counters["presented_px_per_frame"] =
            benchmark::Counter(double(presented), benchmark::Counter::kAvgIterations);
    }
};

void BM_PointerMove(benchmark::State& state) {
    Fixture f;
    auto p0 = f.compositor->stats().presented_pixels, d0 = f.compositor->stats().damaged_pixels;
    int step = 0;
    for (auto _ : state) {
        Rect& cursor = f.scene.items.back().bounds;
        cursor.x = 960 + (step % 200);
        cursor.y = 540 + (step % 100);
        ++step;
        f.compositor->schedule_repaint();
        f.compositor->repaint_now();
    }
    f.report(state, p0, d0);
}
BENCHMARK(BM_PointerMove);

void BM_TypeOneCharacterInTerminal(benchmark::State& state) {
    Fixture f;
    auto p0 = f.compositor->stats().presented_pixels, d0 = f.compositor->stats().damaged_pixels;
    int cell = 0;
    for (auto _ : state) {
        // One 9x18 cell of the terminal changes, as a commit with that damage.
        Rect terminal = f.scene.items[2].bounds;
        int column = cell % 80, row = (cell / 80) % 24;
        ++cell;
        f.compositor->damage(Rect{terminal.x + column * 9, terminal.y + row * 18, 9, 18});
        f.compositor->repaint_now();
    }
    f.report(state, p0, d0);
}
BENCHMARK(BM_TypeOneCharacterInTerminal);

void BM_FullRepaint1920x1080(benchmark::State& state) {
    Fixture f;
    auto p0 = f.compositor->stats().presented_pixels, d0 = f.compositor->stats().damaged_pixels;
    for (auto _ : state) {
        f.compositor->damage_all();
        f.compositor->repaint_now();
    }
    f.report(state, p0, d0);
}
BENCHMARK(BM_FullRepaint1920x1080);

void BM_ScatteredSmallDamage(benchmark::State& state) {
    // 200 scattered 4x4 changes per frame: the rectangle cap merges them.
    Fixture f;
    auto p0 = f.compositor->stats().presented_pixels, d0 = f.compositor->stats().damaged_pixels;
    int frame = 0;
    for (auto _ : state) {
        Region damage;
        for (int i = 0; i < 200; ++i)
            damage.unite(Rect{(i * 97 + frame * 13) % 1900, (i * 53 + frame * 7) % 1060, 4, 4});
        ++frame;
        f.compositor->damage(damage);
        f.compositor->repaint_now();
    }
    f.report(state, p0, d0);
}
BENCHMARK(BM_ScatteredSmallDamage);

}  // namespace

BENCHMARK_MAIN();
