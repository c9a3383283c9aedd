#include "server.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "input/cursor.h"
#include "input/seat.h"
#include "protocol/data_device.h"
#include "protocol/output_global.h"
#include "protocol/surface.h"
#include "protocol/window_list.h"
#include "protocol/xdg_shell.h"

namespace tessera::ui {

// Counts one client's objects. Counting every resource exactly would need a
// destroy listener per object; instead every 256th creation walks the
// client's objects, which keeps the check amortised O(1).
struct Server::ClientWatch {
    Server* server;
    wl_client* client;
    int created_since_check = 0;
    wl_listener resource_created{};
    wl_listener destroyed{};
};

void Server::on_client_created(wl_listener* listener, void* data) {
    Server* self = wl_container_of(listener, self, client_created_);
    auto* client = static_cast<wl_client*>(data);
    auto* watch = new ClientWatch{self, client};
    watch->resource_created.notify = [](wl_listener* l, void*) {
        ClientWatch* w = wl_container_of(l, w, resource_created);
        if (++w->created_since_check < 256) return;
        w->created_since_check = 0;
        int count = 0;
        wl_client_for_each_resource(
            w->client,
            [](wl_resource*, void* n) {
                ++*static_cast<int*>(n);
                return WL_ITERATOR_CONTINUE;
            },
            &count);
        if (count > w->server->client_object_limit_)
            wl_client_post_implementation_error(w->client, "more than %d objects", w->server->client_object_limit_);
    };
    watch->destroyed.notify = [](wl_listener* l, void*) {
        ClientWatch* w = wl_container_of(l, w, destroyed);
        wl_list_remove(&w->resource_created.link);
        wl_list_remove(&w->destroyed.link);
        delete w;
    };
    wl_client_add_resource_created_listener(client, &watch->resource_created);
    wl_client_add_destroy_listener(client, &watch->destroyed);
}

bool Server::is_shell_client(wl_client* client) const {
    if (shell_socket_path_.empty()) return true;
    // The accepted socket's local address is the listening socket's path.
    sockaddr_un address{};
    socklen_t length = sizeof address;
    if (getsockname(wl_client_get_fd(client), reinterpret_cast<sockaddr*>(&address), &length) != 0) return false;
    return std::strncmp(address.sun_path, shell_socket_path_.c_str(), sizeof address.sun_path) == 0;
}

Server::Server(wl_display* wayland_display) : display_(wayland_display) {
    wl_display_set_global_filter(
        display_,
        [](const wl_client* client, const wl_global* global, void* data) {
            auto* self = static_cast<Server*>(data);
            const wl_interface* interface = wl_global_get_interface(global);
            bool shell_only = std::strcmp(interface->name, "tessera_window_list_v1") == 0 ||
                              std::strcmp(interface->name, "tessera_layer_shell_v1") == 0;
            return !shell_only || self->is_shell_client(const_cast<wl_client*>(client));
        },
        this);
    client_created_.notify = &Server::on_client_created;
    wl_display_add_client_created_listener(display_, &client_created_);
    wl_display_init_shm(display_);  // ARGB8888 and XRGB8888
    Surface::create_global(*this);
    create_subcompositor_global(*this);
    create_xdg_shell_global(*this);
    create_xdg_decoration_global(*this);
    create_layer_shell_global(*this);
    data_devices_ = std::make_unique<DataDeviceManager>(*this);
    seat_ = std::make_unique<Seat>(*this);
    wm_.set_focus_listener([this] { seat_->focus_changed(); });
    window_list_ = std::make_unique<WindowListGlobal>(*this);
    wm_.set_change_listener([this] { window_list_->changed(); });
}

Server::~Server() {
    // Clients (and with them every surface and window) go before the
    // objects they report to.
    wl_display_destroy_clients(display_);
    wl_list_remove(&client_created_.link);
    wm_.set_change_listener(nullptr);
    compositor_.reset();
}

void Server::attach_display(Display& display) {
    compositor_ = std::make_unique<Compositor>(loop(), display, wm_);
    cursor_ = std::make_unique<Cursor>(display);
    wm_.set_compositor(compositor_.get());
    wm_.set_output_size(display.size());
    create_output_global(*this);
}

void Server::surface_committed(Surface& surface) {
    wm_.surface_damaged(surface, surface.committed_damage());
}

void Server::surface_destroyed(Surface& surface) {
    seat_->surface_destroyed(surface);
    wm_.surface_destroyed(surface);
}

void Server::cursor_moved(Point position) {
    if (cursor_listener_) cursor_listener_(position);
}

void Server::output_resized(Size size) {
    wm_.set_output_size(size);
    compositor_->output_resized();
    send_output_mode(*this);
    wm_.relayout_maximized();
    if (on_output_resized) on_output_resized(size);
}

bool Server::charge_image_bytes(wl_client* client, int64_t bytes) {
    int64_t& total = client_image_bytes_[client];
    if (bytes > 0 && total + bytes > client_image_budget_) return false;
    total += bytes;
    if (total <= 0) client_image_bytes_.erase(client);
    return true;
}

void Server::dispatch(int timeout_ms) {
    wl_display_flush_clients(display_);
    wl_event_loop_dispatch(loop(), timeout_ms);
}

void Server::run() {
    while (running_) dispatch(-1);
}

}  // namespace tessera::ui
