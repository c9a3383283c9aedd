// Seat: wl_seat with one pointer and one keyboard, and the input routing
// policy that goes with them (nitpicker's user_state): which surface has
// pointer and keyboard focus, grabs (interactive move and resize, popups),
// and the window-management bindings (click to focus, title-bar drag,
// Super+drag, Alt+Tab, Alt+F4).
//
// Input arrives as evdev-style codes from the input service or from the
// control socket (injection); both go through the same entry points.
#pragma once

#include "render/geometry.h"

#include <wayland-server-core.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct xkb_context;
struct xkb_keymap;
struct xkb_state;

namespace tessera::ui {

class Server;
class Surface;
class Window;
class Popup;
class CursorRole;

class Seat {
public:
    explicit Seat(Server& server);
    ~Seat();
    Seat(const Seat&) = delete;
    Seat& operator=(const Seat&) = delete;

    // Input entry points (output coordinates, evdev codes).
    void pointer_motion(Point position);
    void pointer_button(uint32_t button, bool pressed);
    void pointer_axis(int vertical_steps, int horizontal_steps);
    void key(uint32_t evdev_code, bool pressed);
    Point pointer_position() const { return pointer_; }

    // Requests from shell objects.
    void begin_move(Window& window);
    void begin_resize(Window& window, uint32_t edges);
    void popup_grab(Popup& popup);
    void window_destroyed(Window& window);
    void popup_destroyed(Popup& popup);
    void surface_destroyed(Surface& surface);

    // Compiles the xkb keymap for `layout` (an XKB layout name: us, de, fr,
    // ...) and sends it to every keyboard. False if it does not compile.
    bool set_keyboard_layout(const std::string& layout);

    // Keyboard focus follows the window manager's focused window.
    void focus_changed();

    void bind(wl_client* client, uint32_t version, uint32_t id);
    void get_pointer(wl_resource* seat, uint32_t id);
    void get_keyboard(wl_resource* seat, uint32_t id);
    void set_cursor(wl_resource* pointer, uint32_t serial, wl_resource* surface, int32_t hx, int32_t hy);
    // From the cursor surface role.
    void cursor_committed(Surface& surface);
    void cursor_surface_gone(Surface* surface);

private:
    enum class Grab { None, Move, Resize, Popup };

    void update_pointer_focus();
    void set_pointer_focus(Surface* surface, Point local);
    void set_keyboard_focus(Surface* surface);
    void send_modifiers();
    void dismiss_popups();
    bool window_binding(uint32_t evdev_code, bool pressed);
    std::vector<wl_resource*> resources_for(std::vector<wl_resource*>& list, wl_client* client);

    Server& server_;
    wl_global* global_ = nullptr;
    Point pointer_;
    Surface* pointer_focus_ = nullptr;
    Point pointer_local_;
    Surface* keyboard_focus_ = nullptr;
    std::vector<wl_resource*> pointers_;
    std::vector<wl_resource*> keyboards_;
    std::vector<uint32_t> buttons_down_;
    std::vector<uint32_t> keys_down_;

    Grab grab_ = Grab::None;
    Window* grab_window_ = nullptr;
    Point grab_start_pointer_;
    Rect grab_start_frame_;
    uint32_t grab_edges_ = 0;
    std::vector<Popup*> popup_stack_;
    Surface* cursor_surface_ = nullptr;
    Point cursor_hotspot_;
    std::unordered_map<Surface*, std::unique_ptr<CursorRole>> cursor_roles_;
    bool alt_tab_active_ = false;
    size_t alt_tab_index_ = 0;

    xkb_context* xkb_context_ = nullptr;
    xkb_keymap* keymap_ = nullptr;
    xkb_state* xkb_state_ = nullptr;
    int keymap_fd_ = -1;
    uint32_t keymap_size_ = 0;
    uint32_t mods_depressed_ = 0, mods_latched_ = 0, mods_locked_ = 0, group_ = 0;
};

}  // namespace tessera::ui
