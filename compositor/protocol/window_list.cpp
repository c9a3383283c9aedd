#include "protocol/window_list.h"

#include "server.h"
#include "tessera-window-list-v1-server-protocol.h"

#include <algorithm>

namespace tessera::ui {

namespace {

WindowListGlobal* global_of(wl_resource* r) {
    return static_cast<WindowListGlobal*>(wl_resource_get_user_data(r));
}

uint32_t state_of(const WindowInfo& w) {
    return (w.focused ? TESSERA_WINDOW_LIST_V1_STATE_FOCUSED : 0) |
           (w.minimized ? TESSERA_WINDOW_LIST_V1_STATE_MINIMIZED : 0) |
           (w.maximized ? TESSERA_WINDOW_LIST_V1_STATE_MAXIMIZED : 0);
}

}  // namespace

struct WindowListRequests {
    static void act(wl_resource* r, uint32_t id, int what, Server& server) {
        WindowManager& wm = server.window_manager();
        Window* w = wm.window_by_id(id);
        if (!w) return;  // the window may have gone since the client saw it
        if (what == 0)
            wm.restore(*w);
        else if (what == 1)
            wm.minimize(*w);
        else
            wm.close(*w);
        (void)r;
    }
};

WindowListGlobal::WindowListGlobal(Server& server) : server_(server) {
    global_ = wl_global_create(server.display(), &tessera_window_list_v1_interface, 1, this, &WindowListGlobal::bind);
}

WindowListGlobal::~WindowListGlobal() {
    if (idle_) wl_event_source_remove(idle_);
    for (wl_resource* r : resources_) wl_resource_set_user_data(r, nullptr);
}

void WindowListGlobal::bind(wl_client* client, void* data, uint32_t version, uint32_t id) {
    auto* self = static_cast<WindowListGlobal*>(data);
    wl_resource* r = wl_resource_create(client, &tessera_window_list_v1_interface, int(version), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    static const struct tessera_window_list_v1_interface impl = {
        [](wl_client*, wl_resource* r, uint32_t id) {
            if (auto* g = global_of(r)) WindowListRequests::act(r, id, 0, g->server_);
        },
        [](wl_client*, wl_resource* r, uint32_t id) {
            if (auto* g = global_of(r)) WindowListRequests::act(r, id, 1, g->server_);
        },
        [](wl_client*, wl_resource* r, uint32_t id) {
            if (auto* g = global_of(r)) WindowListRequests::act(r, id, 2, g->server_);
        },
        [](wl_client*, wl_resource* r) { wl_resource_destroy(r); },
    };
    wl_resource_set_implementation(r, &impl, self, [](wl_resource* res) {
        if (auto* g = global_of(res))
            g->resources_.erase(std::remove(g->resources_.begin(), g->resources_.end(), res), g->resources_.end());
    });
    self->resources_.push_back(r);
    self->send_all(r);
}

void WindowListGlobal::send_all(wl_resource* r) {
    for (const WindowInfo& w : server_.window_manager().list_windows())
        tessera_window_list_v1_send_window(r, w.id, w.title.c_str(), w.app_id.c_str(), state_of(w));
    tessera_window_list_v1_send_done(r);
}

void WindowListGlobal::changed() {
    if (!idle_) idle_ = wl_event_loop_add_idle(server_.loop(), &WindowListGlobal::on_idle, this);
}

void WindowListGlobal::on_idle(void* data) {
    auto* self = static_cast<WindowListGlobal*>(data);
    self->idle_ = nullptr;
    self->publish();
}

void WindowListGlobal::publish() {
    std::map<uint32_t, Published> now;
    for (const WindowInfo& w : server_.window_manager().list_windows()) now[w.id] = {w.title, w.app_id, state_of(w)};
    bool any = false;
    for (const auto& [id, p] : now) {
        auto it = published_.find(id);
        if (it != published_.end() && it->second == p) continue;
        any = true;
        for (wl_resource* r : resources_)
            tessera_window_list_v1_send_window(r, id, p.title.c_str(), p.app_id.c_str(), p.state);
    }
    for (const auto& [id, p] : published_) {
        if (now.count(id)) continue;
        any = true;
        for (wl_resource* r : resources_) tessera_window_list_v1_send_window_removed(r, id);
    }
    if (any)
        for (wl_resource* r : resources_) tessera_window_list_v1_send_done(r);
    published_ = std::move(now);
}

}  // namespace tessera::ui
