// wl_subcompositor and wl_subsurface.
//
// Synchronized subsurfaces (the default) cache their commits until the
// parent's state is applied (Surface::commit / apply_cached); position and
// stacking always wait for the parent's commit.
#include "protocol/output_global.h"
#include "protocol/surface.h"
#include "server.h"

#include <wayland-server-protocol.h>

#include <cstring>

namespace tessera::ui {

namespace {

class Subsurface : public SurfaceRole {
public:
    Subsurface(Server& server, wl_resource* resource, Surface* surface, Surface* parent)
        : server_(server), resource_(resource), link_{surface, parent, {}, false}, pending_(link_) {
        server_.window_manager().subsurface_added(link_);
        parent_listener_.notify = &Subsurface::on_parent_destroyed;
        wl_resource_add_destroy_listener(parent->resource(), &parent_listener_);
    }

    ~Subsurface() override {
        wl_list_remove(&parent_listener_.link);
        if (link_.surface) {
            server_.window_manager().subsurface_removed(*link_.surface);
            link_.surface->set_role_object(nullptr);
        }
    }

    const char* role_name() const override { return "wl_subsurface"; }
    void committed() override {}
    bool synchronized() const override {
        if (sync_) return true;
        // A desynchronized child of a synchronized parent is synchronized too.
        Surface* parent = link_.parent;
        return parent && parent->role_object() && parent->role_object()->synchronized();
    }
    void set_sync(bool sync) {
        sync_ = sync;
        if (!sync && !synchronized() && link_.surface) link_.surface->apply_cached();
    }
    void surface_destroyed() override {
        server_.window_manager().subsurface_removed(*link_.surface);
        link_.surface = nullptr;
    }

    // Position and stacking are parent state: they apply with the parent's
    // next commit (parent_applied), whatever the sync mode.
    void set_position(int32_t x, int32_t y) {
        pending_.offset = {clamp_coordinate(x), clamp_coordinate(y)};
        pending_dirty_ = true;
    }
    void place(bool above) {
        pending_.below_parent = !above;
        pending_dirty_ = true;
    }

    void parent_applied() override {
        if (!pending_dirty_ || !link_.surface || !link_.parent) return;
        pending_dirty_ = false;
        link_.offset = pending_.offset;
        link_.below_parent = pending_.below_parent;
        server_.window_manager().subsurface_changed(link_);
    }

    Surface* parent() const { return link_.parent; }

private:
    static void on_parent_destroyed(wl_listener* listener, void*) {
        Subsurface* self = wl_container_of(listener, self, parent_listener_);
        wl_list_remove(&self->parent_listener_.link);
        wl_list_init(&self->parent_listener_.link);
        if (self->link_.surface) self->server_.window_manager().subsurface_removed(*self->link_.surface);
        self->link_.parent = nullptr;
    }

    Server& server_;
    wl_resource* resource_;
    SubsurfaceLink link_;
    SubsurfaceLink pending_;
    bool pending_dirty_ = false;
    bool sync_ = true;
    wl_listener parent_listener_{};
};

Subsurface* SS(wl_resource* r) {
    return static_cast<Subsurface*>(wl_resource_get_user_data(r));
}

const struct wl_subsurface_interface kSubsurfaceImpl = {
    [](wl_client*, wl_resource* r) { wl_resource_destroy(r); },
    [](wl_client*, wl_resource* r, int32_t x, int32_t y) { SS(r)->set_position(x, y); },
    [](wl_client*, wl_resource* r, wl_resource*) { SS(r)->place(true); },
    [](wl_client*, wl_resource* r, wl_resource*) { SS(r)->place(false); },
    [](wl_client*, wl_resource* r) { SS(r)->set_sync(true); },
    [](wl_client*, wl_resource* r) { SS(r)->set_sync(false); },
};

void get_subsurface(wl_client* client, wl_resource* r, uint32_t id, wl_resource* surface_resource,
                    wl_resource* parent_resource) {
    auto* server = static_cast<Server*>(wl_resource_get_user_data(r));
    Surface* surface = Surface::from_resource(surface_resource);
    Surface* parent = Surface::from_resource(parent_resource);
    if (surface == parent) {
        wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE, "a surface cannot be its own parent");
        return;
    }
    // Refuse cycles: the parent must not already descend from the surface.
    if (server->window_manager().is_ancestor(surface, parent)) {
        wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE, "subsurface cycle");
        return;
    }
    if (surface->role_object() || (surface->role_name() && std::strcmp(surface->role_name(), "wl_subsurface"))) {
        wl_resource_post_error(r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE, "wl_surface@%u already has a role",
                               wl_resource_get_id(surface_resource));
        return;
    }
    wl_resource* sub = wl_resource_create(client, &wl_subsurface_interface, 1, id);
    if (!sub) {
        wl_client_post_no_memory(client);
        return;
    }
    auto* object = new Subsurface(*server, sub, surface, parent);
    surface->set_role("wl_subsurface", object, r, WL_SUBCOMPOSITOR_ERROR_BAD_SURFACE);
    wl_resource_set_implementation(sub, &kSubsurfaceImpl, object, [](wl_resource* res) { delete SS(res); });
}

const struct wl_subcompositor_interface kSubcompositorImpl = {
    [](wl_client*, wl_resource* r) { wl_resource_destroy(r); },
    get_subsurface,
};

void bind_subcompositor(wl_client* client, void* data, uint32_t version, uint32_t id) {
    wl_resource* r = wl_resource_create(client, &wl_subcompositor_interface, int(version), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kSubcompositorImpl, data, nullptr);
}

}  // namespace

void create_subcompositor_global(Server& server) {
    wl_global_create(server.display(), &wl_subcompositor_interface, 1, &server, bind_subcompositor);
}

}  // namespace tessera::ui
