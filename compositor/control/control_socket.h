// The control interface runtimed talks to (docs/protocols/uiserver-control.md):
// list, focus, minimize, restore and close windows, take a screenshot as
// PNG, inject pointer and keyboard input. Newline-delimited text over a Unix
// stream socket; one reply line per request ("ok ...", "error ...").
#pragma once

#include <wayland-server-core.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera::ui {

class Server;

class ControlSocket {
public:
    // `screenshot` writes the screen to a path (cursor included if asked)
    // and returns an error message or "".
    using ScreenshotFn = std::function<std::string(const std::string& path, bool with_cursor)>;

    ControlSocket(Server& server, ScreenshotFn screenshot);
    ~ControlSocket();

    // Listens on `path` (replacing a stale socket). False with errno set.
    bool listen(const std::string& path);

private:
    struct Connection;
    static int on_accept(int fd, uint32_t mask, void* data);
    static int on_readable(int fd, uint32_t mask, void* data);
    static int on_screenshot_timer(void* data);
    void handle_line(Connection& c, const std::string& line);
    void reply(Connection& c, const std::string& text);
    void drop(Connection* c);
    void service_pending_screenshots(bool force);

    Server& server_;
    ScreenshotFn screenshot_;
    std::string path_;
    int listen_fd_ = -1;
    wl_event_source* listen_source_ = nullptr;
    wl_event_source* screenshot_timer_ = nullptr;
    std::vector<std::unique_ptr<Connection>> connections_;
    struct PendingShot {
        Connection* connection;
        std::string path;
        bool with_cursor;
        int waited_ms;
    };
    std::vector<PendingShot> pending_shots_;
};

}  // namespace tessera::ui
