// tessera_window_list_v1 (protocols/tessera-window-list-v1.xml): the
// taskbar's view of the window manager's windows.
#pragma once

#include "wm/window_manager.h"

#include <wayland-server-core.h>

#include <map>
#include <vector>

namespace tessera::ui {

class Server;

class WindowListGlobal {
public:
    explicit WindowListGlobal(Server& server);
    ~WindowListGlobal();

    // The window manager's state changed: publish the differences on the
    // next loop iteration (one batch however many changes came).
    void changed();

private:
    struct Published {
        std::string title;
        std::string app_id;
        uint32_t state;
        bool operator==(const Published&) const = default;
    };

    static void bind(wl_client* client, void* data, uint32_t version, uint32_t id);
    static void on_idle(void* data);
    void publish();
    void send_all(wl_resource* resource);

    Server& server_;
    wl_global* global_ = nullptr;
    std::vector<wl_resource*> resources_;
    std::map<uint32_t, Published> published_;
    wl_event_source* idle_ = nullptr;
};

}  // namespace tessera::ui
