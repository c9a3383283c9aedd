#include "protocol/xdg_shell.h"

#include "input/seat.h"
#include "server.h"
#include "xdg-shell-server-protocol.h"

#include <cstring>
#include <new>

namespace tessera::ui {

namespace {

constexpr int kXdgWmBaseVersion = 3;

void destroy_resource(wl_client*, wl_resource* resource) {
    wl_resource_destroy(resource);
}

XdgSurface* XS(wl_resource* r) {
    return static_cast<XdgSurface*>(wl_resource_get_user_data(r));
}
XdgToplevel* XT(wl_resource* r) {
    return static_cast<XdgToplevel*>(wl_resource_get_user_data(r));
}
XdgPopup* XP(wl_resource* r) {
    return static_cast<XdgPopup*>(wl_resource_get_user_data(r));
}
PositionerRules* PR(wl_resource* r) {
    return static_cast<PositionerRules*>(wl_resource_get_user_data(r));
}

// xdg_positioner ---------------------------------------------------------

const struct xdg_positioner_interface kPositionerImpl = {
    destroy_resource,
    [](wl_client*, wl_resource* r, int32_t w, int32_t h) {
        if (w <= 0 || h <= 0) {
            wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT, "size %dx%d", w, h);
            return;
        }
        PR(r)->size = {clamp_coordinate(w), clamp_coordinate(h)};
    },
    [](wl_client*, wl_resource* r, int32_t x, int32_t y, int32_t w, int32_t h) {
        if (w < 0 || h < 0) {
            wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT, "anchor rect %dx%d", w, h);
            return;
        }
        PR(r)->anchor_rect = {clamp_coordinate(x), clamp_coordinate(y), clamp_coordinate(w), clamp_coordinate(h)};
    },
    [](wl_client*, wl_resource* r, uint32_t anchor) {
        if (anchor > XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT) {
            wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT, "anchor %u", anchor);
            return;
        }
        PR(r)->anchor = anchor;
    },
    [](wl_client*, wl_resource* r, uint32_t gravity) {
        if (gravity > XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT) {
            wl_resource_post_error(r, XDG_POSITIONER_ERROR_INVALID_INPUT, "gravity %u", gravity);
            return;
        }
        PR(r)->gravity = gravity;
    },
    [](wl_client*, wl_resource* r, uint32_t adjustment) { PR(r)->constraint_adjustment = adjustment; },
    [](wl_client*, wl_resource* r, int32_t x, int32_t y) {
        PR(r)->offset = {clamp_coordinate(x), clamp_coordinate(y)};
    },
    [](wl_client*, wl_resource*) {},                    // set_reactive: always re-placed on reposition
    [](wl_client*, wl_resource*, int32_t, int32_t) {},  // set_parent_size
    [](wl_client*, wl_resource*, uint32_t) {},          // set_parent_configure
};

bool positioner_complete(wl_resource* positioner, wl_resource* error_on) {
    const PositionerRules* rules = PR(positioner);
    if (rules->size.empty() || rules->anchor_rect.width <= 0 || rules->anchor_rect.height <= 0) {
        wl_resource_post_error(error_on, XDG_WM_BASE_ERROR_INVALID_POSITIONER, "incomplete xdg_positioner");
        return false;
    }
    return true;
}

// xdg_toplevel -----------------------------------------------------------

void toplevel_move(wl_client*, wl_resource* r, wl_resource*, uint32_t) {
    XdgToplevel* t = XT(r);
    if (t->xdg_surface()) t->xdg_surface()->server().seat().begin_move(*t);
}

void toplevel_resize(wl_client*, wl_resource* r, wl_resource*, uint32_t, uint32_t edges) {
    XdgToplevel* t = XT(r);
    if (t->xdg_surface()) t->xdg_surface()->server().seat().begin_resize(*t, edges);
}

WindowManager* wm_of(wl_resource* r) {
    XdgToplevel* t = XT(r);
    return t->xdg_surface() ? &t->xdg_surface()->server().window_manager() : nullptr;
}

const struct xdg_toplevel_interface kToplevelImpl = {
    destroy_resource,
    [](wl_client*, wl_resource*, wl_resource*) {},  // set_parent: no transient stacking yet
    [](wl_client*, wl_resource* r, const char* title) { XT(r)->set_title(title); },
    [](wl_client*, wl_resource* r, const char* app_id) { XT(r)->set_app_id(app_id); },
    [](wl_client*, wl_resource*, wl_resource*, uint32_t, int32_t, int32_t) {},  // show_window_menu
    toplevel_move,
    toplevel_resize,
    [](wl_client*, wl_resource*, int32_t, int32_t) {},  // set_max_size
    [](wl_client*, wl_resource*, int32_t, int32_t) {},  // set_min_size
    [](wl_client*, wl_resource* r) {
        if (WindowManager* wm = wm_of(r)) wm->set_maximized(*XT(r), true);
    },
    [](wl_client*, wl_resource* r) {
        if (WindowManager* wm = wm_of(r)) wm->set_maximized(*XT(r), false);
    },
    [](wl_client*, wl_resource* r, wl_resource*) {  // the output argument: there is one
        if (WindowManager* wm = wm_of(r)) wm->set_fullscreen(*XT(r), true);
    },
    [](wl_client*, wl_resource* r) {
        if (WindowManager* wm = wm_of(r)) wm->set_fullscreen(*XT(r), false);
    },
    [](wl_client*, wl_resource* r) {
        if (WindowManager* wm = wm_of(r)) wm->minimize(*XT(r));
    },
};

void toplevel_destroyed(wl_resource* r) {
    delete XT(r);
}

// xdg_popup --------------------------------------------------------------

const struct xdg_popup_interface kPopupImpl = {
    destroy_resource,
    [](wl_client*, wl_resource* r, wl_resource*, uint32_t) { XP(r)->grab(); },
    [](wl_client*, wl_resource* r, wl_resource* positioner, uint32_t token) {
        if (positioner_complete(positioner, r)) XP(r)->reposition(*PR(positioner), token);
    },
};

void popup_destroyed(wl_resource* r) {
    delete XP(r);
}

// xdg_surface ------------------------------------------------------------

const struct xdg_surface_interface kXdgSurfaceImpl = {
    destroy_resource,
    [](wl_client*, wl_resource* r, uint32_t id) { XS(r)->get_toplevel(id); },
    [](wl_client*, wl_resource* r, uint32_t id, wl_resource* parent, wl_resource* positioner) {
        if (!positioner_complete(positioner, r)) return;
        XS(r)->get_popup(id, parent ? XS(parent) : nullptr, *PR(positioner));
    },
    [](wl_client*, wl_resource* r, int32_t x, int32_t y, int32_t w, int32_t h) {
        if (w <= 0 || h <= 0) {
            wl_resource_post_error(r, XDG_SURFACE_ERROR_INVALID_SIZE, "window geometry %dx%d", w, h);
            return;
        }
        XS(r)->set_window_geometry(
            {clamp_coordinate(x), clamp_coordinate(y), clamp_coordinate(w), clamp_coordinate(h)});
    },
    [](wl_client*, wl_resource* r, uint32_t serial) { XS(r)->ack_configure(serial); },
};

void xdg_surface_destroyed(wl_resource* r) {
    delete XS(r);
}

// xdg_wm_base ------------------------------------------------------------

void create_positioner(wl_client* client, wl_resource* base, uint32_t id) {
    wl_resource* r = wl_resource_create(client, &xdg_positioner_interface, wl_resource_get_version(base), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kPositionerImpl, new PositionerRules, [](wl_resource* res) { delete PR(res); });
}

void get_xdg_surface(wl_client* client, wl_resource* base, uint32_t id, wl_resource* surface_resource) {
    auto* server = static_cast<Server*>(wl_resource_get_user_data(base));
    Surface* surface = Surface::from_resource(surface_resource);
    if (surface->role_object() || surface->has_content() || surface->has_pending_buffer()) {
        wl_resource_post_error(base, XDG_WM_BASE_ERROR_ROLE, "wl_surface@%u has a role or a buffer",
                               wl_resource_get_id(surface_resource));
        return;
    }
    wl_resource* r = wl_resource_create(client, &xdg_surface_interface, wl_resource_get_version(base), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    auto* xdg = new XdgSurface(*server, r, surface);
    wl_resource_set_implementation(r, &kXdgSurfaceImpl, xdg, xdg_surface_destroyed);
}

const struct xdg_wm_base_interface kWmBaseImpl = {
    destroy_resource, create_positioner, get_xdg_surface, [](wl_client*, wl_resource*, uint32_t) {},  // pong
};

void bind_wm_base(wl_client* client, void* data, uint32_t version, uint32_t id) {
    wl_resource* r = wl_resource_create(client, &xdg_wm_base_interface, int(version), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kWmBaseImpl, data, nullptr);
}

}  // namespace

void create_xdg_shell_global(Server& server) {
    wl_global_create(server.display(), &xdg_wm_base_interface, kXdgWmBaseVersion, &server, bind_wm_base);
}

// XdgSurface -------------------------------------------------------------

XdgSurface::XdgSurface(Server& server, wl_resource* resource, Surface* surface)
    : server_(server), resource_(resource), surface_(surface) {
    surface_->set_role_object(this);
}

XdgSurface::~XdgSurface() {
    if (toplevel_) toplevel_->xdg_surface_gone();
    if (popup_) popup_->xdg_surface_gone();
    if (surface_) surface_->set_role_object(nullptr);
}

void XdgSurface::surface_destroyed() {
    if (toplevel_) toplevel_->unmap();
    if (popup_) popup_->unmap();
    surface_ = nullptr;
}

Rect XdgSurface::geometry() const {
    if (geometry_set_) return geometry_;
    if (!surface_) return {};
    return {0, 0, surface_->size().width, surface_->size().height};
}

uint32_t XdgSurface::send_configure() {
    last_serial_ = wl_display_next_serial(server_.display());
    xdg_surface_send_configure(resource_, last_serial_);
    configure_sent_ = true;
    return last_serial_;
}

void XdgSurface::get_toplevel(uint32_t id) {
    if (!surface_ || toplevel_ || popup_) {
        wl_resource_post_error(resource_, XDG_WM_BASE_ERROR_ROLE, "xdg_surface already has a role");
        return;
    }
    if (!surface_->set_role("xdg_toplevel", this, resource_, XDG_WM_BASE_ERROR_ROLE)) return;
    wl_resource* r = wl_resource_create(wl_resource_get_client(resource_), &xdg_toplevel_interface,
                                        wl_resource_get_version(resource_), id);
    if (!r) {
        wl_client_post_no_memory(wl_resource_get_client(resource_));
        return;
    }
    role_ = "xdg_toplevel";
    toplevel_ = new XdgToplevel(*this, r);
    wl_resource_set_implementation(r, &kToplevelImpl, toplevel_, toplevel_destroyed);
}

void XdgSurface::get_popup(uint32_t id, XdgSurface* parent, const PositionerRules& rules) {
    if (!surface_ || toplevel_ || popup_) {
        wl_resource_post_error(resource_, XDG_WM_BASE_ERROR_ROLE, "xdg_surface already has a role");
        return;
    }
    if (!parent || !parent->surface_) {
        // Popups without an xdg parent belong to other shells (layer shell).
        wl_resource_post_error(resource_, XDG_WM_BASE_ERROR_INVALID_POPUP_PARENT, "popup needs a parent");
        return;
    }
    if (!surface_->set_role("xdg_popup", this, resource_, XDG_WM_BASE_ERROR_ROLE)) return;
    wl_resource* r = wl_resource_create(wl_resource_get_client(resource_), &xdg_popup_interface,
                                        wl_resource_get_version(resource_), id);
    if (!r) {
        wl_client_post_no_memory(wl_resource_get_client(resource_));
        return;
    }
    role_ = "xdg_popup";
    popup_ = new XdgPopup(*this, r, parent, rules);
    wl_resource_set_implementation(r, &kPopupImpl, popup_, popup_destroyed);
}

void XdgSurface::set_window_geometry(const Rect& r) {
    pending_geometry_ = r;
    has_pending_geometry_ = true;
}

void XdgSurface::ack_configure(uint32_t serial) {
    if (!configure_sent_ || int32_t(serial - last_serial_) > 0) {
        wl_resource_post_error(resource_, XDG_SURFACE_ERROR_INVALID_SERIAL, "serial %u was never sent", serial);
        return;
    }
    acked_ = true;
}

void XdgSurface::role_destroyed() {
    toplevel_ = nullptr;
    popup_ = nullptr;
    mapped_ = false;
    configure_sent_ = false;
    acked_ = false;
}

void XdgSurface::committed() {
    if (!toplevel_ && !popup_) {
        wl_resource_post_error(resource_, XDG_SURFACE_ERROR_NOT_CONSTRUCTED, "commit of an xdg_surface without role");
        return;
    }
    if (has_pending_geometry_) {
        geometry_ = pending_geometry_;
        geometry_set_ = true;
        has_pending_geometry_ = false;
    }
    bool has_content = surface_->has_content();
    if (!configure_sent_) {
        if (has_content) {
            wl_resource_post_error(resource_, XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER, "buffer before configure");
            return;
        }
        if (toplevel_)
            toplevel_->send_initial_configure();
        else
            popup_->send_initial_configure();
        return;
    }
    if (has_content && !acked_) {
        wl_resource_post_error(resource_, XDG_SURFACE_ERROR_UNCONFIGURED_BUFFER, "buffer before ack_configure");
        return;
    }
    if (has_content && !mapped_) {
        mapped_ = true;
        if (toplevel_)
            toplevel_->map();
        else
            popup_->map();
    } else if (!has_content && mapped_) {
        // Unmapping resets the surface to its unconfigured state.
        mapped_ = false;
        configure_sent_ = false;
        acked_ = false;
        if (toplevel_)
            toplevel_->unmap();
        else
            popup_->unmap();
    }
}

// XdgToplevel ------------------------------------------------------------

XdgToplevel::XdgToplevel(XdgSurface& xdg_surface, wl_resource* resource)
    : xdg_surface_(&xdg_surface), resource_(resource) {
    xdg_surface.server().window_manager().window_created(*this);
}

XdgToplevel::~XdgToplevel() {
    if (xdg_surface_) {
        xdg_surface_->server().seat().window_destroyed(*this);
        xdg_surface_->server().window_manager().window_destroyed(*this);
        xdg_surface_->role_destroyed();
    }
}

void XdgToplevel::xdg_surface_gone() {
    // The protocol forbids destroying the xdg_surface first; be safe anyway.
    xdg_surface_->server().seat().window_destroyed(*this);
    xdg_surface_->server().window_manager().window_destroyed(*this);
    xdg_surface_ = nullptr;
}

void XdgToplevel::send_configure(Size size, bool activated, bool maximized, bool fullscreen) {
    if (!xdg_surface_) return;
    wl_array states;
    wl_array_init(&states);
    auto add = [&](uint32_t state) {
        if (auto* slot = static_cast<uint32_t*>(wl_array_add(&states, sizeof(uint32_t)))) *slot = state;
    };
    if (activated) add(XDG_TOPLEVEL_STATE_ACTIVATED);
    if (maximized) add(XDG_TOPLEVEL_STATE_MAXIMIZED);
    if (fullscreen) add(XDG_TOPLEVEL_STATE_FULLSCREEN);
    xdg_toplevel_send_configure(resource_, size.width, size.height, &states);
    wl_array_release(&states);
    xdg_surface_->send_configure();
}

void XdgToplevel::send_close() {
    xdg_toplevel_send_close(resource_);
}

void XdgToplevel::send_initial_configure() {
    send_configure({0, 0}, false, false, false);
}

void XdgToplevel::map() {
    if (mapped_ || !xdg_surface_) return;
    mapped_ = true;
    xdg_surface_->server().window_manager().window_mapped(*this);
}

void XdgToplevel::unmap() {
    if (!mapped_ || !xdg_surface_) return;
    mapped_ = false;
    xdg_surface_->server().seat().window_destroyed(*this);
    xdg_surface_->server().window_manager().window_unmapped(*this);
}

void XdgToplevel::set_title(const char* title) {
    // Titles are for people; cap them so a client cannot make every
    // decoration redraw shape megabytes of text.
    title_.assign(title, strnlen(title, 512));
    if (xdg_surface_) xdg_surface_->server().window_manager().window_title_changed(*this);
}

void XdgToplevel::set_app_id(const char* app_id) {
    app_id_.assign(app_id, strnlen(app_id, 512));
    if (xdg_surface_) xdg_surface_->server().window_manager().window_title_changed(*this);
}

// XdgPopup ---------------------------------------------------------------

XdgPopup::XdgPopup(XdgSurface& xdg_surface, wl_resource* resource, XdgSurface* parent, const PositionerRules& rules)
    : xdg_surface_(&xdg_surface),
      resource_(resource),
      parent_surface_(parent->surface()),
      parent_geometry_(parent->geometry()),
      rules_(rules) {
    place();
}

XdgPopup::~XdgPopup() {
    if (xdg_surface_) {
        unmap();
        xdg_surface_->role_destroyed();
    }
}

void XdgPopup::xdg_surface_gone() {
    unmap();
    xdg_surface_ = nullptr;
}

void XdgPopup::place() {
    // Keep the popup on the output: bounds in parent-geometry coordinates.
    Rect bounds;
    Point parent_origin;
    if (xdg_surface_ && parent_surface_ &&
        xdg_surface_->server().window_manager().surface_position(*parent_surface_, &parent_origin)) {
        Size out = xdg_surface_->server().window_manager().output_size();
        int gx = parent_origin.x + parent_geometry_.x, gy = parent_origin.y + parent_geometry_.y;
        bounds = {-gx, -gy, out.width, out.height};
    }
    placed_ = place_popup(rules_, bounds);
}

Point XdgPopup::offset() const {
    Rect own = xdg_surface_ ? xdg_surface_->geometry() : Rect{};
    return {parent_geometry_.x + placed_.x - own.x, parent_geometry_.y + placed_.y - own.y};
}

void XdgPopup::send_initial_configure() {
    place();
    xdg_popup_send_configure(resource_, placed_.x, placed_.y, placed_.width, placed_.height);
    xdg_surface_->send_configure();
}

void XdgPopup::reposition(const PositionerRules& rules, uint32_t token) {
    rules_ = rules;
    place();
    if (wl_resource_get_version(resource_) >= XDG_POPUP_REPOSITIONED_SINCE_VERSION)
        xdg_popup_send_repositioned(resource_, token);
    xdg_popup_send_configure(resource_, placed_.x, placed_.y, placed_.width, placed_.height);
    if (xdg_surface_) xdg_surface_->send_configure();
}

void XdgPopup::grab() {
    if (xdg_surface_) xdg_surface_->server().seat().popup_grab(*this);
}

void XdgPopup::send_done() {
    xdg_popup_send_popup_done(resource_);
}

void XdgPopup::map() {
    if (mapped_ || !xdg_surface_) return;
    mapped_ = true;
    xdg_surface_->server().window_manager().popup_mapped(*this);
}

void XdgPopup::unmap() {
    if (!mapped_ || !xdg_surface_) return;
    mapped_ = false;
    xdg_surface_->server().seat().popup_destroyed(*this);
    xdg_surface_->server().window_manager().popup_destroyed(*this);
}

}  // namespace tessera::ui
