// A uiserver session for golden tests: starts uiserver (and the clients a
// test asks for) in a private runtime directory, talks to its control
// socket, takes screenshots and compares them with tests/reference.
#pragma once

#include "image_compare.h"

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace tessera::headless {
class Display;
}
namespace tessera::test_input {
class Source;
}

namespace tessera::golden {

struct WindowRow {
    uint32_t id = 0;
    std::string title;
    std::string app_id;
    Rect frame;
    std::string flags;  // "focused", "-", ",minimized" ...
};

class Session {
public:
    // Starts the host display service (a `width` x `height` mode) and the
    // test input source in this process, and uiserver as a child process
    // connected to both.
    Session(int width = 640, int height = 480, const std::vector<std::string>& uiserver_args = {});
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    bool ok() const { return pid_ > 0 && !socket_path_.empty(); }
    // Absolute path of the Wayland socket (wl_display_connect accepts it).
    const std::string& socket_path() const { return socket_path_; }
    const std::string& runtime_dir() const { return runtime_dir_; }

    // One request on the control socket; returns the reply lines (the
    // first is "ok ..." or "error ...").
    std::vector<std::string> command(const std::string& line, int extra_lines = 0);
    bool ok_command(const std::string& line);
    std::vector<WindowRow> windows();
    // Polls windows() until one has `app_id` (or title), up to timeout.
    bool wait_for_window(const std::string& app_id_or_title, int timeout_ms, WindowRow* out = nullptr);
    bool screenshot(const std::string& path, bool with_cursor = false);

    // Starts a program with WAYLAND_DISPLAY pointing at this session; it is
    // killed when the session ends.
    pid_t spawn(const std::vector<std::string>& argv);
    // True while the uiserver process is alive.
    bool server_alive();
    pid_t server_pid() const { return pid_; }

    // The services uiserver runs on: the screen as the display shows it,
    // and the devices it reads.
    headless::Display& display() { return *display_; }
    test_input::Source& input() { return *input_; }
    // Moves the tablet (absolute pointer) to screen position (x, y).
    bool tablet_to(int x, int y);
    // Stops the display service and starts a new one on the same socket,
    // as devmgr does when a display driver crashes.
    bool restart_display();
    bool restart_input();
    bool click(int x, int y);

private:
    int width_;
    int height_;
    std::unique_ptr<headless::Display> display_;
    std::unique_ptr<test_input::Source> input_;
    std::string runtime_dir_;
    std::string socket_path_;
    std::string control_path_;
    pid_t pid_ = -1;
    int control_fd_ = -1;
    std::string control_buffer_;
    std::vector<pid_t> children_;
};

// Takes a screenshot and compares it with tests/reference/NAME.png. On a
// mismatch (or a missing reference) writes NAME.actual.png and NAME.diff.png
// under the build's golden output folder, prints their paths and fails the
// current test.
void expect_screen_matches(Session& session, const std::string& name, const CompareOptions& options = {},
                           bool with_cursor = false);

// Reads back a screenshot as an image (caller unrefs), or nullptr.
pixman_image_t* take_screenshot(Session& session, const std::string& name, bool with_cursor = false);

}  // namespace tessera::golden
