// Compositor: turns damage into presented frames.
//
// It owns no windows. Each repaint it asks its SceneSource for the layers
// (bottom to top), diffs their bounds against the previous frame (a layer
// that moved, appeared, vanished or resized damages both places), adds the
// scanout buffer's own age damage, renders only that with Pixman and presents
// it with at most kMaxPresentRects rectangles. Frame callbacks committed
// before a render are answered when the display completes that present, so
// clients draw at the display's pace and never faster.
#pragma once

#include "output/display.h"
#include "render/damage_history.h"
#include "render/renderer.h"

#include <wayland-server-core.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace tessera::ui {

struct SceneLayer {
    const void* key;        // identity across frames (a surface, a decoration)
    Rect bounds;            // output coordinates
    Region opaque;          // output coordinates
    pixman_image_t* image;  // not owned
};

class SceneSource {
public:
    virtual ~SceneSource() = default;
    virtual void collect_layers(std::vector<SceneLayer>& bottom_to_top) = 0;
};

struct CompositorStats {
    uint64_t frames = 0;
    int64_t damaged_pixels = 0;    // what the scene said changed
    int64_t presented_pixels = 0;  // what was sent to the display
};

class Compositor {
public:
    Compositor(wl_event_loop* loop, Display& display, SceneSource& scene);
    ~Compositor();
    Compositor(const Compositor&) = delete;
    Compositor& operator=(const Compositor&) = delete;

    void damage(const Region& output_region);
    void damage(const Rect& output_rect) { damage(Region(output_rect)); }
    void damage_all();
    void schedule_repaint();
    // The scanout buffers were replaced (the display service reconnected):
    // nothing in them can be trusted, repaint everything.
    void forget_buffer_contents();
    // The display's size changed (its buffers were reallocated).
    void output_resized();

    // Takes a wl_callback resource; its done event is sent after the next
    // present completes.
    void add_frame_callback(wl_resource* callback);

    // The buffer the display shows (nullptr before the first present).
    pixman_image_t* front_buffer();
    Size size() const { return display_.size(); }
    Display& display() { return display_; }
    const CompositorStats& stats() const { return stats_; }
    // True when nothing is rendered, waiting to be presented or scheduled.
    bool idle() const { return state_ == State::Idle && !idle_source_; }

    // Renders and presents now if anything is pending (benchmarks, tests).
    void repaint_now() { repaint(); }

private:
    enum class State { Idle, WaitingForPresent };

    static void on_idle(void* data);
    void repaint();
    void present_done();
    void diff_layers(const std::vector<SceneLayer>& layers);

    wl_event_loop* loop_;
    Display& display_;
    SceneSource& scene_;
    Renderer renderer_;
    DamageHistory history_;
    Region damage_;
    State state_ = State::Idle;
    wl_event_source* idle_source_ = nullptr;
    std::vector<uint64_t> buffer_frame_;  // frame each buffer last received (0: never)
    uint64_t frame_ = 0;
    int next_buffer_ = 0;
    int front_ = -1;
    std::unordered_map<const void*, Rect> previous_bounds_;
    wl_list queued_callbacks_;    // committed, not yet rendered
    wl_list inflight_callbacks_;  // rendered, waiting for the present
    CompositorStats stats_;
};

}  // namespace tessera::ui
