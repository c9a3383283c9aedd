// wl_data_device_manager: the clipboard (selection) between clients.
//
// A client sets the selection with a wl_data_source listing MIME types;
// the client with keyboard focus gets a wl_data_offer for it, and its
// receive(mime, fd) is forwarded to the source as send(mime, fd): the bytes
// flow between the two clients over that fd, never through uiserver.
// Drag and drop is not implemented: start_drag cancels the source.
#pragma once

#include <wayland-server-core.h>

#include <string>
#include <vector>

namespace tessera::ui {

class Server;

class DataDeviceManager {
public:
    explicit DataDeviceManager(Server& server);
    ~DataDeviceManager();

    // The client with keyboard focus changed (nullptr: none).
    void focus_changed(wl_client* client);

    // Implementation of the requests.
    void create_source(wl_client* client, wl_resource* manager, uint32_t id);
    void get_device(wl_client* client, wl_resource* manager, uint32_t id);
    void set_selection(wl_resource* source);
    void source_destroyed(wl_resource* source);
    void device_destroyed(wl_resource* device);

    struct Source {
        wl_resource* resource;
        std::vector<std::string> mime_types;
    };

private:
    void send_selection_to(wl_client* client);

    Server& server_;
    wl_global* global_ = nullptr;
    std::vector<wl_resource*> devices_;
    wl_resource* selection_ = nullptr;  // a wl_data_source
    wl_client* focus_ = nullptr;
};

}  // namespace tessera::ui
