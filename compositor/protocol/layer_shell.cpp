// tessera_layer_shell_v1 (protocols/tessera-layer-shell-v1.xml): the
// desktop shell's panel, background and launcher surfaces.
//
// FIXME: the global is open to every client.
#include "protocol/surface.h"
#include "server.h"
#include "tessera-layer-shell-v1-server-protocol.h"
#include "wm/window_manager.h"

#include <algorithm>
#include <string>

namespace tessera::ui {

namespace {

class LayerShellSurface final : public SurfaceRole, public LayerSurface {
public:
    LayerShellSurface(Server& server, wl_resource* resource, Surface* surface, uint32_t layer)
        : server_(server), resource_(resource), surface_(surface), layer_(layer) {}

    ~LayerShellSurface() override {
        unmap();
        if (surface_) surface_->set_role_object(nullptr);
    }

    // SurfaceRole
    const char* role_name() const override { return "tessera_layer_surface_v1"; }
    void committed() override;
    void surface_destroyed() override {
        unmap();
        surface_ = nullptr;
    }

    // LayerSurface
    Surface* surface() const override { return surface_; }
    uint32_t layer() const override { return layer_; }
    const LayerRules& rules() const override { return current_; }

    LayerRules pending;
    void ack(uint32_t serial) {
        if (!configure_sent_ || int32_t(serial - last_serial_) > 0) {
            wl_resource_post_error(resource_, TESSERA_LAYER_SURFACE_V1_ERROR_UNCONFIGURED_BUFFER,
                                   "serial %u was never sent", serial);
            return;
        }
        acked_ = true;
    }

private:
    void unmap() {
        if (!mapped_) return;
        mapped_ = false;
        server_.window_manager().layer_surface_unmapped(*this);
    }

    Server& server_;
    wl_resource* resource_;
    Surface* surface_;
    uint32_t layer_;
    LayerRules current_;
    bool configure_sent_ = false;
    bool acked_ = false;
    bool mapped_ = false;
    uint32_t last_serial_ = 0;
    Size configured_;
};

void LayerShellSurface::committed() {
    const uint32_t all = kAnchorTop | kAnchorBottom | kAnchorLeft | kAnchorRight;
    if (pending.anchor & ~all) {
        wl_resource_post_error(resource_, TESSERA_LAYER_SURFACE_V1_ERROR_INVALID_ANCHOR, "anchor %u", pending.anchor);
        return;
    }
    bool stretch_x = (pending.anchor & (kAnchorLeft | kAnchorRight)) == (kAnchorLeft | kAnchorRight);
    bool stretch_y = (pending.anchor & (kAnchorTop | kAnchorBottom)) == (kAnchorTop | kAnchorBottom);
    if ((pending.size.width == 0 && !stretch_x) || (pending.size.height == 0 && !stretch_y)) {
        wl_resource_post_error(resource_, TESSERA_LAYER_SURFACE_V1_ERROR_INVALID_SIZE,
                               "a 0 size needs anchors on both sides");
        return;
    }
    bool has_content = surface_->has_content();
    Size output = server_.window_manager().output_size();
    Rect placed = arrange_layer_surface(pending, output);
    Size wanted{placed.width, placed.height};
    if (!configure_sent_ || !(wanted == configured_)) {
        if (has_content && !configure_sent_) {
            wl_resource_post_error(resource_, TESSERA_LAYER_SURFACE_V1_ERROR_UNCONFIGURED_BUFFER,
                                   "buffer before configure");
            return;
        }
        last_serial_ = wl_display_next_serial(server_.display());
        configured_ = wanted;
        tessera_layer_surface_v1_send_configure(resource_, last_serial_, uint32_t(wanted.width),
                                                uint32_t(wanted.height));
        configure_sent_ = true;
    }
    if (has_content && !acked_) {
        wl_resource_post_error(resource_, TESSERA_LAYER_SURFACE_V1_ERROR_UNCONFIGURED_BUFFER,
                               "buffer before ack_configure");
        return;
    }
    bool interactivity_changed = current_.keyboard_interactive != pending.keyboard_interactive;
    current_ = pending;
    if (interactivity_changed && mapped_) server_.window_manager().layer_keyboard_changed();
    // The surface is drawn at its buffer's size, at the arranged origin.
    if (has_content && !mapped_) {
        mapped_ = true;
        server_.window_manager().layer_surface_mapped(*this);
    } else if (!has_content && mapped_) {
        unmap();
        configure_sent_ = false;
        acked_ = false;
    } else if (mapped_) {
        server_.compositor().schedule_repaint();
    }
}

LayerShellSurface* LS(wl_resource* r) {
    return static_cast<LayerShellSurface*>(wl_resource_get_user_data(r));
}

const struct tessera_layer_surface_v1_interface kLayerSurfaceImpl = {
    [](wl_client*, wl_resource* r, uint32_t w, uint32_t h) {
        if (w > 8192 || h > 8192) {
            wl_resource_post_error(r, TESSERA_LAYER_SURFACE_V1_ERROR_INVALID_SIZE, "size %ux%u", w, h);
            return;
        }
        LS(r)->pending.size = {int32_t(w), int32_t(h)};
    },
    [](wl_client*, wl_resource* r, uint32_t anchor) { LS(r)->pending.anchor = anchor; },
    [](wl_client*, wl_resource* r, int32_t zone) { LS(r)->pending.exclusive_zone = std::clamp(zone, -1, 8192); },
    [](wl_client*, wl_resource* r, int32_t t, int32_t rt, int32_t b, int32_t l) {
        auto clamp = [](int32_t v) { return std::clamp(v, -8192, 8192); };
        LayerRules& p = LS(r)->pending;
        p.margin_top = clamp(t);
        p.margin_right = clamp(rt);
        p.margin_bottom = clamp(b);
        p.margin_left = clamp(l);
    },
    [](wl_client*, wl_resource* r, uint32_t interactive) { LS(r)->pending.keyboard_interactive = interactive != 0; },
    [](wl_client*, wl_resource* r, uint32_t serial) { LS(r)->ack(serial); },
    [](wl_client*, wl_resource* r) { wl_resource_destroy(r); },
};

void get_layer_surface(wl_client* client, wl_resource* shell, uint32_t id, wl_resource* surface_resource,
                       uint32_t layer, const char*) {
    auto* server = static_cast<Server*>(wl_resource_get_user_data(shell));
    Surface* surface = Surface::from_resource(surface_resource);
    if (layer > TESSERA_LAYER_SHELL_V1_LAYER_OVERLAY) {
        wl_resource_post_error(shell, TESSERA_LAYER_SHELL_V1_ERROR_INVALID_LAYER, "layer %u", layer);
        return;
    }
    if (surface->role_object() || surface->has_content() || surface->has_pending_buffer() ||
        (surface->role_name() && std::string(surface->role_name()) != "tessera_layer_surface_v1")) {
        wl_resource_post_error(shell, TESSERA_LAYER_SHELL_V1_ERROR_ROLE, "wl_surface@%u has a role or a buffer",
                               wl_resource_get_id(surface_resource));
        return;
    }
    wl_resource* r = wl_resource_create(client, &tessera_layer_surface_v1_interface, 1, id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    auto* object = new LayerShellSurface(*server, r, surface, layer);
    surface->set_role("tessera_layer_surface_v1", object, shell, TESSERA_LAYER_SHELL_V1_ERROR_ROLE);
    wl_resource_set_implementation(r, &kLayerSurfaceImpl, object, [](wl_resource* res) { delete LS(res); });
}

const struct tessera_layer_shell_v1_interface kShellImpl = {
    get_layer_surface,
    [](wl_client*, wl_resource* r) { wl_resource_destroy(r); },
};

}  // namespace

void create_layer_shell_global(Server& server) {
    wl_global_create(server.display(), &tessera_layer_shell_v1_interface, 1, &server,
                     [](wl_client* client, void* data, uint32_t version, uint32_t id) {
                         wl_resource* r =
                             wl_resource_create(client, &tessera_layer_shell_v1_interface, int(version), id);
                         if (!r) {
                             wl_client_post_no_memory(client);
                             return;
                         }
                         wl_resource_set_implementation(r, &kShellImpl, data, nullptr);
                     });
}

}  // namespace tessera::ui
