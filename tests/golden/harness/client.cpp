#include "client.h"

#include "xdg-shell-client-protocol.h"

#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace tessera::golden {

namespace {

const wl_pointer_listener kPointerListener = {
    [](void* data, wl_pointer*, uint32_t serial, wl_surface*, wl_fixed_t x, wl_fixed_t y) {
        auto* log = static_cast<TestClient::InputLog*>(data);
        ++log->enters;
        log->enter_serial = serial;
        log->last_motion = {wl_fixed_to_int(x), wl_fixed_to_int(y)};
    },
    [](void* data, wl_pointer*, uint32_t, wl_surface*) { ++static_cast<TestClient::InputLog*>(data)->leaves; },
    [](void* data, wl_pointer*, uint32_t, wl_fixed_t x, wl_fixed_t y) {
        static_cast<TestClient::InputLog*>(data)->last_motion = {wl_fixed_to_int(x), wl_fixed_to_int(y)};
    },
    [](void* data, wl_pointer*, uint32_t, uint32_t, uint32_t, uint32_t) {
        ++static_cast<TestClient::InputLog*>(data)->buttons;
    },
    [](void*, wl_pointer*, uint32_t, uint32_t, wl_fixed_t) {},
    [](void*, wl_pointer*) {},
    [](void*, wl_pointer*, uint32_t) {},
    [](void*, wl_pointer*, uint32_t, uint32_t) {},
    [](void*, wl_pointer*, uint32_t, int32_t) {},
    [](void*, wl_pointer*, uint32_t, int32_t) {},
};

const wl_keyboard_listener kKeyboardListener = {
    [](void* data, wl_keyboard*, uint32_t, int32_t fd, uint32_t size) {
        auto* log = static_cast<TestClient::InputLog*>(data);
        void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            log->keymap_received = std::strstr(static_cast<const char*>(map), "xkb_keymap") != nullptr;
            log->keymap.assign(static_cast<const char*>(map), strnlen(static_cast<const char*>(map), size));
            munmap(map, size);
        }
        close(fd);
    },
    [](void* data, wl_keyboard*, uint32_t, wl_surface*, wl_array*) {
        ++static_cast<TestClient::InputLog*>(data)->keyboard_enters;
    },
    [](void*, wl_keyboard*, uint32_t, wl_surface*) {},
    [](void* data, wl_keyboard*, uint32_t, uint32_t, uint32_t key, uint32_t) {
        auto* log = static_cast<TestClient::InputLog*>(data);
        ++log->keys;
        log->last_key = key;
    },
    [](void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {},
    [](void* data, wl_keyboard*, int32_t rate, int32_t) {
        static_cast<TestClient::InputLog*>(data)->repeat_rate = rate;
    },
};

const xdg_wm_base_listener kWmBaseListener = {
    [](void*, xdg_wm_base* base, uint32_t serial) { xdg_wm_base_pong(base, serial); },
};

}  // namespace

void TestClient::on_global(void* data, wl_registry* registry, uint32_t name, const char* interface, uint32_t version) {
    auto* self = static_cast<TestClient*>(data);
    auto bind = [&](const wl_interface* iface, uint32_t max) {
        return wl_registry_bind(registry, name, iface, std::min(version, max));
    };
    if (!std::strcmp(interface, wl_compositor_interface.name))
        self->compositor_ = static_cast<wl_compositor*>(bind(&wl_compositor_interface, 4));
    else if (!std::strcmp(interface, wl_shm_interface.name))
        self->shm_ = static_cast<wl_shm*>(bind(&wl_shm_interface, 1));
    else if (!std::strcmp(interface, wl_subcompositor_interface.name))
        self->subcompositor_ = static_cast<wl_subcompositor*>(bind(&wl_subcompositor_interface, 1));
    else if (!std::strcmp(interface, wl_data_device_manager_interface.name))
        self->data_device_manager_ = static_cast<wl_data_device_manager*>(bind(&wl_data_device_manager_interface, 3));
    else if (!std::strcmp(interface, wl_seat_interface.name))
        self->seat_ = static_cast<wl_seat*>(bind(&wl_seat_interface, 5));
    else if (!std::strcmp(interface, xdg_wm_base_interface.name)) {
        self->wm_base_ = static_cast<xdg_wm_base*>(bind(&xdg_wm_base_interface, 3));
        xdg_wm_base_add_listener(self->wm_base_, &kWmBaseListener, self);
    }
}

TestClient::TestClient(const std::string& socket_path) {
    display_ = wl_display_connect(socket_path.c_str());
    if (!display_) return;
    static const wl_registry_listener listener = {&TestClient::on_global, &TestClient::on_global_remove};
    registry_ = wl_display_get_registry(display_);
    wl_registry_add_listener(registry_, &listener, this);
    wl_display_roundtrip(display_);
    if (seat_) {
        pointer_ = wl_seat_get_pointer(seat_);
        wl_pointer_add_listener(pointer_, &kPointerListener, &input);
        keyboard_ = wl_seat_get_keyboard(seat_);
        wl_keyboard_add_listener(keyboard_, &kKeyboardListener, &input);
    }
    wl_display_roundtrip(display_);
}

TestClient::~TestClient() {
    if (display_) wl_display_disconnect(display_);
}

bool TestClient::roundtrip() {
    return display_ && wl_display_roundtrip(display_) >= 0;
}

bool TestClient::disconnected() {
    return !display_ || wl_display_get_error(display_) != 0;
}

bool TestClient::dispatch_once(int timeout_ms) {
    if (wl_display_dispatch_pending(display_) < 0) return false;
    // A failed flush (the server closed the connection) still leaves the
    // error event to read, which is what tells the client why.
    wl_display_flush(display_);
    if (wl_display_prepare_read(display_) != 0) return wl_display_dispatch_pending(display_) >= 0;
    pollfd p{wl_display_get_fd(display_), POLLIN, 0};
    if (poll(&p, 1, timeout_ms) > 0) {
        if (wl_display_read_events(display_) < 0) return false;
    } else {
        wl_display_cancel_read(display_);
    }
    return wl_display_dispatch_pending(display_) >= 0;
}

// ShmBuffer ----------------------------------------------------------------

ShmBuffer::ShmBuffer(TestClient& client, Size size, bool alpha) : size_(size) {
    bytes_ = size_t(size.width) * size_t(size.height) * 4;
    int fd = memfd_create("golden-buffer", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, off_t(bytes_)) != 0) return;
    void* map = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        close(fd);
        return;
    }
    pixels_ = static_cast<uint32_t*>(map);
    wl_shm_pool* pool = wl_shm_create_pool(client.shm(), fd, int32_t(bytes_));
    buffer_ = wl_shm_pool_create_buffer(pool, 0, size.width, size.height, size.width * 4,
                                        alpha ? WL_SHM_FORMAT_ARGB8888 : WL_SHM_FORMAT_XRGB8888);
    wl_shm_pool_destroy(pool);
    close(fd);
}

ShmBuffer::~ShmBuffer() {
    if (buffer_) wl_buffer_destroy(buffer_);
    if (pixels_) munmap(pixels_, bytes_);
}

void ShmBuffer::fill(uint32_t argb) {
    fill_rect({0, 0, size_.width, size_.height}, argb);
}

void ShmBuffer::fill_rect(const Rect& r, uint32_t argb) {
    Rect c = r.intersected({0, 0, size_.width, size_.height});
    for (int y = c.y; y < c.bottom(); ++y)
        for (int x = c.x; x < c.right(); ++x) pixels_[y * size_.width + x] = argb;
}

// TestWindow ---------------------------------------------------------------

struct TestWindowListeners {
    static void xdg_configure(void* data, xdg_surface* surface, uint32_t serial) {
        auto* w = static_cast<TestWindow*>(data);
        xdg_surface_ack_configure(surface, serial);
        w->configured_ = true;
    }
    static void toplevel_configure(void* data, xdg_toplevel*, int32_t width, int32_t height, wl_array* states) {
        auto* w = static_cast<TestWindow*>(data);
        w->configured_size_ = {width, height};
        w->activated_ = false;
        for (auto* s = static_cast<uint32_t*>(states->data);
             reinterpret_cast<char*>(s) < static_cast<char*>(states->data) + states->size; ++s)
            if (*s == XDG_TOPLEVEL_STATE_ACTIVATED) w->activated_ = true;
    }
    static void toplevel_close(void* data, xdg_toplevel*) { static_cast<TestWindow*>(data)->closed_ = true; }
    static void popup_configure(void* data, xdg_popup*, int32_t x, int32_t y, int32_t, int32_t) {
        static_cast<TestWindow*>(data)->popup_position_ = {x, y};
    }
    static void popup_done(void* data, xdg_popup*) { static_cast<TestWindow*>(data)->popup_done_ = true; }
};

namespace {
const xdg_surface_listener kXdgSurfaceListener = {TestWindowListeners::xdg_configure};
const xdg_toplevel_listener kToplevelListener = {
    TestWindowListeners::toplevel_configure, TestWindowListeners::toplevel_close,
    [](void*, xdg_toplevel*, int32_t, int32_t) {}, [](void*, xdg_toplevel*, wl_array*) {}};
const xdg_popup_listener kPopupListener = {TestWindowListeners::popup_configure, TestWindowListeners::popup_done,
                                           [](void*, xdg_popup*, uint32_t) {}};
}  // namespace

TestWindow::TestWindow(TestClient& client, const std::string& title, Size size, uint32_t argb, bool alpha)
    : client_(client) {
    surface_ = wl_compositor_create_surface(client.compositor());
    xdg_surface_ = xdg_wm_base_get_xdg_surface(client.wm_base(), surface_);
    xdg_surface_add_listener(xdg_surface_, &kXdgSurfaceListener, this);
    toplevel_ = xdg_surface_get_toplevel(xdg_surface_);
    xdg_toplevel_add_listener(toplevel_, &kToplevelListener, this);
    xdg_toplevel_set_title(toplevel_, title.c_str());
    xdg_toplevel_set_app_id(toplevel_, ("golden." + title).c_str());
    wl_surface_commit(surface_);
    wait_configured();
    buffer_ = std::make_unique<ShmBuffer>(client, size, alpha);
    buffer_->fill(argb);
    commit();
}

TestWindow::TestWindow(TestClient& client, TestWindow& parent, Rect anchor, Size size, uint32_t argb, bool grab)
    : client_(client) {
    surface_ = wl_compositor_create_surface(client.compositor());
    xdg_surface_ = xdg_wm_base_get_xdg_surface(client.wm_base(), surface_);
    xdg_surface_add_listener(xdg_surface_, &kXdgSurfaceListener, this);
    xdg_positioner* positioner = xdg_wm_base_create_positioner(client.wm_base());
    xdg_positioner_set_size(positioner, size.width, size.height);
    xdg_positioner_set_anchor_rect(positioner, anchor.x, anchor.y, anchor.width, anchor.height);
    xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_BOTTOM_LEFT);
    xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
    popup_ = xdg_surface_get_popup(xdg_surface_, parent.xdg_surface_, positioner);
    xdg_positioner_destroy(positioner);
    xdg_popup_add_listener(popup_, &kPopupListener, this);
    if (grab && client.seat()) xdg_popup_grab(popup_, client.seat(), 0);
    wl_surface_commit(surface_);
    wait_configured();
    buffer_ = std::make_unique<ShmBuffer>(client, size, false);
    buffer_->fill(argb);
    commit();
}

TestWindow::~TestWindow() {
    if (popup_) xdg_popup_destroy(popup_);
    if (toplevel_) xdg_toplevel_destroy(toplevel_);
    if (xdg_surface_) xdg_surface_destroy(xdg_surface_);
    buffer_.reset();
    if (surface_) wl_surface_destroy(surface_);
    client_.roundtrip();
}

bool TestWindow::follow_configure(uint32_t argb, int timeout_ms) {
    auto differs = [&] {
        return configured_size_.width > 0 && configured_size_.height > 0 && !(configured_size_ == buffer_->size());
    };
    if (!client_.dispatch_until(differs, timeout_ms)) return false;
    buffer_ = std::make_unique<ShmBuffer>(client_, configured_size_, false);
    buffer_->fill(argb);
    return commit();
}

void TestWindow::wait_configured() {
    client_.dispatch_until([&] { return configured_; });
}

bool TestWindow::commit(const std::vector<Rect>& damage, bool buffer_damage) {
    wl_surface_attach(surface_, buffer_->buffer(), 0, 0);
    if (damage.empty()) {
        wl_surface_damage_buffer(surface_, 0, 0, INT32_MAX, INT32_MAX);
    } else {
        for (const Rect& r : damage) {
            if (buffer_damage)
                wl_surface_damage_buffer(surface_, r.x, r.y, r.width, r.height);
            else
                wl_surface_damage(surface_, r.x, r.y, r.width, r.height);
        }
    }
    bool done = false;
    wl_callback* callback = wl_surface_frame(surface_);
    static const wl_callback_listener listener = {
        [](void* data, wl_callback*, uint32_t) { *static_cast<bool*>(data) = true; }};
    wl_callback_add_listener(callback, &listener, &done);
    wl_surface_commit(surface_);
    bool ok = client_.dispatch_until([&] { return done; });
    wl_callback_destroy(callback);
    return ok;
}

}  // namespace tessera::golden
