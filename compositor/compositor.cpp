#include "compositor.h"

#include "render/damage_merge.h"

#include <wayland-server-protocol.h>

#include <algorithm>
#include <ctime>

namespace tessera::ui {

namespace {

uint32_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint32_t(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

void send_done_and_destroy(wl_list* list) {
    uint32_t time = now_ms();
    wl_resource *resource, *next;
    wl_resource_for_each_safe(resource, next, list) {
        wl_callback_send_done(resource, time);
        wl_resource_destroy(resource);  // its destroy handler unlinks it
    }
}

}  // namespace

Compositor::Compositor(wl_event_loop* loop, Display& display, SceneSource& scene)
    : loop_(loop), display_(display), scene_(scene), buffer_frame_(size_t(display.buffer_count()), 0) {
    wl_list_init(&queued_callbacks_);
    wl_list_init(&inflight_callbacks_);
    damage_all();
}

Compositor::~Compositor() {
    if (idle_source_) wl_event_source_remove(idle_source_);
    // Unlink callbacks still queued; their resources die with their clients.
    wl_resource *resource, *next;
    wl_resource_for_each_safe(resource, next, &queued_callbacks_) {
        wl_list_remove(wl_resource_get_link(resource));
        wl_list_init(wl_resource_get_link(resource));
    }
    wl_resource_for_each_safe(resource, next, &inflight_callbacks_) {
        wl_list_remove(wl_resource_get_link(resource));
        wl_list_init(wl_resource_get_link(resource));
    }
}

void Compositor::damage(const Region& output_region) {
    Region clipped = output_region;
    clipped.intersect(Rect{0, 0, display_.size().width, display_.size().height});
    if (clipped.empty()) return;
    damage_.unite(clipped);
    schedule_repaint();
}

void Compositor::damage_all() {
    damage(Rect{0, 0, display_.size().width, display_.size().height});
}

void Compositor::forget_buffer_contents() {
    std::fill(buffer_frame_.begin(), buffer_frame_.end(), 0);
    history_.reset();
    damage_all();
}

void Compositor::output_resized() {
    buffer_frame_.assign(size_t(display_.buffer_count()), 0);
    next_buffer_ = 0;
    front_ = -1;
    history_.reset();
    damage_.clear();
    damage_all();
}

void Compositor::schedule_repaint() {
    if (state_ != State::Idle || idle_source_) return;
    idle_source_ = wl_event_loop_add_idle(loop_, &Compositor::on_idle, this);
}

void Compositor::on_idle(void* data) {
    auto* self = static_cast<Compositor*>(data);
    self->idle_source_ = nullptr;
    self->repaint();
}

void Compositor::add_frame_callback(wl_resource* callback) {
    wl_list_insert(queued_callbacks_.prev, wl_resource_get_link(callback));
    schedule_repaint();
}

pixman_image_t* Compositor::front_buffer() {
    return front_ < 0 ? nullptr : display_.buffer(front_);
}

void Compositor::diff_layers(const std::vector<SceneLayer>& layers) {
    std::unordered_map<const void*, Rect> current;
    current.reserve(layers.size());
    for (const SceneLayer& layer : layers) {
        current[layer.key] = layer.bounds;
        auto it = previous_bounds_.find(layer.key);
        if (it == previous_bounds_.end()) {
            damage_.unite(layer.bounds);
        } else if (!(it->second == layer.bounds)) {
            damage_.unite(it->second);
            damage_.unite(layer.bounds);
        }
    }
    for (const auto& [key, bounds] : previous_bounds_) {
        if (!current.count(key)) damage_.unite(bounds);
    }
    previous_bounds_ = std::move(current);
}

void Compositor::repaint() {
    if (state_ != State::Idle) return;
    std::vector<SceneLayer> layers;
    scene_.collect_layers(layers);
    diff_layers(layers);
    Rect full{0, 0, display_.size().width, display_.size().height};
    damage_.intersect(full);
    if (damage_.empty() && wl_list_empty(&queued_callbacks_)) return;

    ++frame_;
    int index = next_buffer_;
    next_buffer_ = (next_buffer_ + 1) % display_.buffer_count();
    uint64_t last = buffer_frame_[size_t(index)];
    unsigned age = last == 0 ? 0 : unsigned(frame_ - last);
    Region repaint_region = history_.accumulated(age, full);
    repaint_region.unite(damage_);

    std::vector<RenderLayer> render_layers;
    render_layers.reserve(layers.size());
    for (SceneLayer& layer : layers) render_layers.push_back({layer.bounds, std::move(layer.opaque), layer.image});
    // Render whole merged rectangles: they are what the display copies, and
    // every pixel in them must be right in this buffer.
    std::vector<Rect> rects = merge_damage(repaint_region);
    Region painted = Region::from_rects(rects);
    renderer_.render(display_.buffer(index), render_layers, painted);

    std::vector<Rect> present_rects = merge_damage(damage_);
    history_.push(Region::from_rects(present_rects));
    buffer_frame_[size_t(index)] = frame_;
    ++stats_.frames;
    stats_.damaged_pixels += damage_.area();
    for (const Rect& r : present_rects) stats_.presented_pixels += r.area();
    damage_.clear();

    wl_list_insert_list(inflight_callbacks_.prev, &queued_callbacks_);
    wl_list_init(&queued_callbacks_);
    state_ = State::WaitingForPresent;
    front_ = index;
    display_.present(index, present_rects, [this] { present_done(); });
}

void Compositor::present_done() {
    state_ = State::Idle;
    send_done_and_destroy(&inflight_callbacks_);
    // Look once more even without known damage: layers may have moved
    // while this frame was on its way (the diff finds that), and repaint()
    // returns at once when nothing changed.
    schedule_repaint();
}

}  // namespace tessera::ui
