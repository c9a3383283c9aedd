#include "protocol/data_device.h"

#include "server.h"

#include <wayland-server-protocol.h>

#include <unistd.h>
#include <algorithm>

namespace tessera::ui {

namespace {

constexpr int kVersion = 3;
// A source with more MIME types than this is a broken client.
constexpr size_t kMaxMimeTypes = 64;

using Source = DataDeviceManager::Source;

Source* source_of(wl_resource* r) {
    return static_cast<Source*>(wl_resource_get_user_data(r));
}
DataDeviceManager* manager_of(wl_resource* r) {
    return static_cast<DataDeviceManager*>(wl_resource_get_user_data(r));
}

void destroy_resource(wl_client*, wl_resource* r) {
    wl_resource_destroy(r);
}

// wl_data_offer's user data is the source resource it offers (or null once
// that source is gone).
struct Offer {
    wl_resource* source;
    wl_listener source_destroyed;
};

Offer* offer_of(wl_resource* r) {
    return static_cast<Offer*>(wl_resource_get_user_data(r));
}

const struct wl_data_offer_interface kOfferImpl = {
    [](wl_client*, wl_resource*, uint32_t, const char*) {},  // accept: only for drag and drop
    [](wl_client*, wl_resource* r, const char* mime, int32_t fd) {
        Offer* offer = offer_of(r);
        if (offer && offer->source) wl_data_source_send_send(offer->source, mime, fd);
        close(fd);  // the source client got its own copy
    },
    destroy_resource,
    [](wl_client*, wl_resource*) {},                      // finish
    [](wl_client*, wl_resource*, uint32_t, uint32_t) {},  // set_actions
};

const struct wl_data_source_interface kSourceImpl = {
    [](wl_client*, wl_resource* r, const char* mime) {
        Source* s = source_of(r);
        if (s->mime_types.size() >= kMaxMimeTypes) {
            wl_client_post_implementation_error(wl_resource_get_client(r), "more than %zu MIME types", kMaxMimeTypes);
            return;
        }
        s->mime_types.emplace_back(mime);
    },
    destroy_resource, [](wl_client*, wl_resource*, uint32_t) {},  // set_actions
};

const struct wl_data_device_interface kDeviceImpl = {
    [](wl_client*, wl_resource*, wl_resource* source, wl_resource*, wl_resource*, uint32_t) {
        // FIXME: drag and drop; the drag is refused at once.
        if (source) wl_data_source_send_cancelled(source);
    },
    [](wl_client*, wl_resource* r, wl_resource* source, uint32_t) {
        if (DataDeviceManager* m = manager_of(r)) m->set_selection(source);
    },
    destroy_resource,
};

}  // namespace

DataDeviceManager::DataDeviceManager(Server& server) : server_(server) {
    static const struct wl_data_device_manager_interface impl = {
        [](wl_client* c, wl_resource* r, uint32_t id) { manager_of(r)->create_source(c, r, id); },
        [](wl_client* c, wl_resource* r, uint32_t id, wl_resource*) { manager_of(r)->get_device(c, r, id); },
    };
    global_ = wl_global_create(server.display(), &wl_data_device_manager_interface, kVersion, this,
                               [](wl_client* client, void* data, uint32_t version, uint32_t id) {
                                   wl_resource* r =
                                       wl_resource_create(client, &wl_data_device_manager_interface, int(version), id);
                                   if (!r) {
                                       wl_client_post_no_memory(client);
                                       return;
                                   }
                                   wl_resource_set_implementation(r, &impl, data, nullptr);
                               });
}

DataDeviceManager::~DataDeviceManager() {
    for (wl_resource* d : devices_) wl_resource_set_user_data(d, nullptr);
}

void DataDeviceManager::create_source(wl_client* client, wl_resource* manager, uint32_t id) {
    wl_resource* r = wl_resource_create(client, &wl_data_source_interface, wl_resource_get_version(manager), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    auto* source = new Source{r, {}};
    wl_resource_set_implementation(r, &kSourceImpl, source, [](wl_resource* res) {
        // The manager outlives every client (clients go first at shutdown).
        delete source_of(res);
    });
    // Forget it as the selection when it goes.
    struct Watch {
        wl_listener listener;
        DataDeviceManager* manager;
    };
    auto* watch = new Watch{{}, this};
    watch->listener.notify = [](wl_listener* l, void* data) {
        Watch* w = wl_container_of(l, w, listener);
        wl_list_remove(&l->link);
        w->manager->source_destroyed(static_cast<wl_resource*>(data));
        delete w;
    };
    wl_resource_add_destroy_listener(r, &watch->listener);
}

void DataDeviceManager::get_device(wl_client* client, wl_resource* manager, uint32_t id) {
    wl_resource* r = wl_resource_create(client, &wl_data_device_interface, wl_resource_get_version(manager), id);
    if (!r) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(r, &kDeviceImpl, this, [](wl_resource* res) {
        if (DataDeviceManager* m = manager_of(res)) m->device_destroyed(res);
    });
    devices_.push_back(r);
    if (client == focus_) send_selection_to(client);
}

void DataDeviceManager::device_destroyed(wl_resource* device) {
    devices_.erase(std::remove(devices_.begin(), devices_.end(), device), devices_.end());
}

void DataDeviceManager::set_selection(wl_resource* source) {
    // FIXME: the serial is not checked against a recent input event.
    if (selection_ == source) return;
    if (selection_) wl_data_source_send_cancelled(selection_);
    selection_ = source;
    if (focus_) send_selection_to(focus_);
}

void DataDeviceManager::source_destroyed(wl_resource* source) {
    if (selection_ != source) return;
    selection_ = nullptr;
    if (focus_) send_selection_to(focus_);
}

void DataDeviceManager::focus_changed(wl_client* client) {
    if (client == focus_) return;
    focus_ = client;
    if (client) send_selection_to(client);
}

void DataDeviceManager::send_selection_to(wl_client* client) {
    for (wl_resource* device : devices_) {
        if (wl_resource_get_client(device) != client) continue;
        if (!selection_) {
            wl_data_device_send_selection(device, nullptr);
            continue;
        }
        wl_resource* offer = wl_resource_create(client, &wl_data_offer_interface, wl_resource_get_version(device), 0);
        if (!offer) {
            wl_client_post_no_memory(client);
            return;
        }
        auto* state = new Offer{selection_, {}};
        state->source_destroyed.notify = [](wl_listener* l, void*) {
            Offer* o = wl_container_of(l, o, source_destroyed);
            o->source = nullptr;
            wl_list_remove(&l->link);
            wl_list_init(&l->link);
        };
        wl_resource_add_destroy_listener(selection_, &state->source_destroyed);
        wl_resource_set_implementation(offer, &kOfferImpl, state, [](wl_resource* res) {
            Offer* o = offer_of(res);
            wl_list_remove(&o->source_destroyed.link);
            delete o;
        });
        wl_data_device_send_data_offer(device, offer);
        for (const std::string& mime : source_of(selection_)->mime_types) wl_data_offer_send_offer(offer, mime.c_str());
        wl_data_device_send_selection(device, offer);
    }
}

}  // namespace tessera::ui
