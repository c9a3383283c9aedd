#include "protocol/surface.h"

#include "input/seat.h"
#include "server.h"

#include <wayland-server-protocol.h>

#include <cstring>
#include <new>

namespace tessera::ui {

namespace {

// Buffers past this size are refused: the copy would be at least 256 MiB.
constexpr int32_t kMaxBufferDimension = 8192;
// A buffer scale past this is refused (no output is that dense).
constexpr int32_t kMaxBufferScale = 8;
// Pending damage beyond this many rectangles collapses to its bounding box,
// so a flood of damage requests cannot grow the region without bound.
constexpr int kMaxPendingDamageRects = 64;
// More frame callbacks than this before one commit is a broken or hostile
// client: no real client needs more than a handful.
constexpr int kMaxPendingFrameCallbacks = 256;

void destroy_resource(wl_client*, wl_resource* resource) {
    wl_resource_destroy(resource);
}

// wl_region --------------------------------------------------------------

void region_add(wl_client*, wl_resource* resource, int32_t x, int32_t y, int32_t w, int32_t h) {
    region_from_resource(resource)->unite(Rect{x, y, w, h});
}

void region_subtract(wl_client*, wl_resource* resource, int32_t x, int32_t y, int32_t w, int32_t h) {
    region_from_resource(resource)->subtract(Rect{x, y, w, h});
}

const struct wl_region_interface kRegionImpl = {destroy_resource, region_add, region_subtract};

void region_destroyed(wl_resource* resource) {
    delete region_from_resource(resource);
}

// wl_surface -------------------------------------------------------------

Surface* S(wl_resource* r) {
    return Surface::from_resource(r);
}

const struct wl_surface_interface kSurfaceImpl = {
    destroy_resource,
    [](wl_client*, wl_resource* r, wl_resource* buffer, int32_t x, int32_t y) { S(r)->attach(buffer, x, y); },
    [](wl_client*, wl_resource* r, int32_t x, int32_t y, int32_t w, int32_t h) {
        S(r)->damage_surface({x, y, w, h});
    },
    [](wl_client*, wl_resource* r, uint32_t id) { S(r)->frame(id); },
    [](wl_client*, wl_resource* r, wl_resource* region) { S(r)->set_opaque_region(region); },
    [](wl_client*, wl_resource* r, wl_resource* region) { S(r)->set_input_region(region); },
    [](wl_client*, wl_resource* r) { S(r)->commit(); },
    [](wl_client*, wl_resource*, int32_t) {},  // set_buffer_transform: only normal is drawn
    [](wl_client*, wl_resource* r, int32_t scale) { S(r)->set_buffer_scale(scale); },
    [](wl_client*, wl_resource* r, int32_t x, int32_t y, int32_t w, int32_t h) {
        S(r)->damage_buffer({x, y, w, h});
    },
#ifdef WL_SURFACE_OFFSET_SINCE_VERSION
    [](wl_client*, wl_resource*, int32_t, int32_t) {},
#endif
};

void surface_destroyed(wl_resource* resource) {
    delete S(resource);
}

// wl_compositor ----------------------------------------------------------

void create_surface(wl_client* client, wl_resource* resource, uint32_t id) {
    auto* server = static_cast<Server*>(wl_resource_get_user_data(resource));
    wl_resource* surface = wl_resource_create(client, &wl_surface_interface, wl_resource_get_version(resource), id);
    if (!surface) {
        wl_client_post_no_memory(client);
        return;
    }
    auto* object = new (std::nothrow) Surface(*server, surface);
    if (!object) {
        wl_resource_destroy(surface);
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(surface, &kSurfaceImpl, object, surface_destroyed);
}

void create_region(wl_client* client, wl_resource*, uint32_t id) {
    wl_resource* region = wl_resource_create(client, &wl_region_interface, 1, id);
    if (!region) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(region, &kRegionImpl, new Region, region_destroyed);
}

const struct wl_compositor_interface kCompositorImpl = {create_surface, create_region};

void bind_compositor(wl_client* client, void* data, uint32_t version, uint32_t id) {
    wl_resource* resource = wl_resource_create(client, &wl_compositor_interface, int(version), id);
    if (!resource) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(resource, &kCompositorImpl, data, nullptr);
}

void unlink_callback(wl_resource* resource) {
    wl_list_remove(wl_resource_get_link(resource));
}

}  // namespace

Region* region_from_resource(wl_resource* resource) {
    return static_cast<Region*>(wl_resource_get_user_data(resource));
}

void Surface::create_global(Server& server) {
    wl_global_create(server.display(), &wl_compositor_interface, 5, &server, bind_compositor);
}

Surface* Surface::from_resource(wl_resource* resource) {
    return static_cast<Surface*>(wl_resource_get_user_data(resource));
}

Surface::State::State() {
    wl_list_init(&frame_callbacks);
    wl_list_init(&buffer_destroy.link);
    buffer_destroy.notify = &State::on_buffer_destroyed;
}

Surface::State::~State() {
    wl_list_remove(&buffer_destroy.link);
    wl_resource *callback, *next;
    wl_resource_for_each_safe(callback, next, &frame_callbacks) wl_resource_destroy(callback);
}

void Surface::State::on_buffer_destroyed(wl_listener* listener, void*) {
    State* self = wl_container_of(listener, self, buffer_destroy);
    self->buffer = nullptr;
    wl_list_remove(&self->buffer_destroy.link);
    wl_list_init(&self->buffer_destroy.link);
}

void Surface::State::set_buffer(wl_resource* new_buffer) {
    wl_list_remove(&buffer_destroy.link);
    wl_list_init(&buffer_destroy.link);
    buffer = new_buffer;
    if (buffer) wl_resource_add_destroy_listener(buffer, &buffer_destroy);
}

void Surface::State::move_into(State& to) {
    if (attached) {
        to.attached = true;
        to.set_buffer(buffer);
        attached = false;
        set_buffer(nullptr);
    }
    to.damage.unite(damage);
    to.buffer_damage.unite(buffer_damage);
    if (to.buffer_damage.rect_count() > kMaxPendingDamageRects) to.buffer_damage = Region(to.buffer_damage.extents());
    buffer_damage.clear();
    if (scale) {
        to.scale = scale;
        scale.reset();
    }
    if (to.damage.rect_count() > kMaxPendingDamageRects) to.damage = Region(to.damage.extents());
    damage.clear();
    if (opaque) {
        to.opaque = std::move(opaque);
        opaque.reset();
    }
    if (input_set) {
        to.input_set = true;
        to.input = std::move(input);
        input_set = false;
        input.reset();
    }
    wl_list_insert_list(to.frame_callbacks.prev, &frame_callbacks);
    wl_list_init(&frame_callbacks);
}

Surface::Surface(Server& server, wl_resource* resource) : server_(server), resource_(resource) {}

Surface::~Surface() {
    // Forget focus first: the role's unmapping below moves focus elsewhere,
    // and no leave event may name a surface that is being destroyed.
    server_.seat().surface_destroyed(*this);
    if (role_object_) role_object_->surface_destroyed();
    server_.surface_destroyed(*this);
    if (image_) {
        server_.charge_image_bytes(client(), -int64_t(buffer_size_.width) * buffer_size_.height * 4);
        pixman_image_unref(image_);
    }
}

bool Surface::set_role(const char* name, SurfaceRole* object, wl_resource* error_resource, uint32_t error_code) {
    if (role_name_ && std::strcmp(role_name_, name) != 0) {
        wl_resource_post_error(error_resource, error_code, "wl_surface@%u already has the role %s",
                               wl_resource_get_id(resource_), role_name_);
        return false;
    }
    if (role_object_ && role_object_ != object) {
        wl_resource_post_error(error_resource, error_code, "wl_surface@%u already has a %s object",
                               wl_resource_get_id(resource_), role_name_);
        return false;
    }
    role_name_ = name;
    role_object_ = object;
    return true;
}

Region Surface::opaque_region() const {
    if (!image_) return {};
    // An XRGB buffer is opaque whatever the client declared.
    if (format_ == WL_SHM_FORMAT_XRGB8888) return Region(Rect{0, 0, size_.width, size_.height});
    Region r = opaque_;
    r.intersect(Rect{0, 0, size_.width, size_.height});
    return r;
}

bool Surface::accepts_input_at(Point local) const {
    if (!image_ || !Rect{0, 0, size_.width, size_.height}.contains(local)) return false;
    return !input_ || input_->contains(local);
}

void Surface::attach(wl_resource* buffer, int32_t, int32_t) {
    pending_.attached = true;
    pending_.set_buffer(buffer);
}

void Surface::damage_surface(const Rect& r) {
    // Clamp so absurd values cannot overflow later arithmetic.
    Rect clamped = r.intersected(Rect{0, 0, kMaxBufferDimension, kMaxBufferDimension});
    pending_.damage.unite(clamped);
    if (pending_.damage.rect_count() > kMaxPendingDamageRects) pending_.damage = Region(pending_.damage.extents());
}

void Surface::damage_buffer(const Rect& r) {
    Rect clamped = r.intersected(Rect{0, 0, kMaxBufferDimension, kMaxBufferDimension});
    pending_.buffer_damage.unite(clamped);
    if (pending_.buffer_damage.rect_count() > kMaxPendingDamageRects)
        pending_.buffer_damage = Region(pending_.buffer_damage.extents());
}

void Surface::frame(uint32_t callback_id) {
    if (wl_list_length(&pending_.frame_callbacks) >= kMaxPendingFrameCallbacks) {
        wl_client_post_implementation_error(client(), "more than %d frame callbacks before a commit",
                                            kMaxPendingFrameCallbacks);
        return;
    }
    wl_resource* callback = wl_resource_create(client(), &wl_callback_interface, 1, callback_id);
    if (!callback) {
        wl_resource_post_no_memory(resource_);
        return;
    }
    wl_resource_set_implementation(callback, nullptr, nullptr, unlink_callback);
    wl_list_insert(pending_.frame_callbacks.prev, wl_resource_get_link(callback));
}

void Surface::set_opaque_region(wl_resource* region) {
    pending_.opaque = region ? *region_from_resource(region) : Region();
}

void Surface::set_input_region(wl_resource* region) {
    pending_.input_set = true;
    pending_.input = region ? std::optional<Region>(*region_from_resource(region)) : std::nullopt;
}

void Surface::set_buffer_scale(int32_t scale) {
    if (scale < 1 || scale > kMaxBufferScale) {
        wl_resource_post_error(resource_, WL_SURFACE_ERROR_INVALID_SCALE, "buffer scale %d", scale);
        return;
    }
    pending_.scale = scale;
}

// Copies the damaged part (buffer coordinates) of `buffer` into the
// surface's image, reallocating it when the size or format changed (then
// `replaced` is set). A null buffer drops the image.
bool Surface::apply_buffer(wl_resource* buffer, Region& buffer_damage, bool* replaced) {
    *replaced = false;
    if (!buffer) {
        if (image_) {
            server_.charge_image_bytes(client(), -int64_t(buffer_size_.width) * buffer_size_.height * 4);
            pixman_image_unref(image_);
            image_ = nullptr;
            buffer_size_ = {};
            *replaced = true;
        }
        return true;
    }
    wl_shm_buffer* shm = wl_shm_buffer_get(buffer);
    if (!shm) {
        wl_resource_post_error(resource_, WL_DISPLAY_ERROR_INVALID_OBJECT, "only wl_shm buffers are supported");
        return false;
    }
    int32_t width = wl_shm_buffer_get_width(shm), height = wl_shm_buffer_get_height(shm);
    uint32_t format = wl_shm_buffer_get_format(shm);
    if (width > kMaxBufferDimension || height > kMaxBufferDimension) {
        wl_resource_post_error(resource_, WL_SURFACE_ERROR_INVALID_SIZE, "buffer %dx%d is larger than %dx%d", width,
                               height, kMaxBufferDimension, kMaxBufferDimension);
        return false;
    }
    pixman_format_code_t pixman_format = format == WL_SHM_FORMAT_ARGB8888 ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8;
    if (!image_ || buffer_size_.width != width || buffer_size_.height != height || format_ != format) {
        int64_t old_bytes = image_ ? int64_t(buffer_size_.width) * buffer_size_.height * 4 : 0;
        int64_t new_bytes = int64_t(width) * height * 4;
        if (!server_.charge_image_bytes(client(), new_bytes - old_bytes)) {
            wl_client_post_implementation_error(client(), "surfaces use more memory than this client's budget");
            return false;
        }
        pixman_image_t* image = pixman_image_create_bits(pixman_format, width, height, nullptr, 0);
        if (!image) {
            server_.charge_image_bytes(client(), old_bytes - new_bytes);
            wl_client_post_no_memory(client());
            return false;
        }
        if (image_) pixman_image_unref(image_);
        image_ = image;
        buffer_size_ = {width, height};
        format_ = format;
        buffer_damage = Region(Rect{0, 0, width, height});
        *replaced = true;
    }
    buffer_damage.intersect(Rect{0, 0, width, height});
    if (!buffer_damage.empty()) {
        // A client may shrink its pool under us: begin/end_access turn the
        // SIGBUS into zero pages and an error for that client only.
        wl_shm_buffer_begin_access(shm);
        pixman_image_t* source =
            pixman_image_create_bits(pixman_format, width, height, static_cast<uint32_t*>(wl_shm_buffer_get_data(shm)),
                                     wl_shm_buffer_get_stride(shm));
        if (source) {
            for (const Rect& r : buffer_damage.rects())
                pixman_image_composite32(PIXMAN_OP_SRC, source, nullptr, image_, r.x, r.y, 0, 0, r.x, r.y, r.width,
                                         r.height);
            pixman_image_unref(source);
        }
        wl_shm_buffer_end_access(shm);
    }
    wl_buffer_send_release(buffer);
    return true;
}

namespace {

Region scaled_up(const Region& r, int32_t scale) {
    Region out;
    for (const Rect& b : r.rects()) out.unite(Rect{b.x * scale, b.y * scale, b.width * scale, b.height * scale});
    return out;
}

// Buffer damage in surface coordinates, rounded outwards.
Region scaled_down(const Region& r, int32_t scale) {
    Region out;
    for (const Rect& b : r.rects()) {
        int32_t x0 = b.x / scale, y0 = b.y / scale;
        int32_t x1 = (b.right() + scale - 1) / scale, y1 = (b.bottom() + scale - 1) / scale;
        out.unite(Rect{x0, y0, x1 - x0, y1 - y0});
    }
    return out;
}

}  // namespace

void Surface::commit() {
    if (role_object_ && role_object_->synchronized()) {
        pending_.move_into(cached_);
        has_cached_ = true;
        return;
    }
    apply(pending_);
}

void Surface::parent_applied() {
    if (role_object_) role_object_->parent_applied();
    apply_cached();
}

void Surface::apply_cached() {
    if (!has_cached_) return;
    has_cached_ = false;
    apply(cached_);
}

void Surface::apply(State& state) {
    int32_t scale = state.scale.value_or(scale_);
    state.scale.reset();
    Size old_size = size_;
    Region damage = state.damage;  // surface coordinates
    bool replaced = false;
    if (state.attached) {
        if (state.buffer) {
            wl_shm_buffer* shm = wl_shm_buffer_get(state.buffer);
            if (shm && (wl_shm_buffer_get_width(shm) % scale || wl_shm_buffer_get_height(shm) % scale)) {
                wl_resource_post_error(resource_, WL_SURFACE_ERROR_INVALID_SIZE,
                                       "buffer %dx%d is not a multiple of the scale %d", wl_shm_buffer_get_width(shm),
                                       wl_shm_buffer_get_height(shm), scale);
                return;
            }
        }
        Region buffer_damage = state.buffer_damage;
        buffer_damage.unite(scaled_up(state.damage, scale));
        if (!apply_buffer(state.buffer, buffer_damage, &replaced)) return;
        state.attached = false;
        state.set_buffer(nullptr);
        damage.unite(scaled_down(buffer_damage, scale));
    }
    state.damage.clear();
    state.buffer_damage.clear();
    if (scale != scale_ && image_) {
        // Drawn scaled down: buffer pixels per surface pixel.
        pixman_transform_t transform;
        pixman_transform_init_scale(&transform, pixman_int_to_fixed(scale), pixman_int_to_fixed(scale));
        pixman_image_set_transform(image_, scale == 1 ? nullptr : &transform);
        pixman_image_set_filter(image_, scale == 1 ? PIXMAN_FILTER_NEAREST : PIXMAN_FILTER_BILINEAR, nullptr, 0);
    } else if (replaced && image_ && scale != 1) {
        pixman_transform_t transform;
        pixman_transform_init_scale(&transform, pixman_int_to_fixed(scale), pixman_int_to_fixed(scale));
        pixman_image_set_transform(image_, &transform);
        pixman_image_set_filter(image_, PIXMAN_FILTER_BILINEAR, nullptr, 0);
    }
    bool rescaled = scale != scale_;
    scale_ = scale;
    size_ = image_ ? Size{buffer_size_.width / scale_, buffer_size_.height / scale_} : Size{};
    if (replaced || rescaled) {
        damage.unite(Rect{0, 0, old_size.width, old_size.height});
        damage.unite(Rect{0, 0, size_.width, size_.height});
    }
    damage.intersect(Rect{0, 0, std::max(old_size.width, size_.width), std::max(old_size.height, size_.height)});
    if (state.opaque) {
        opaque_ = *state.opaque;
        state.opaque.reset();
    }
    if (state.input_set) {
        input_ = state.input;
        state.input_set = false;
    }
    wl_resource *callback, *next;
    wl_resource_for_each_safe(callback, next, &state.frame_callbacks) {
        wl_list_remove(wl_resource_get_link(callback));
        server_.compositor().add_frame_callback(callback);
    }
    wl_list_init(&state.frame_callbacks);
    committed_damage_ = std::move(damage);
    if (role_object_) role_object_->committed();
    server_.surface_committed(*this);
    // Synchronized subsurfaces apply what they cached together with us.
    server_.window_manager().apply_cached_children(*this);
}

}  // namespace tessera::ui
