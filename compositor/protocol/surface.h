// wl_compositor, wl_surface and wl_region: one Surface per wl_surface.
//
// A commit copies the damaged part of the attached wl_shm buffer into the
// surface's own image and releases the buffer at once. Copying costs one
// memcpy of the damage, and buys: the client can reuse its buffer
// immediately, the renderer never touches client memory (a truncated pool
// can only fault here, inside wl_shm_buffer_begin_access), and what is on
// screen is exactly what the client declared damaged.
#pragma once

#include "render/region.h"

#include <pixman.h>
#include <wayland-server-core.h>

#include <optional>

namespace tessera::ui {

class Server;
class Surface;

// The role a surface was given (xdg_toplevel, xdg_popup, wl_subsurface,
// cursor). A surface keeps its role kind for life; the role object may go
// away first, in which case it calls Surface::set_role_object(nullptr).
class SurfaceRole {
public:
    virtual ~SurfaceRole() = default;
    virtual const char* role_name() const = 0;
    // Called after the surface applied a commit.
    virtual void committed() = 0;
    // A synchronized subsurface caches its commits until its parent's state
    // is applied (wl_subsurface.set_sync).
    virtual bool synchronized() const { return false; }
    // The parent surface applied a commit (subsurfaces take their position).
    virtual void parent_applied() {}
    // The surface is being destroyed; the role must forget it.
    virtual void surface_destroyed() = 0;
};

class Surface {
public:
    static void create_global(Server& server);
    static Surface* from_resource(wl_resource* resource);

    Surface(Server& server, wl_resource* resource);
    ~Surface();

    // Gives the surface a role; false (and a protocol error posted on
    // `error_resource`) if it already has a different one.
    bool set_role(const char* name, SurfaceRole* object, wl_resource* error_resource, uint32_t error_code);
    void set_role_object(SurfaceRole* object) { role_object_ = object; }
    SurfaceRole* role_object() const { return role_object_; }
    const char* role_name() const { return role_name_; }

    wl_resource* resource() const { return resource_; }
    wl_client* client() const { return wl_resource_get_client(resource_); }
    pixman_image_t* image() const { return image_; }
    bool has_content() const { return image_ != nullptr; }
    Size size() const { return size_; }
    int32_t buffer_scale() const { return scale_; }
    // Surface-local regions of the current state.
    Region opaque_region() const;
    bool accepts_input_at(Point local) const;
    // Damage of the last commit in surface coordinates (consumed by roles).
    const Region& committed_damage() const { return committed_damage_; }
    bool has_pending_buffer() const { return pending_.attached && pending_.buffer; }
    // Applies the state a synchronized commit cached, if any.
    void apply_cached();
    // Our parent applied its state: the role takes parent-owned state, then
    // a cached commit applies.
    void parent_applied();

    // Implementation of the requests.
    void attach(wl_resource* buffer, int32_t dx, int32_t dy);
    void damage_surface(const Rect& r);
    void damage_buffer(const Rect& r);
    void frame(uint32_t callback_id);
    void set_opaque_region(wl_resource* region);
    void set_input_region(wl_resource* region);
    void commit();
    void set_buffer_scale(int32_t scale);

private:
    // Double-buffered state: what the next commit applies (pending_), or
    // what a synchronized commit keeps until the parent applies (cached_).
    struct State {
        State();
        ~State();
        State(const State&) = delete;
        State& operator=(const State&) = delete;
        void set_buffer(wl_resource* buffer);
        // Moves everything into `to` (later state wins, damage accumulates).
        void move_into(State& to);
        static void on_buffer_destroyed(wl_listener* listener, void* data);

        bool attached = false;
        wl_resource* buffer = nullptr;
        wl_listener buffer_destroy{};
        Region damage;         // surface coordinates
        Region buffer_damage;  // buffer coordinates
        std::optional<int32_t> scale;
        std::optional<Region> opaque;
        std::optional<Region> input;  // nullopt: infinite
        bool input_set = false;
        wl_list frame_callbacks;
    };

    void apply(State& state);
    bool apply_buffer(wl_resource* buffer, Region& buffer_damage, bool* replaced);

    Server& server_;
    wl_resource* resource_;
    const char* role_name_ = nullptr;
    SurfaceRole* role_object_ = nullptr;
    State pending_;
    State cached_;
    bool has_cached_ = false;
    pixman_image_t* image_ = nullptr;
    Size size_;         // surface coordinates: the buffer's size / scale
    Size buffer_size_;  // pixels of image_
    int32_t scale_ = 1;
    uint32_t format_ = 0;
    Region opaque_;
    std::optional<Region> input_;
    Region committed_damage_;
};

// wl_region: a Region built by add/subtract requests.
Region* region_from_resource(wl_resource* resource);

}  // namespace tessera::ui
