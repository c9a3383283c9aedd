#include "protocol/output_global.h"

#include "server.h"

#include <wayland-server-protocol.h>

#include <algorithm>

namespace tessera::ui {

namespace {

const struct wl_output_interface kOutputImpl = {[](wl_client*, wl_resource* r) { wl_resource_destroy(r); }};

void send_state(Server* server, wl_resource* r, bool with_geometry) {
    uint32_t version = uint32_t(wl_resource_get_version(r));
    Size size = server->compositor().size();
    if (!with_geometry) {
        wl_output_send_mode(r, WL_OUTPUT_MODE_CURRENT | WL_OUTPUT_MODE_PREFERRED, size.width, size.height, 60000);
        if (version >= WL_OUTPUT_DONE_SINCE_VERSION) wl_output_send_done(r);
        return;
    }
    // A virtual screen: report 96 dpi.
    wl_output_send_geometry(r, 0, 0, size.width * 254 / 960, size.height * 254 / 960, WL_OUTPUT_SUBPIXEL_NONE,
                            "Tessera", "virtual", WL_OUTPUT_TRANSFORM_NORMAL);
    wl_output_send_mode(r, WL_OUTPUT_MODE_CURRENT | WL_OUTPUT_MODE_PREFERRED, size.width, size.height, 60000);
    if (version >= WL_OUTPUT_SCALE_SINCE_VERSION) wl_output_send_scale(r, 1);
    if (version >= WL_OUTPUT_NAME_SINCE_VERSION) {
        wl_output_send_name(r, "VIRTUAL-1");
        wl_output_send_description(r, "Tessera display service");
    }
    if (version >= WL_OUTPUT_DONE_SINCE_VERSION) wl_output_send_done(r);
}

void bind_output(wl_client* client, void* data, uint32_t version, uint32_t id) {
    auto* server = static_cast<Server*>(data);
    wl_resource* r = wl_resource_create(client, &wl_output_interface, int(version), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kOutputImpl, server, [](wl_resource* res) {
        auto* s = static_cast<Server*>(wl_resource_get_user_data(res));
        auto& list = s->output_resources();
        list.erase(std::remove(list.begin(), list.end(), res), list.end());
    });
    server->output_resources().push_back(r);
    send_state(server, r, true);
}

}  // namespace

void send_output_mode(Server& server) {
    for (wl_resource* r : server.output_resources()) send_state(&server, r, false);
}

void create_output_global(Server& server) {
    wl_global_create(server.display(), &wl_output_interface, 4, &server, bind_output);
}

}  // namespace tessera::ui
