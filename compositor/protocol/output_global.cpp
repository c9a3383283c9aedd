#include "protocol/output_global.h"

#include "server.h"

#include <wayland-server-protocol.h>

namespace tessera::ui {

namespace {

const struct wl_output_interface kOutputImpl = {[](wl_client*, wl_resource* r) { wl_resource_destroy(r); }};

void bind_output(wl_client* client, void* data, uint32_t version, uint32_t id) {
    auto* server = static_cast<Server*>(data);
    wl_resource* r = wl_resource_create(client, &wl_output_interface, int(version), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kOutputImpl, nullptr, nullptr);
    Size size = server->compositor().size();
    // A virtual screen: report 96 dpi.
    wl_output_send_geometry(r, 0, 0, size.width * 254 / 960, size.height * 254 / 960, WL_OUTPUT_SUBPIXEL_NONE,
                            "Tessera", "virtual", WL_OUTPUT_TRANSFORM_NORMAL);
    wl_output_send_mode(r, WL_OUTPUT_MODE_CURRENT | WL_OUTPUT_MODE_PREFERRED, size.width, size.height, 60000);
    if (version >= WL_OUTPUT_SCALE_SINCE_VERSION)
        wl_output_send_scale(r, 1);
    if (version >= WL_OUTPUT_NAME_SINCE_VERSION) {
        wl_output_send_name(r, "VIRTUAL-1");
        wl_output_send_description(r, "Tessera display service");
    }
    if (version >= WL_OUTPUT_DONE_SINCE_VERSION)
        wl_output_send_done(r);
}

} // namespace

void create_output_global(Server& server) {
    wl_global_create(server.display(), &wl_output_interface, 4, &server, bind_output);
}

} // namespace tessera::ui
