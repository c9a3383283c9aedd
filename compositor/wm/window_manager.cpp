#include "wm/window_manager.h"

#include "protocol/surface.h"
#include "wm/decorations.h"

#include <algorithm>

namespace tessera::ui {

namespace {
// Cascading placement: each new window 32 px right and down of the last,
// wrapping when it would leave the screen.
constexpr int kCascadeStep = 32;
constexpr int kCascadeOrigin = 48;
}  // namespace

WindowManager::WindowManager() = default;
WindowManager::~WindowManager() = default;

WindowManager::Entry* WindowManager::find(const Window& window) {
    for (Entry& e : stack_)
        if (e.window == &window) return &e;
    return nullptr;
}

const WindowManager::Entry* WindowManager::find(const Window& window) const {
    for (const Entry& e : stack_)
        if (e.window == &window) return &e;
    return nullptr;
}

Rect WindowManager::frame_of(const Window& window) const {
    const Entry* e = find(window);
    if (!e) return {};
    Rect g = window.geometry();
    Rect content{e->position.x, e->position.y, g.width, g.height};
    return decorations_ && !e->fullscreen ? decorations_->frame_for(content) : content;
}

Point WindowManager::surface_origin(const Entry& entry) const {
    Rect g = entry.window->geometry();
    return {entry.position.x - g.x, entry.position.y - g.y};
}

void WindowManager::damage_frame(const Entry& entry) {
    if (!compositor_ || !entry.mapped || entry.minimized) return;
    Region r(frame_of(*entry.window));
    // Popups and subsurfaces may stick out of the frame; the layer diff
    // covers them when they move, so only the frame is needed here.
    compositor_->damage(r);
}

void WindowManager::window_created(Window& window) {
    Entry entry;
    entry.window = &window;
    entry.id = next_id_++;
    stack_.push_back(entry);
}

void WindowManager::place_new(Entry& entry) {
    Rect g = entry.window->geometry();
    Rect area = usable_area();
    int title = decorations_ ? decorations_->title_height() : 0;
    int x = area.x + kCascadeOrigin + kCascadeStep * placed_;
    int y = area.y + kCascadeOrigin + title + kCascadeStep * placed_;
    if (x + g.width > area.right() || y + g.height > area.bottom()) {
        placed_ = 0;
        x = area.x + kCascadeOrigin;
        y = area.y + kCascadeOrigin + title;
    }
    ++placed_;
    entry.position = {x, y};
}

void WindowManager::window_mapped(Window& window) {
    // Whatever happens below, the window list may have changed (it diffs).
    notify_changed();
    Entry* e = find(window);
    if (!e || e->mapped) return;
    e->mapped = true;
    if (!e->fullscreen) place_new(*e);
    focus(&window);
}

void WindowManager::window_unmapped(Window& window) {
    notify_changed();
    Entry* e = find(window);
    if (!e || !e->mapped) return;
    damage_frame(*e);
    e->mapped = false;
    if (focused_ == &window) {
        focused_ = nullptr;
        focus_topmost();
    }
}

void WindowManager::window_destroyed(Window& window) {
    notify_changed();
    Entry* e = find(window);
    if (!e) return;
    damage_frame(*e);
    if (decorations_) decorations_->forget(window);
    stack_.erase(stack_.begin() + (e - stack_.data()));
    if (focused_ == &window) {
        focused_ = nullptr;
        focus_topmost();
    }
}

void WindowManager::window_title_changed(Window& window) {
    notify_changed();
    if (Entry* e = find(window)) {
        if (decorations_) decorations_->invalidate(window);
        damage_frame(*e);
    }
}

void WindowManager::send_state(Entry& entry, Size size) {
    entry.activated_sent = focused_ == entry.window;
    entry.window->send_configure(size, entry.activated_sent, entry.maximized, entry.fullscreen);
}

void WindowManager::focus(Window* window) {
    if (window) {
        Entry* e = find(*window);
        if (!e || !e->mapped || e->minimized) return;
        raise(*window);
    }
    if (focused_ == window) return;
    Window* previous = focused_;
    focused_ = window;
    if (focus_listener_) focus_listener_();
    notify_changed();
    for (Entry& e : stack_) {
        if (e.window == previous || e.window == window) {
            if (decorations_) decorations_->invalidate(*e.window);
            damage_frame(e);
            if (e.mapped)
                send_state(e, e.maximized || e.fullscreen
                                  ? Size{e.window->geometry().width, e.window->geometry().height}
                                  : Size{});
        }
    }
}

void WindowManager::focus_topmost() {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
        if (it->mapped && !it->minimized) {
            focus(it->window);
            return;
        }
    }
    focus(nullptr);
}

void WindowManager::raise(Window& window) {
    Entry* e = find(window);
    if (!e || e == &stack_.back()) return;
    Entry moved = *e;
    stack_.erase(stack_.begin() + (e - stack_.data()));
    stack_.push_back(moved);
    // Raising only changes what is visible inside the raised window.
    damage_frame(stack_.back());
}

void WindowManager::minimize(Window& window) {
    notify_changed();
    Entry* e = find(window);
    if (!e || e->minimized) return;
    damage_frame(*e);
    e->minimized = true;
    if (focused_ == &window) {
        focused_ = nullptr;
        focus_topmost();
    }
}

void WindowManager::restore(Window& window) {
    notify_changed();
    Entry* e = find(window);
    if (!e) return;
    if (e->minimized) {
        e->minimized = false;
        damage_frame(*e);
    }
    focus(&window);
}

void WindowManager::set_maximized(Window& window, bool maximized) {
    notify_changed();
    Entry* e = find(window);
    if (!e || e->maximized == maximized) return;
    damage_frame(*e);
    e->maximized = maximized;
    if (maximized) {
        e->restore_frame = frame_of(window);
        int title = decorations_ ? decorations_->title_height() : 0;
        int border = decorations_ ? decorations_->border_width() : 0;
        Rect area = usable_area();
        e->position = {area.x + border, area.y + title + border};
        send_state(*e, {area.width - 2 * border, area.height - title - 2 * border});
    } else {
        Rect f = e->restore_frame;
        int title = decorations_ ? decorations_->title_height() : 0;
        int border = decorations_ ? decorations_->border_width() : 0;
        e->position = {f.x + border, f.y + title + border};
        send_state(*e, {f.width - 2 * border, f.height - title - 2 * border});
    }
}

void WindowManager::set_fullscreen(Window& window, bool fullscreen) {
    notify_changed();
    Entry* e = find(window);
    if (!e || e->fullscreen == fullscreen) return;
    damage_frame(*e);
    if (fullscreen) {
        if (!e->maximized) e->restore_frame = frame_of(window);
        e->fullscreen = true;
        e->position = {0, 0};
        send_state(*e, output_size_);
        raise(window);
    } else {
        e->fullscreen = false;
        if (e->maximized) {
            e->maximized = false;
            Rect restore = e->restore_frame;
            set_maximized(window, true);
            e->restore_frame = restore;
            return;
        }
        Rect f = e->restore_frame;
        int title = decorations_ ? decorations_->title_height() : 0;
        int border = decorations_ ? decorations_->border_width() : 0;
        e->position = {f.x + border, f.y + title + border};
        send_state(*e, {f.width - 2 * border, f.height - title - 2 * border});
    }
}

void WindowManager::relayout_maximized() {
    for (Entry& e : stack_) {
        if (e.fullscreen) {
            send_state(e, output_size_);
            continue;
        }
        if (!e.maximized) continue;
        Rect restore = e.restore_frame;
        e.maximized = false;
        set_maximized(*e.window, true);
        e.restore_frame = restore;
    }
}

void WindowManager::toggle_maximized(Window& window) {
    if (const Entry* e = find(window)) set_maximized(window, !e->maximized);
}

void WindowManager::request_size(Window& window, Size size, uint32_t edges) {
    Entry* e = find(window);
    if (!e || e->maximized) return;
    e->resize_edges = edges;
    send_state(*e, size);
}

uint32_t WindowManager::edges_at(const Window& window, Point p) const {
    // xdg_toplevel.resize_edge bits: top 1, bottom 2, left 4, right 8. The
    // border is thin, so the grab area reaches kResizeMargin px outside the
    // frame, and near a corner both edges move.
    constexpr int kGrab = 2, kCorner = 16;
    Rect f = frame_of(window);
    uint32_t edges = 0;
    if (p.y < f.y + kGrab) edges |= 1;
    if (p.y >= f.bottom() - kGrab) edges |= 2;
    if (p.x < f.x + kGrab) edges |= 4;
    if (p.x >= f.right() - kGrab) edges |= 8;
    if (edges & (4 | 8)) {
        if (p.y < f.y + kCorner)
            edges |= 1;
        else if (p.y >= f.bottom() - kCorner)
            edges |= 2;
    }
    if (edges & (1 | 2)) {
        if (p.x < f.x + kCorner)
            edges |= 4;
        else if (p.x >= f.right() - kCorner)
            edges |= 8;
    }
    return edges;
}

Rect WindowManager::grab_area(const Entry& e) const {
    Rect f = frame_of(*e.window);
    if (!decorations_ || e.fullscreen || e.maximized) return f;
    return {f.x - kResizeMargin, f.y - kResizeMargin, f.width + 2 * kResizeMargin, f.height + 2 * kResizeMargin};
}

void WindowManager::close(Window& window) {
    window.send_close();
}

void WindowManager::move_to(Window& window, Point frame_origin) {
    Entry* e = find(window);
    if (!e) return;
    Rect frame = frame_of(window);
    e->position.x += frame_origin.x - frame.x;
    e->position.y += frame_origin.y - frame.y;
    if (compositor_) compositor_->schedule_repaint();  // the layer diff damages old and new place
}

std::vector<WindowInfo> WindowManager::list_windows() const {
    std::vector<WindowInfo> out;
    for (const Entry& e : stack_) {
        if (!e.mapped) continue;
        out.push_back({e.id, e.window->title(), e.window->app_id(), frame_of(*e.window), focused_ == e.window,
                       e.minimized, e.maximized, e.fullscreen});
    }
    return out;
}

Window* WindowManager::window_by_id(uint32_t id) const {
    for (const Entry& e : stack_)
        if (e.id == id) return e.window;
    return nullptr;
}

void WindowManager::layer_surface_mapped(LayerSurface& surface) {
    if (std::find(layer_surfaces_.begin(), layer_surfaces_.end(), &surface) == layer_surfaces_.end())
        layer_surfaces_.push_back(&surface);
    if (compositor_) compositor_->schedule_repaint();
    if (surface.rules().exclusive_zone > 0) relayout_maximized();
    layer_keyboard_changed();
}

void WindowManager::layer_surface_unmapped(LayerSurface& surface) {
    layer_surfaces_.erase(std::remove(layer_surfaces_.begin(), layer_surfaces_.end(), &surface), layer_surfaces_.end());
    if (compositor_) compositor_->schedule_repaint();
    if (surface.rules().exclusive_zone > 0) relayout_maximized();
    layer_keyboard_changed();
}

Surface* WindowManager::keyboard_layer_surface() const {
    Surface* best = nullptr;
    uint32_t best_layer = 0;
    for (const LayerSurface* s : layer_surfaces_) {
        if (s->layer() >= 2 && s->rules().keyboard_interactive && s->surface() && s->layer() >= best_layer) {
            best = s->surface();
            best_layer = s->layer();
        }
    }
    return best;
}

void WindowManager::layer_keyboard_changed() {
    if (focus_listener_) focus_listener_();
}

Rect WindowManager::layer_bounds(const LayerSurface& surface) const {
    return arrange_layer_surface(surface.rules(), output_size_);
}

Rect WindowManager::usable_area() const {
    std::vector<LayerRules> rules;
    for (const LayerSurface* s : layer_surfaces_) rules.push_back(s->rules());
    return ::tessera::ui::usable_area(output_size_, rules);
}

void WindowManager::add_layer_surfaces(uint32_t layer, std::vector<SceneLayer>& out) {
    for (LayerSurface* s : layer_surfaces_) {
        if (s->layer() != layer || !s->surface() || !s->surface()->has_content()) continue;
        Rect b = layer_bounds(*s);
        add_surface_tree(*s->surface(), {b.x, b.y}, out);
    }
}

void WindowManager::popup_mapped(Popup& popup) {
    if (std::find(popups_.begin(), popups_.end(), &popup) == popups_.end()) popups_.push_back(&popup);
    if (compositor_) compositor_->schedule_repaint();
}

void WindowManager::popup_destroyed(Popup& popup) {
    popups_.erase(std::remove(popups_.begin(), popups_.end(), &popup), popups_.end());
    if (compositor_) compositor_->schedule_repaint();
}

void WindowManager::subsurface_added(const SubsurfaceLink& link) {
    subsurfaces_.push_back(link);
    if (compositor_) compositor_->schedule_repaint();
}

void WindowManager::subsurface_changed(const SubsurfaceLink& link) {
    for (SubsurfaceLink& s : subsurfaces_)
        if (s.surface == link.surface) s = link;
    if (compositor_) compositor_->schedule_repaint();
}

void WindowManager::subsurface_removed(Surface& surface) {
    subsurfaces_.erase(std::remove_if(subsurfaces_.begin(), subsurfaces_.end(),
                                      [&](const SubsurfaceLink& s) { return s.surface == &surface; }),
                       subsurfaces_.end());
    if (compositor_) compositor_->schedule_repaint();
}

void WindowManager::apply_cached_children(Surface& parent) {
    std::vector<Surface*> children;
    for (const SubsurfaceLink& s : subsurfaces_)
        if (s.parent == &parent) children.push_back(s.surface);
    // Applying may destroy nothing, but it may re-enter for grandchildren,
    // which only reads subsurfaces_.
    for (Surface* child : children) child->parent_applied();
}

bool WindowManager::is_ancestor(const Surface* ancestor, const Surface* surface) const {
    for (int depth = 0; surface && depth < 64; ++depth) {
        if (surface == ancestor) return true;
        const Surface* parent = nullptr;
        for (const SubsurfaceLink& s : subsurfaces_)
            if (s.surface == surface) parent = s.parent;
        surface = parent;
    }
    return surface != nullptr;  // too deep: treat as a cycle
}

void WindowManager::surface_damaged(Surface& surface, const Region& damage) {
    for (Entry& e : stack_) {
        if (e.window->surface() != &surface) continue;
        Rect g = e.window->geometry();
        if (e.last_size.width && (e.resize_edges & 4)) e.position.x -= g.width - e.last_size.width;
        if (e.last_size.height && (e.resize_edges & 1)) e.position.y -= g.height - e.last_size.height;
        if (!(Size{g.width, g.height} == e.last_size) && decorations_) decorations_->invalidate(*e.window);
        e.last_size = {g.width, g.height};
    }
    if (!compositor_) return;
    auto it = positions_.find(&surface);
    if (it != positions_.end()) {
        Region r = damage;
        r.translate(it->second.x, it->second.y);
        compositor_->damage(r);
    } else {
        // Not drawn yet: the layer diff damages it when it appears.
        compositor_->schedule_repaint();
    }
}

void WindowManager::surface_destroyed(Surface& surface) {
    positions_.erase(&surface);
    // A parent destroyed before its popup (a protocol error the client is
    // about to be disconnected for) must not leave a dangling parent.
    popups_.erase(std::remove_if(popups_.begin(), popups_.end(),
                                 [&](Popup* p) { return p->parent_surface() == &surface || p->surface() == &surface; }),
                  popups_.end());
    hits_.erase(std::remove_if(hits_.begin(), hits_.end(), [&](const Hit& h) { return h.surface == &surface; }),
                hits_.end());
    subsurface_removed(surface);
}

bool WindowManager::surface_position(const Surface& surface, Point* out) const {
    auto it = positions_.find(&surface);
    if (it == positions_.end()) return false;
    *out = it->second;
    return true;
}

Surface* WindowManager::surface_at(Point p, Point* local) const {
    for (const Hit& h : hits_) {
        if (!h.bounds.contains(p)) continue;
        Point l{p.x - h.bounds.x, p.y - h.bounds.y};
        if (h.surface->accepts_input_at(l)) {
            if (local) *local = l;
            return h.surface;
        }
    }
    return nullptr;
}

Window* WindowManager::window_at(Point p) const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
        if (it->mapped && !it->minimized && grab_area(*it).contains(p)) return it->window;
    }
    return nullptr;
}

Window* WindowManager::window_of(const Surface* surface) const {
    // Walk up subsurface and popup parents to the toplevel's surface.
    for (int depth = 0; surface && depth < 64; ++depth) {
        for (const Entry& e : stack_)
            if (e.window->surface() == surface) return e.window;
        const Surface* parent = nullptr;
        for (const SubsurfaceLink& s : subsurfaces_)
            if (s.surface == surface) parent = s.parent;
        for (const Popup* p : popups_)
            if (p->surface() == surface) parent = p->parent_surface();
        surface = parent;
    }
    return nullptr;
}

WindowManager::FramePart WindowManager::frame_part_at(const Window& window, Point p) const {
    if (!decorations_) return FramePart::None;
    Rect frame = frame_of(window);
    const Entry* e = find(window);
    if (!e || e->fullscreen) return FramePart::None;
    if (!frame.contains(p)) return grab_area(*e).contains(p) && !e->maximized ? FramePart::Border : FramePart::None;
    Rect g = window.geometry();
    Rect content{e->position.x, e->position.y, g.width, g.height};
    return decorations_->part_at(frame, content, p);
}

void WindowManager::add_surface_tree(Surface& surface, Point origin, std::vector<SceneLayer>& out) {
    for (const SubsurfaceLink& s : subsurfaces_)
        if (s.parent == &surface && s.below_parent)
            add_surface_tree(*s.surface, {origin.x + s.offset.x, origin.y + s.offset.y}, out);
    if (surface.has_content()) {
        Region opaque = surface.opaque_region();
        opaque.translate(origin.x, origin.y);
        out.push_back({&surface, Rect{origin.x, origin.y, surface.size().width, surface.size().height},
                       std::move(opaque), surface.image()});
        positions_[&surface] = origin;
    }
    for (const SubsurfaceLink& s : subsurfaces_)
        if (s.parent == &surface && !s.below_parent)
            add_surface_tree(*s.surface, {origin.x + s.offset.x, origin.y + s.offset.y}, out);
}

void WindowManager::collect_layers(std::vector<SceneLayer>& out) {
    positions_.clear();
    size_t first_window_layer = out.size();
    add_layer_surfaces(0, out);
    add_layer_surfaces(1, out);
    for (Entry& e : stack_) {
        if (!e.mapped || e.minimized || !e.window->surface() || !e.window->surface()->has_content()) continue;
        if (decorations_ && !e.fullscreen)
            decorations_->add_layers(*e.window, frame_of(*e.window), focused_ == e.window, out);
        add_surface_tree(*e.window->surface(), surface_origin(e), out);
    }
    for (Popup* popup : popups_) {
        Point parent;
        if (!popup->surface() || !popup->parent_surface() || !surface_position(*popup->parent_surface(), &parent))
            continue;
        Point off = popup->offset();
        add_surface_tree(*popup->surface(), {parent.x + off.x, parent.y + off.y}, out);
    }
    add_layer_surfaces(2, out);
    add_layer_surfaces(3, out);
    hits_.clear();
    for (size_t i = out.size(); i-- > first_window_layer;) {
        for (auto& [surface, origin] : positions_) {
            if (out[i].key == surface) {
                hits_.push_back({const_cast<Surface*>(surface), out[i].bounds});
                break;
            }
        }
    }
    if (cursor_layer_ && cursor_layer_->image) out.push_back(*cursor_layer_);
}

}  // namespace tessera::ui
