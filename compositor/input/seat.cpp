#include "input/seat.h"

#include "input/cursor.h"
#include "protocol/data_device.h"
#include "protocol/surface.h"
#include "server.h"
#include "wm/window_manager.h"

#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-server-protocol.h>
#include <xkbcommon/xkbcommon.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace tessera::ui {

// The role of a surface used as a pointer image: every commit updates the
// hardware cursor while that surface is the cursor.
class CursorRole final : public SurfaceRole {
public:
    CursorRole(Seat& seat, Surface* surface) : seat_(seat), surface_(surface) {}
    const char* role_name() const override { return "wl_pointer-cursor"; }
    void committed() override { seat_.cursor_committed(*surface_); }
    void surface_destroyed() override { seat_.cursor_surface_gone(surface_); }

private:
    Seat& seat_;
    Surface* surface_;
};

namespace {

constexpr int kSeatVersion = 7;
constexpr int32_t kRepeatRate = 25;    // per second
constexpr int32_t kRepeatDelay = 600;  // ms
constexpr int kMinWindowSize = 32;

uint32_t now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint32_t(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

Seat* seat_of(wl_resource* r) {
    return static_cast<Seat*>(wl_resource_get_user_data(r));
}

void remove_from(std::vector<wl_resource*>& list, wl_resource* r) {
    list.erase(std::remove(list.begin(), list.end(), r), list.end());
}

void release(wl_client*, wl_resource* r) {
    wl_resource_destroy(r);
}

const struct wl_pointer_interface kPointerImpl = {
    [](wl_client*, wl_resource* r, uint32_t serial, wl_resource* surface, int32_t x, int32_t y) {
        if (Seat* seat = seat_of(r)) seat->set_cursor(r, serial, surface, x, y);
    },
    release,
};

const struct wl_keyboard_interface kKeyboardImpl = {release};

const struct wl_seat_interface kSeatImpl = {
    [](wl_client*, wl_resource* r, uint32_t id) { seat_of(r)->get_pointer(r, id); },
    [](wl_client*, wl_resource* r, uint32_t id) { seat_of(r)->get_keyboard(r, id); },
    [](wl_client* client, wl_resource* r, uint32_t id) {
        // No touch device: the capability is never advertised, but the
        // request must still create an object.
        wl_resource* touch = wl_resource_create(client, &wl_touch_interface, wl_resource_get_version(r), id);
        if (touch) wl_resource_set_implementation(touch, nullptr, nullptr, nullptr);
    },
    release,
};

int create_keymap_fd(const std::string& text) {
    int fd = memfd_create("tessera-keymap", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return -1;
    size_t size = text.size() + 1;
    if (ftruncate(fd, off_t(size)) != 0 || write(fd, text.c_str(), size) != ssize_t(size)) {
        close(fd);
        return -1;
    }
    // Clients map it read-only; seals stop anyone from shrinking it.
    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
    return fd;
}

}  // namespace

Seat::Seat(Server& server) : server_(server) {
    xkb_context_ = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
    set_keyboard_layout("us");
    global_ = wl_global_create(server.display(), &wl_seat_interface, kSeatVersion, this,
                               [](wl_client* client, void* data, uint32_t version, uint32_t id) {
                                   static_cast<Seat*>(data)->bind(client, version, id);
                               });
}

bool Seat::set_keyboard_layout(const std::string& layout) {
    if (!xkb_context_) return false;
    xkb_rule_names names{};
    names.layout = layout.c_str();
    xkb_keymap* keymap = xkb_keymap_new_from_names(xkb_context_, &names, XKB_KEYMAP_COMPILE_NO_FLAGS);
    if (!keymap) return false;
    char* text = xkb_keymap_get_as_string(keymap, XKB_KEYMAP_FORMAT_TEXT_V1);
    int fd = text ? create_keymap_fd(text) : -1;
    if (fd < 0) {
        free(text);
        xkb_keymap_unref(keymap);
        return false;
    }
    xkb_state_unref(xkb_state_);
    xkb_keymap_unref(keymap_);
    if (keymap_fd_ >= 0) close(keymap_fd_);
    keymap_ = keymap;
    xkb_state_ = xkb_state_new(keymap_);
    keymap_fd_ = fd;
    keymap_size_ = uint32_t(strlen(text) + 1);
    free(text);
    mods_depressed_ = mods_latched_ = mods_locked_ = group_ = 0;
    for (wl_resource* r : keyboards_)
        wl_keyboard_send_keymap(r, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, keymap_fd_, keymap_size_);
    return true;
}

Seat::~Seat() {
    for (wl_resource* r : pointers_) wl_resource_set_user_data(r, nullptr);
    for (wl_resource* r : keyboards_) wl_resource_set_user_data(r, nullptr);
    if (keymap_fd_ >= 0) close(keymap_fd_);
    xkb_state_unref(xkb_state_);
    xkb_keymap_unref(keymap_);
    xkb_context_unref(xkb_context_);
}

void Seat::bind(wl_client* client, uint32_t version, uint32_t id) {
    wl_resource* r = wl_resource_create(client, &wl_seat_interface, int(version), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kSeatImpl, this, nullptr);
    wl_seat_send_capabilities(r, WL_SEAT_CAPABILITY_POINTER | WL_SEAT_CAPABILITY_KEYBOARD);
    if (version >= WL_SEAT_NAME_SINCE_VERSION) wl_seat_send_name(r, "seat0");
}

void Seat::get_pointer(wl_resource* seat, uint32_t id) {
    wl_client* client = wl_resource_get_client(seat);
    wl_resource* r = wl_resource_create(client, &wl_pointer_interface, wl_resource_get_version(seat), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kPointerImpl, this, [](wl_resource* res) {
        if (Seat* s = seat_of(res)) remove_from(s->pointers_, res);
    });
    pointers_.push_back(r);
    if (pointer_focus_ && pointer_focus_->client() == client) {
        wl_pointer_send_enter(r, wl_display_next_serial(server_.display()), pointer_focus_->resource(),
                              wl_fixed_from_int(pointer_local_.x), wl_fixed_from_int(pointer_local_.y));
        if (wl_resource_get_version(r) >= WL_POINTER_FRAME_SINCE_VERSION) wl_pointer_send_frame(r);
    }
}

void Seat::get_keyboard(wl_resource* seat, uint32_t id) {
    wl_client* client = wl_resource_get_client(seat);
    wl_resource* r = wl_resource_create(client, &wl_keyboard_interface, wl_resource_get_version(seat), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kKeyboardImpl, this, [](wl_resource* res) {
        if (Seat* s = seat_of(res)) remove_from(s->keyboards_, res);
    });
    keyboards_.push_back(r);
    if (keymap_fd_ >= 0) wl_keyboard_send_keymap(r, WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1, keymap_fd_, keymap_size_);
    if (wl_resource_get_version(r) >= WL_KEYBOARD_REPEAT_INFO_SINCE_VERSION)
        wl_keyboard_send_repeat_info(r, kRepeatRate, kRepeatDelay);
    if (keyboard_focus_ && keyboard_focus_->client() == client) {
        wl_array keys;
        wl_array_init(&keys);
        wl_keyboard_send_enter(r, wl_display_next_serial(server_.display()), keyboard_focus_->resource(), &keys);
        wl_array_release(&keys);
        wl_keyboard_send_modifiers(r, wl_display_next_serial(server_.display()), mods_depressed_, mods_latched_,
                                   mods_locked_, group_);
    }
}

std::vector<wl_resource*> Seat::resources_for(std::vector<wl_resource*>& list, wl_client* client) {
    std::vector<wl_resource*> out;
    for (wl_resource* r : list)
        if (wl_resource_get_client(r) == client) out.push_back(r);
    return out;
}

void Seat::set_cursor(wl_resource* pointer, uint32_t, wl_resource* surface_resource, int32_t hx, int32_t hy) {
    // Only the client the pointer is over may set its image.
    // FIXME: the serial is not checked against that client's latest enter.
    if (!pointer_focus_ || pointer_focus_->client() != wl_resource_get_client(pointer)) return;
    if (!surface_resource) {
        cursor_surface_ = nullptr;
        server_.cursor().hide();
        return;
    }
    Surface* surface = Surface::from_resource(surface_resource);
    auto it = cursor_roles_.find(surface);
    if (it == cursor_roles_.end()) {
        auto role = std::make_unique<CursorRole>(*this, surface);
        if (!surface->set_role("wl_pointer-cursor", role.get(), pointer, WL_POINTER_ERROR_ROLE)) return;
        it = cursor_roles_.emplace(surface, std::move(role)).first;
    }
    cursor_surface_ = surface;
    cursor_hotspot_ = {hx, hy};
    server_.cursor().show_surface(*surface, cursor_hotspot_);
}

void Seat::cursor_committed(Surface& surface) {
    if (cursor_surface_ == &surface) server_.cursor().show_surface(surface, cursor_hotspot_);
}

void Seat::cursor_surface_gone(Surface* surface) {
    cursor_roles_.erase(surface);
    if (cursor_surface_ == surface) {
        cursor_surface_ = nullptr;
        server_.cursor().show_theme();
    }
}

// Pointer ----------------------------------------------------------------

void Seat::set_pointer_focus(Surface* surface, Point local) {
    if (surface == pointer_focus_) {
        if (surface && !(local == pointer_local_)) {
            pointer_local_ = local;
            for (wl_resource* r : resources_for(pointers_, surface->client())) {
                wl_pointer_send_motion(r, now_ms(), wl_fixed_from_int(local.x), wl_fixed_from_int(local.y));
                if (wl_resource_get_version(r) >= WL_POINTER_FRAME_SINCE_VERSION) wl_pointer_send_frame(r);
            }
        }
        return;
    }
    uint32_t serial = wl_display_next_serial(server_.display());
    if (pointer_focus_) {
        for (wl_resource* r : resources_for(pointers_, pointer_focus_->client())) {
            wl_pointer_send_leave(r, serial, pointer_focus_->resource());
            if (wl_resource_get_version(r) >= WL_POINTER_FRAME_SINCE_VERSION) wl_pointer_send_frame(r);
        }
    }
    pointer_focus_ = surface;
    pointer_local_ = local;
    // Until the new client sets its own image, show the theme's.
    cursor_surface_ = nullptr;
    server_.cursor().show_theme();
    if (surface) {
        for (wl_resource* r : resources_for(pointers_, surface->client())) {
            wl_pointer_send_enter(r, serial, surface->resource(), wl_fixed_from_int(local.x),
                                  wl_fixed_from_int(local.y));
            if (wl_resource_get_version(r) >= WL_POINTER_FRAME_SINCE_VERSION) wl_pointer_send_frame(r);
        }
    }
}

void Seat::update_pointer_focus() {
    Point local;
    Surface* surface = server_.window_manager().surface_at(pointer_, &local);
    // During a popup grab only the grabbing client gets pointer events.
    if (grab_ == Grab::Popup && surface && !popup_stack_.empty() &&
        surface->client() != popup_stack_.back()->surface()->client())
        surface = nullptr;
    set_pointer_focus(surface, local);
}

void Seat::pointer_motion(Point position) {
    pointer_ = position;
    server_.cursor_moved(position);
    WindowManager& wm = server_.window_manager();
    if (grab_ == Grab::Move && grab_window_) {
        wm.move_to(*grab_window_, {grab_start_frame_.x + position.x - grab_start_pointer_.x,
                                   grab_start_frame_.y + position.y - grab_start_pointer_.y});
        return;
    }
    if (grab_ == Grab::Resize && grab_window_) {
        int dx = position.x - grab_start_pointer_.x, dy = position.y - grab_start_pointer_.y;
        Rect g = grab_window_->geometry();
        int w = g.width, h = g.height;
        Rect start_content = grab_start_frame_;
        if (grab_edges_ & WL_SHELL_SURFACE_RESIZE_RIGHT) w = start_content.width + dx;
        if (grab_edges_ & WL_SHELL_SURFACE_RESIZE_BOTTOM) h = start_content.height + dy;
        if (grab_edges_ & WL_SHELL_SURFACE_RESIZE_LEFT) w = start_content.width - dx;
        if (grab_edges_ & WL_SHELL_SURFACE_RESIZE_TOP) h = start_content.height - dy;
        wm.request_size(*grab_window_, {std::max(w, kMinWindowSize), std::max(h, kMinWindowSize)}, grab_edges_);
        return;
    }
    update_pointer_focus();
}

void Seat::pointer_button(uint32_t button, bool pressed) {
    WindowManager& wm = server_.window_manager();
    if (pressed) {
        if (std::find(buttons_down_.begin(), buttons_down_.end(), button) != buttons_down_.end()) return;
        buttons_down_.push_back(button);
    } else {
        auto it = std::find(buttons_down_.begin(), buttons_down_.end(), button);
        if (it == buttons_down_.end()) return;
        buttons_down_.erase(it);
    }

    if (!pressed && (grab_ == Grab::Move || grab_ == Grab::Resize)) {
        if (buttons_down_.empty()) {
            grab_ = Grab::None;
            grab_window_ = nullptr;
            update_pointer_focus();
        }
        return;
    }

    if (pressed && grab_ == Grab::Popup) {
        Surface* under = wm.surface_at(pointer_, nullptr);
        if (!under || popup_stack_.empty() || under->client() != popup_stack_.back()->surface()->client()) {
            // A click outside the grabbing client's surfaces dismisses them
            // and is not delivered (as in GTK and weston).
            dismiss_popups();
            buttons_down_.clear();
            return;
        }
    }

    if (pressed && grab_ == Grab::None && buttons_down_.size() == 1) {
        Window* window = wm.window_at(pointer_);
        Surface* under = wm.surface_at(pointer_, nullptr);
        if (window && (!under || wm.window_of(under) == window)) {
            if (wm.focused() != window) wm.focus(window);
            bool super =
                xkb_state_ && xkb_state_mod_name_is_active(xkb_state_, XKB_MOD_NAME_LOGO, XKB_STATE_MODS_EFFECTIVE) > 0;
            if (super && button == BTN_LEFT) {
                begin_move(*window);
                return;
            }
            using Part = WindowManager::FramePart;
            Part part = wm.frame_part_at(*window, pointer_);
            if (part != Part::None) {
                buttons_down_.clear();
                switch (part) {
                    case Part::Title:
                        buttons_down_.push_back(button);
                        begin_move(*window);
                        break;
                    case Part::Close:
                        wm.close(*window);
                        break;
                    case Part::Maximize:
                        wm.toggle_maximized(*window);
                        break;
                    case Part::Minimize:
                        wm.minimize(*window);
                        break;
                    case Part::Border:
                        buttons_down_.push_back(button);
                        begin_resize(*window, wm.edges_at(*window, pointer_));
                        break;
                    case Part::None:
                        break;
                }
                return;
            }
        }
        update_pointer_focus();
    }

    if (pointer_focus_) {
        uint32_t serial = wl_display_next_serial(server_.display());
        for (wl_resource* r : resources_for(pointers_, pointer_focus_->client())) {
            wl_pointer_send_button(r, serial, now_ms(), button,
                                   pressed ? WL_POINTER_BUTTON_STATE_PRESSED : WL_POINTER_BUTTON_STATE_RELEASED);
            if (wl_resource_get_version(r) >= WL_POINTER_FRAME_SINCE_VERSION) wl_pointer_send_frame(r);
        }
    }
}

void Seat::pointer_axis(int vertical_steps, int horizontal_steps) {
    if (!pointer_focus_) return;
    for (wl_resource* r : resources_for(pointers_, pointer_focus_->client())) {
        bool v5 = wl_resource_get_version(r) >= WL_POINTER_FRAME_SINCE_VERSION;
        if (v5) wl_pointer_send_axis_source(r, WL_POINTER_AXIS_SOURCE_WHEEL);
        if (vertical_steps) {
            if (v5 && wl_resource_get_version(r) < WL_POINTER_AXIS_VALUE120_SINCE_VERSION)
                wl_pointer_send_axis_discrete(r, WL_POINTER_AXIS_VERTICAL_SCROLL, vertical_steps);
            wl_pointer_send_axis(r, now_ms(), WL_POINTER_AXIS_VERTICAL_SCROLL, wl_fixed_from_int(10 * vertical_steps));
        }
        if (horizontal_steps) {
            if (v5 && wl_resource_get_version(r) < WL_POINTER_AXIS_VALUE120_SINCE_VERSION)
                wl_pointer_send_axis_discrete(r, WL_POINTER_AXIS_HORIZONTAL_SCROLL, horizontal_steps);
            wl_pointer_send_axis(r, now_ms(), WL_POINTER_AXIS_HORIZONTAL_SCROLL,
                                 wl_fixed_from_int(10 * horizontal_steps));
        }
        if (v5) wl_pointer_send_frame(r);
    }
}

// Keyboard ---------------------------------------------------------------

void Seat::send_modifiers() {
    if (!keyboard_focus_) return;
    uint32_t serial = wl_display_next_serial(server_.display());
    for (wl_resource* r : resources_for(keyboards_, keyboard_focus_->client()))
        wl_keyboard_send_modifiers(r, serial, mods_depressed_, mods_latched_, mods_locked_, group_);
}

bool Seat::window_binding(uint32_t code, bool pressed) {
    if (!xkb_state_) return false;
    WindowManager& wm = server_.window_manager();
    bool alt = xkb_state_mod_name_is_active(xkb_state_, XKB_MOD_NAME_ALT, XKB_STATE_MODS_DEPRESSED) > 0;
    if (pressed && alt && code == KEY_F4) {
        if (Window* w = wm.focused()) wm.close(*w);
        return true;
    }
    if (pressed && alt && code == KEY_TAB) {
        // Each Tab while Alt is held goes one window further down the stack.
        std::vector<WindowInfo> windows = wm.list_windows();
        if (windows.empty()) return true;
        if (!alt_tab_active_) {
            alt_tab_active_ = true;
            alt_tab_index_ = 0;
        }
        ++alt_tab_index_;
        // list_windows is bottom to top; the focused window is last.
        size_t n = windows.size();
        const WindowInfo& target = windows[(n - 1 + n - (alt_tab_index_ % n)) % n];
        if (Window* w = wm.window_by_id(target.id)) {
            wm.restore(*w);
        }
        return true;
    }
    return false;
}

void Seat::key(uint32_t code, bool pressed) {
    auto it = std::find(keys_down_.begin(), keys_down_.end(), code);
    if (pressed == (it != keys_down_.end())) return;  // repeated press or release of a key that is not down
    if (pressed)
        keys_down_.push_back(code);
    else
        keys_down_.erase(it);

    if (xkb_state_) {
        xkb_state_update_key(xkb_state_, code + 8, pressed ? XKB_KEY_DOWN : XKB_KEY_UP);
        uint32_t depressed = xkb_state_serialize_mods(xkb_state_, XKB_STATE_MODS_DEPRESSED);
        uint32_t latched = xkb_state_serialize_mods(xkb_state_, XKB_STATE_MODS_LATCHED);
        uint32_t locked = xkb_state_serialize_mods(xkb_state_, XKB_STATE_MODS_LOCKED);
        uint32_t group = xkb_state_serialize_layout(xkb_state_, XKB_STATE_LAYOUT_EFFECTIVE);
        bool changed =
            depressed != mods_depressed_ || latched != mods_latched_ || locked != mods_locked_ || group != group_;
        mods_depressed_ = depressed;
        mods_latched_ = latched;
        mods_locked_ = locked;
        group_ = group;
        if (alt_tab_active_ && !xkb_state_mod_name_is_active(xkb_state_, XKB_MOD_NAME_ALT, XKB_STATE_MODS_DEPRESSED))
            alt_tab_active_ = false;
        if (window_binding(code, pressed)) return;
        if (changed) send_modifiers();
    }
    if (!keyboard_focus_) return;
    uint32_t serial = wl_display_next_serial(server_.display());
    for (wl_resource* r : resources_for(keyboards_, keyboard_focus_->client()))
        wl_keyboard_send_key(r, serial, now_ms(), code,
                             pressed ? WL_KEYBOARD_KEY_STATE_PRESSED : WL_KEYBOARD_KEY_STATE_RELEASED);
}

void Seat::set_keyboard_focus(Surface* surface) {
    if (surface == keyboard_focus_) return;
    uint32_t serial = wl_display_next_serial(server_.display());
    if (keyboard_focus_) {
        for (wl_resource* r : resources_for(keyboards_, keyboard_focus_->client()))
            wl_keyboard_send_leave(r, serial, keyboard_focus_->resource());
    }
    keyboard_focus_ = surface;
    server_.data_devices().focus_changed(surface ? surface->client() : nullptr);
    if (surface) {
        wl_array keys;
        wl_array_init(&keys);
        for (uint32_t k : keys_down_)
            if (auto* slot = static_cast<uint32_t*>(wl_array_add(&keys, sizeof(uint32_t)))) *slot = k;
        for (wl_resource* r : resources_for(keyboards_, surface->client())) {
            wl_keyboard_send_enter(r, serial, surface->resource(), &keys);
            wl_keyboard_send_modifiers(r, serial, mods_depressed_, mods_latched_, mods_locked_, group_);
        }
        wl_array_release(&keys);
    }
}

void Seat::focus_changed() {
    // A grabbing popup keeps the keyboard until it goes.
    if (grab_ == Grab::Popup && !popup_stack_.empty() && popup_stack_.back()->surface()) return;
    if (Surface* layer = server_.window_manager().keyboard_layer_surface()) {
        set_keyboard_focus(layer);
        return;
    }
    Window* w = server_.window_manager().focused();
    set_keyboard_focus(w ? w->surface() : nullptr);
}

// Grabs ------------------------------------------------------------------

void Seat::begin_move(Window& window) {
    if (grab_ != Grab::None && grab_ != Grab::Move) return;
    grab_ = Grab::Move;
    grab_window_ = &window;
    grab_start_pointer_ = pointer_;
    grab_start_frame_ = server_.window_manager().frame_of(window);
    set_pointer_focus(nullptr, {});
}

void Seat::begin_resize(Window& window, uint32_t edges) {
    if (grab_ != Grab::None || edges == 0) return;
    grab_ = Grab::Resize;
    grab_window_ = &window;
    grab_edges_ = edges;
    grab_start_pointer_ = pointer_;
    Rect g = window.geometry();
    grab_start_frame_ = {0, 0, g.width, g.height};
    set_pointer_focus(nullptr, {});
}

void Seat::popup_grab(Popup& popup) {
    if (grab_ != Grab::None && grab_ != Grab::Popup) return;
    grab_ = Grab::Popup;
    popup_stack_.push_back(&popup);
    // The topmost grabbing popup takes the keyboard (menus navigate with keys).
    if (popup.surface()) set_keyboard_focus(popup.surface());
}

void Seat::dismiss_popups() {
    // Topmost first, as the protocol requires.
    std::vector<Popup*> stack = popup_stack_;
    popup_stack_.clear();
    grab_ = Grab::None;
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) (*it)->send_done();
    focus_changed();
}

void Seat::popup_destroyed(Popup& popup) {
    bool had_keyboard = keyboard_focus_ && keyboard_focus_ == popup.surface();
    popup_stack_.erase(std::remove(popup_stack_.begin(), popup_stack_.end(), &popup), popup_stack_.end());
    if (popup_stack_.empty() && grab_ == Grab::Popup) grab_ = Grab::None;
    if (had_keyboard) {
        // The popup (or its surface) is going away: no leave for it.
        keyboard_focus_ = nullptr;
        if (!popup_stack_.empty() && popup_stack_.back()->surface())
            set_keyboard_focus(popup_stack_.back()->surface());
        else
            focus_changed();
    }
}

void Seat::window_destroyed(Window& window) {
    if (grab_window_ == &window) {
        grab_ = Grab::None;
        grab_window_ = nullptr;
    }
}

void Seat::surface_destroyed(Surface& surface) {
    if (pointer_focus_ == &surface) pointer_focus_ = nullptr;
    if (keyboard_focus_ == &surface) {
        keyboard_focus_ = nullptr;
        server_.data_devices().focus_changed(nullptr);
    }
}

}  // namespace tessera::ui
