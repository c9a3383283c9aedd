// WindowManager: policy. Which windows exist, where they are, their stacking
// order, which has focus, and what lies under the pointer. It builds the
// scene the Compositor draws (SceneSource) and decides where input goes;
// the protocol objects (xdg_toplevel, xdg_popup, wl_subsurface) only report
// to it and carry out its configure requests.
#pragma once

#include "compositor.h"
#include "render/geometry.h"
#include "wm/layer_layout.h"

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessera::ui {

class Surface;
class Decorations;

// A toplevel as the window manager sees it (implemented by XdgToplevel).
class Window {
public:
    virtual ~Window() = default;
    virtual Surface* surface() const = 0;
    // The window geometry in surface coordinates (xdg_surface).
    virtual Rect geometry() const = 0;
    virtual const std::string& title() const = 0;
    virtual const std::string& app_id() const = 0;
    // Sends xdg_toplevel.configure + xdg_surface.configure. A zero size lets
    // the client choose.
    virtual void send_configure(Size size, bool activated, bool maximized, bool fullscreen) = 0;
    virtual void send_close() = 0;
};

// A popup (implemented by XdgPopup): placed relative to its parent surface.
class Popup {
public:
    virtual ~Popup() = default;
    virtual Surface* surface() const = 0;
    virtual Surface* parent_surface() const = 0;
    // Position of the popup's surface origin relative to the parent
    // surface's origin.
    virtual Point offset() const = 0;
    virtual void send_done() = 0;
};

// A layer-shell surface (tessera_layer_shell_v1): panel, background,
// launcher. Implemented by protocol/layer_shell.cpp.
class LayerSurface {
public:
    virtual ~LayerSurface() = default;
    virtual Surface* surface() const = 0;
    virtual uint32_t layer() const = 0;  // 0 background, 1 bottom, 2 top, 3 overlay
    virtual const LayerRules& rules() const = 0;
};

// A wl_subsurface: drawn with its parent, at an offset.
struct SubsurfaceLink {
    Surface* surface;
    Surface* parent;
    Point offset;
    bool below_parent = false;
};

struct WindowInfo {
    uint32_t id;
    std::string title;
    std::string app_id;
    Rect frame;  // output coordinates, decorations included
    bool focused;
    bool minimized;
    bool maximized;
    bool fullscreen = false;
};

class WindowManager : public SceneSource {
public:
    WindowManager();
    ~WindowManager() override;

    void set_compositor(Compositor* compositor) { compositor_ = compositor; }
    void set_output_size(Size size) { output_size_ = size; }
    Size output_size() const { return output_size_; }

    // Windows -------------------------------------------------------------
    void window_created(Window& window);
    // The toplevel committed a buffer for the first time.
    void window_mapped(Window& window);
    void window_unmapped(Window& window);
    void window_destroyed(Window& window);
    void window_title_changed(Window& window);

    void focus(Window* window);
    Window* focused() const { return focused_; }
    void raise(Window& window);
    void minimize(Window& window);
    void restore(Window& window);
    void set_maximized(Window& window, bool maximized);
    void toggle_maximized(Window& window);
    // Fullscreen: the whole output, no decorations.
    void set_fullscreen(Window& window, bool fullscreen);
    // Fits maximized windows to the usable area again (output resized).
    void relayout_maximized();
    // Interactive resize: asks the client for a new content size. `edges`
    // (xdg_toplevel.resize_edge bits) says which side stays put.
    void request_size(Window& window, Size size, uint32_t edges);
    // Which edges (resize_edge bits) of the frame border are at `p`.
    uint32_t edges_at(const Window& window, Point p) const;
    void set_focus_listener(std::function<void()> listener) { focus_listener_ = std::move(listener); }
    // Called (synchronously) whenever windows, titles or states may have changed.
    void set_change_listener(std::function<void()> listener) { change_listener_ = std::move(listener); }
    void close(Window& window);
    void move_to(Window& window, Point frame_origin);

    std::vector<WindowInfo> list_windows() const;
    Window* window_by_id(uint32_t id) const;

    // Layer surfaces ------------------------------------------------------
    void layer_surface_mapped(LayerSurface& surface);
    void layer_surface_unmapped(LayerSurface& surface);
    Rect layer_bounds(const LayerSurface& surface) const;
    // The topmost mapped top/overlay layer surface that wants the keyboard.
    Surface* keyboard_layer_surface() const;
    void layer_keyboard_changed();
    // The output minus the layer surfaces' exclusive zones: where windows go.
    Rect usable_area() const;

    // Popups and subsurfaces --------------------------------------------
    void popup_mapped(Popup& popup);
    void popup_destroyed(Popup& popup);
    void subsurface_added(const SubsurfaceLink& link);
    void subsurface_changed(const SubsurfaceLink& link);
    void subsurface_removed(Surface& surface);
    // Applies the cached state of `parent`'s synchronized subsurfaces.
    void apply_cached_children(Surface& parent);
    // True if `ancestor` is `surface` or one of its subsurface parents.
    bool is_ancestor(const Surface* ancestor, const Surface* surface) const;

    // Surfaces -----------------------------------------------------------
    // Damage in surface coordinates from a commit.
    void surface_damaged(Surface& surface, const Region& damage);
    void surface_destroyed(Surface& surface);
    // Where the surface's origin was last drawn, if it is on screen.
    bool surface_position(const Surface& surface, Point* out) const;

    // What is under `p` (output coordinates): the topmost surface accepting
    // input there (with `local` set) or nullptr.
    Surface* surface_at(Point p, Point* local) const;
    Window* window_at(Point p) const;
    Window* window_of(const Surface* surface) const;
    // The frame rectangle (decorations included) of a window.
    Rect frame_of(const Window& window) const;
    // Decorations hit testing: which part of a frame is at `p`.
    enum class FramePart { None, Title, Close, Maximize, Minimize, Border };
    FramePart frame_part_at(const Window& window, Point p) const;

    void set_decorations(Decorations* decorations) { decorations_ = decorations; }
    void set_cursor_layer(const SceneLayer* layer) { cursor_layer_ = layer; }

    void collect_layers(std::vector<SceneLayer>& bottom_to_top) override;

private:
    struct Entry {
        Window* window = nullptr;
        uint32_t id = 0;
        Point position;  // output position of the window geometry origin
        bool mapped = false;
        bool minimized = false;
        bool maximized = false;
        bool fullscreen = false;
        Rect restore_frame;  // before maximizing or going fullscreen
        bool activated_sent = false;
        uint32_t resize_edges = 0;  // anchor for the next size change
        Size last_size;
    };

    // How far outside its frame a window can be grabbed to resize it.
    static constexpr int kResizeMargin = 6;
    Rect grab_area(const Entry& entry) const;
    Entry* find(const Window& window);
    const Entry* find(const Window& window) const;
    Point surface_origin(const Entry& entry) const;
    void place_new(Entry& entry);
    void damage_frame(const Entry& entry);
    void add_surface_tree(Surface& surface, Point origin, std::vector<SceneLayer>& out);
    void add_layer_surfaces(uint32_t layer, std::vector<SceneLayer>& out);
    void send_state(Entry& entry, Size size = {});
    void focus_topmost();

    void notify_changed() {
        if (change_listener_) change_listener_();
    }

    std::function<void()> focus_listener_;
    std::function<void()> change_listener_;
    Compositor* compositor_ = nullptr;
    Decorations* decorations_ = nullptr;
    const SceneLayer* cursor_layer_ = nullptr;
    Size output_size_{1024, 768};
    std::vector<Entry> stack_;                   // bottom to top
    std::vector<Popup*> popups_;                 // creation order: parents before children
    std::vector<LayerSurface*> layer_surfaces_;  // mapped, in mapping order
    std::vector<SubsurfaceLink> subsurfaces_;
    Window* focused_ = nullptr;
    uint32_t next_id_ = 1;
    int placed_ = 0;
    std::unordered_map<const Surface*, Point> positions_;
    struct Hit {
        Surface* surface;
        Rect bounds;
    };
    std::vector<Hit> hits_;  // top to bottom, from the last collect_layers
};

}  // namespace tessera::ui
