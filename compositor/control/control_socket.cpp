#include "control/control_socket.h"

#include "input/seat.h"
#include "server.h"

#include <linux/input-event-codes.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

namespace tessera::ui {

namespace {
// A request line longer than this is a broken client; drop it.
constexpr size_t kMaxLine = 4096;
// A screenshot waits for the compositor to finish what is in flight, but
// never longer than this (a client redrawing continuously keeps it busy).
constexpr int kScreenshotSettleMs = 500;
constexpr int kTimerMs = 2;
}  // namespace

struct ControlSocket::Connection {
    int fd = -1;
    wl_event_source* source = nullptr;
    std::string input;
    ControlSocket* owner = nullptr;
};

ControlSocket::ControlSocket(Server& server, ScreenshotFn screenshot)
    : server_(server), screenshot_(std::move(screenshot)) {}

ControlSocket::~ControlSocket() {
    while (!connections_.empty()) drop(connections_.back().get());
    if (screenshot_timer_) wl_event_source_remove(screenshot_timer_);
    if (listen_source_) wl_event_source_remove(listen_source_);
    if (listen_fd_ >= 0) {
        close(listen_fd_);
        unlink(path_.c_str());
    }
}

bool ControlSocket::listen(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return false;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return false;
    unlink(path.c_str());
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 8) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return false;
    }
    listen_fd_ = fd;
    path_ = path;
    listen_source_ = wl_event_loop_add_fd(server_.loop(), fd, WL_EVENT_READABLE, &ControlSocket::on_accept, this);
    screenshot_timer_ = wl_event_loop_add_timer(server_.loop(), &ControlSocket::on_screenshot_timer, this);
    return true;
}

int ControlSocket::on_accept(int fd, uint32_t, void* data) {
    auto* self = static_cast<ControlSocket*>(data);
    int client = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) return 0;
    auto c = std::make_unique<Connection>();
    c->fd = client;
    c->owner = self;
    c->source =
        wl_event_loop_add_fd(self->server_.loop(), client, WL_EVENT_READABLE, &ControlSocket::on_readable, c.get());
    self->connections_.push_back(std::move(c));
    return 0;
}

void ControlSocket::drop(Connection* c) {
    pending_shots_.erase(std::remove_if(pending_shots_.begin(), pending_shots_.end(),
                                        [&](const PendingShot& p) { return p.connection == c; }),
                         pending_shots_.end());
    if (c->source) wl_event_source_remove(c->source);
    close(c->fd);
    connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                      [&](const std::unique_ptr<Connection>& p) { return p.get() == c; }),
                       connections_.end());
}

int ControlSocket::on_readable(int fd, uint32_t mask, void* data) {
    auto* c = static_cast<Connection*>(data);
    ControlSocket* self = c->owner;
    char buffer[1024];
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0 || (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR))) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return 0;
        self->drop(c);
        return 0;
    }
    c->input.append(buffer, size_t(n));
    size_t newline;
    while ((newline = c->input.find('\n')) != std::string::npos) {
        std::string line = c->input.substr(0, newline);
        c->input.erase(0, newline + 1);
        self->handle_line(*c, line);
    }
    if (c->input.size() > kMaxLine) self->drop(c);
    return 0;
}

void ControlSocket::reply(Connection& c, const std::string& text) {
    std::string line = text + "\n";
    // Replies are short; a client that does not read them loses them.
    ssize_t ignored = send(c.fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)ignored;
}

int ControlSocket::on_screenshot_timer(void* data) {
    auto* self = static_cast<ControlSocket*>(data);
    self->service_pending_screenshots(false);
    return 0;
}

void ControlSocket::service_pending_screenshots(bool force) {
    bool idle = server_.compositor().idle();
    std::vector<PendingShot> still;
    for (PendingShot& shot : pending_shots_) {
        if (idle || force || shot.waited_ms >= kScreenshotSettleMs) {
            std::string error = screenshot_(shot.path, shot.with_cursor);
            reply(*shot.connection, error.empty() ? "ok" : "error " + error);
        } else {
            shot.waited_ms += kTimerMs;
            still.push_back(shot);
        }
    }
    pending_shots_ = std::move(still);
    if (!pending_shots_.empty()) wl_event_source_timer_update(screenshot_timer_, kTimerMs);
}

namespace {

bool parse_button(const std::string& name, uint32_t* code) {
    if (name == "left")
        *code = BTN_LEFT;
    else if (name == "right")
        *code = BTN_RIGHT;
    else if (name == "middle")
        *code = BTN_MIDDLE;
    else
        return false;
    return true;
}

bool parse_state(const std::string& s, bool* pressed) {
    if (s == "press" || s == "down")
        *pressed = true;
    else if (s == "release" || s == "up")
        *pressed = false;
    else
        return false;
    return true;
}

std::string frame_text(const Rect& r) {
    std::ostringstream out;
    out << r.x << "," << r.y << "," << r.width << "x" << r.height;
    return out.str();
}

// Titles may contain anything; keep the reply one line and tab-separated.
std::string field(const std::string& s) {
    std::string out;
    for (char c : s) out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

}  // namespace

void ControlSocket::handle_line(Connection& c, const std::string& line) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    WindowManager& wm = server_.window_manager();
    Seat& seat = server_.seat();
    auto window_arg = [&]() -> Window* {
        uint32_t id = 0;
        if (!(in >> id)) return nullptr;
        return wm.window_by_id(id);
    };

    if (command == "windows") {
        std::ostringstream out;
        std::vector<WindowInfo> windows = wm.list_windows();
        out << "ok " << windows.size();
        reply(c, out.str());
        for (const WindowInfo& w : windows) {
            std::ostringstream row;
            row << w.id << "\t" << field(w.title) << "\t" << field(w.app_id) << "\t" << frame_text(w.frame) << "\t"
                << (w.focused ? "focused" : "-") << (w.minimized ? ",minimized" : "")
                << (w.maximized ? ",maximized" : "") << (w.fullscreen ? ",fullscreen" : "");
            reply(c, row.str());
        }
    } else if (command == "focus" || command == "close" || command == "minimize" || command == "restore" ||
               command == "maximize") {
        Window* w = window_arg();
        if (!w) return reply(c, "error no such window");
        if (command == "focus" || command == "restore")
            wm.restore(*w);
        else if (command == "close")
            wm.close(*w);
        else if (command == "minimize")
            wm.minimize(*w);
        else
            wm.toggle_maximized(*w);
        reply(c, "ok");
    } else if (command == "screenshot") {
        std::string path, option;
        in >> path >> option;
        if (path.empty()) return reply(c, "error usage: screenshot PATH [cursor]");
        pending_shots_.push_back({&c, path, option == "cursor", 0});
        service_pending_screenshots(false);
    } else if (command == "pointer-move") {
        int x = 0, y = 0;
        if (!(in >> x >> y)) return reply(c, "error usage: pointer-move X Y");
        seat.pointer_motion({x, y});
        reply(c, "ok");
    } else if (command == "pointer-button") {
        std::string name, state;
        uint32_t code = 0;
        bool pressed = false;
        if (!(in >> name >> state) || !parse_button(name, &code) || !parse_state(state, &pressed))
            return reply(c, "error usage: pointer-button left|right|middle press|release");
        seat.pointer_button(code, pressed);
        reply(c, "ok");
    } else if (command == "pointer-axis") {
        int v = 0, h = 0;
        if (!(in >> v >> h)) return reply(c, "error usage: pointer-axis VERTICAL HORIZONTAL");
        seat.pointer_axis(v, h);
        reply(c, "ok");
    } else if (command == "key") {
        uint32_t code = 0;
        std::string state;
        bool pressed = false;
        if (!(in >> code >> state) || !parse_state(state, &pressed) || code > 0x2ff)
            return reply(c, "error usage: key EVDEV_CODE press|release");
        seat.key(code, pressed);
        reply(c, "ok");
    } else if (command == "stats") {
        const CompositorStats& s = server_.compositor().stats();
        std::ostringstream out;
        out << "ok frames " << s.frames << " damaged_pixels " << s.damaged_pixels << " presented_pixels "
            << s.presented_pixels;
        reply(c, out.str());
    } else if (command == "ping") {
        reply(c, "ok");
    } else {
        reply(c, "error unknown command '" + field(command) + "'");
    }
}

}  // namespace tessera::ui
