// zxdg_decoration_manager_v1: uiserver always decorates (server side). A
// client asking for client-side decorations is told server_side anyway, as
// the protocol allows; clients that never ask are decorated too.
#include "protocol/xdg_shell.h"
#include "server.h"
#include "xdg-decoration-unstable-v1-server-protocol.h"
#include "xdg-shell-server-protocol.h"

namespace tessera::ui {

namespace {

void send_server_side(wl_resource* decoration) {
    auto* toplevel_resource = static_cast<wl_resource*>(wl_resource_get_user_data(decoration));
    zxdg_toplevel_decoration_v1_send_configure(decoration, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
    if (!toplevel_resource) return;
    auto* toplevel = static_cast<XdgToplevel*>(wl_resource_get_user_data(toplevel_resource));
    if (toplevel && toplevel->xdg_surface() && toplevel->xdg_surface()->configure_sent())
        toplevel->xdg_surface()->send_configure();
}

const struct zxdg_toplevel_decoration_v1_interface kDecorationImpl = {
    [](wl_client*, wl_resource* r) { wl_resource_destroy(r); },
    [](wl_client*, wl_resource* r, uint32_t) { send_server_side(r); },
    [](wl_client*, wl_resource* r) { send_server_side(r); },
};

void get_toplevel_decoration(wl_client* client, wl_resource* manager, uint32_t id, wl_resource* toplevel) {
    wl_resource* r =
        wl_resource_create(client, &zxdg_toplevel_decoration_v1_interface, wl_resource_get_version(manager), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    // FIXME: the toplevel resource may die first; only its pointer is kept
    // and checked through its destroy listener below.
    wl_resource_set_implementation(r, &kDecorationImpl, toplevel, nullptr);
    struct Watch {
        wl_listener listener;
        wl_resource* decoration;
    };
    auto* watch = new Watch{{}, r};
    watch->listener.notify = [](wl_listener* l, void*) {
        Watch* w = wl_container_of(l, w, listener);
        wl_resource_set_user_data(w->decoration, nullptr);
        wl_list_remove(&w->listener.link);
        delete w;
    };
    wl_resource_add_destroy_listener(toplevel, &watch->listener);
    zxdg_toplevel_decoration_v1_send_configure(r, ZXDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
}

const struct zxdg_decoration_manager_v1_interface kManagerImpl = {
    [](wl_client*, wl_resource* r) { wl_resource_destroy(r); },
    get_toplevel_decoration,
};

}  // namespace

void create_xdg_decoration_global(Server& server) {
    wl_global_create(server.display(), &zxdg_decoration_manager_v1_interface, 1, &server,
                     [](wl_client* client, void* data, uint32_t version, uint32_t id) {
                         wl_resource* r =
                             wl_resource_create(client, &zxdg_decoration_manager_v1_interface, int(version), id);
                         if (!r) {
                             wl_client_post_no_memory(client);
                             return;
                         }
                         wl_resource_set_implementation(r, &kManagerImpl, data, nullptr);
                     });
}

}  // namespace tessera::ui
