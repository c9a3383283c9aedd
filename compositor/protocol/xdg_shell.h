// xdg_wm_base, xdg_surface, xdg_toplevel, xdg_popup and xdg_positioner.
// XdgToplevel and XdgPopup are the WindowManager's Window and Popup; they
// keep protocol state (configure serials, pending geometry) and nothing else.
#pragma once

#include "protocol/surface.h"
#include "wm/positioner.h"
#include "wm/window_manager.h"

#include <wayland-server-core.h>

#include <string>

namespace tessera::ui {

class Server;
class XdgToplevel;
class XdgPopup;

void create_xdg_shell_global(Server& server);
void create_xdg_decoration_global(Server& server);

class XdgSurface : public SurfaceRole {
public:
    XdgSurface(Server& server, wl_resource* resource, Surface* surface);
    ~XdgSurface() override;

    const char* role_name() const override { return role_; }
    void committed() override;
    void surface_destroyed() override;

    Server& server() { return server_; }
    wl_resource* resource() const { return resource_; }
    Surface* surface() const { return surface_; }
    Rect geometry() const;
    // Sends xdg_surface.configure with a new serial.
    uint32_t send_configure();
    bool configure_sent() const { return configure_sent_; }

    void get_toplevel(uint32_t id);
    void get_popup(uint32_t id, XdgSurface* parent, const PositionerRules& rules);
    void set_window_geometry(const Rect& r);
    void ack_configure(uint32_t serial);
    void role_destroyed();

private:
    Server& server_;
    wl_resource* resource_;
    Surface* surface_;
    const char* role_ = "xdg_surface";
    XdgToplevel* toplevel_ = nullptr;
    XdgPopup* popup_ = nullptr;
    bool has_pending_geometry_ = false;
    Rect pending_geometry_;
    Rect geometry_;
    bool geometry_set_ = false;
    bool configure_sent_ = false;
    bool acked_ = false;
    bool mapped_ = false;
    uint32_t last_serial_ = 0;
};

class XdgToplevel final : public Window {
public:
    XdgToplevel(XdgSurface& xdg_surface, wl_resource* resource);
    ~XdgToplevel() override;

    Surface* surface() const override { return xdg_surface_ ? xdg_surface_->surface() : nullptr; }
    Rect geometry() const override { return xdg_surface_ ? xdg_surface_->geometry() : Rect{}; }
    const std::string& title() const override { return title_; }
    const std::string& app_id() const override { return app_id_; }
    void send_configure(Size size, bool activated, bool maximized, bool fullscreen) override;
    void send_close() override;

    void send_initial_configure();
    void map();
    void unmap();
    void xdg_surface_gone();

    void set_title(const char* title);
    void set_app_id(const char* app_id);
    XdgSurface* xdg_surface() const { return xdg_surface_; }
    wl_resource* resource() const { return resource_; }

private:
    XdgSurface* xdg_surface_;
    wl_resource* resource_;
    std::string title_;
    std::string app_id_;
    bool mapped_ = false;
};

class XdgPopup final : public Popup {
public:
    XdgPopup(XdgSurface& xdg_surface, wl_resource* resource, XdgSurface* parent, const PositionerRules& rules);
    ~XdgPopup() override;

    Surface* surface() const override { return xdg_surface_ ? xdg_surface_->surface() : nullptr; }
    Surface* parent_surface() const override { return parent_surface_; }
    Point offset() const override;
    void send_done() override;

    void send_initial_configure();
    void map();
    void unmap();
    void xdg_surface_gone();
    void parent_gone() { parent_surface_ = nullptr; }
    void reposition(const PositionerRules& rules, uint32_t token);
    void grab();
    wl_resource* resource() const { return resource_; }

private:
    void place();

    XdgSurface* xdg_surface_;
    wl_resource* resource_;
    Surface* parent_surface_;
    Rect parent_geometry_;
    PositionerRules rules_;
    Rect placed_;  // relative to the parent's window geometry
    bool mapped_ = false;
};

}  // namespace tessera::ui
