#include "session.h"

#include "headless_display/headless_display.h"
#include "output/png.h"
#include "test_input/source.h"

#include <linux/input-event-codes.h>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>

namespace tessera::golden {

namespace {

constexpr int kStartTimeoutMs = 5000;
constexpr int kReplyTimeoutMs = 5000;

int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// Reads one line from fd into `buffer`-backed stream, waiting up to timeout.
bool read_line(int fd, std::string& buffer, std::string* line, int timeout_ms) {
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        size_t nl = buffer.find('\n');
        if (nl != std::string::npos) {
            *line = buffer.substr(0, nl);
            buffer.erase(0, nl + 1);
            return true;
        }
        int left = int(deadline - now_ms());
        if (left <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, left) <= 0) continue;
        char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) return false;
        buffer.append(chunk, size_t(n));
    }
}

pid_t start(const std::vector<std::string>& argv, const std::string& runtime_dir, const std::string& display,
            int stdout_fd) {
    pid_t pid = fork();
    if (pid != 0) return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    setenv("XDG_RUNTIME_DIR", runtime_dir.c_str(), 1);
    if (!display.empty()) setenv("WAYLAND_DISPLAY", display.c_str(), 1);
    if (stdout_fd >= 0) dup2(stdout_fd, STDOUT_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
}

void stop(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        if (waitpid(pid, nullptr, WNOHANG) == pid) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

}  // namespace

Session::Session(int width, int height, const std::vector<std::string>& uiserver_args)
    : width_(width), height_(height) {
    char dir[] = "/tmp/tessera-golden-XXXXXX";
    if (!mkdtemp(dir)) return;
    runtime_dir_ = dir;
    control_path_ = runtime_dir_ + "/control";
    auto display = headless::Display::start(runtime_dir_ + "/display", {{uint32_t(width), uint32_t(height), 60000}});
    if (!display) {
        ADD_FAILURE() << "headless display: " << display.error().message;
        return;
    }
    display_ = std::move(*display);
    auto input = test_input::Source::start(runtime_dir_ + "/input");
    if (!input) {
        ADD_FAILURE() << "test input: " << input.error().message;
        return;
    }
    input_ = std::move(*input);
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return;
    std::string size = std::to_string(width) + "x" + std::to_string(height);
    (void)size;
    std::vector<std::string> argv = {UISERVER_PATH,
                                     "--socket",
                                     "wayland-golden",
                                     "--control",
                                     control_path_,
                                     "--display",
                                     runtime_dir_ + "/display",
                                     "--input",
                                     runtime_dir_ + "/input",
                                     "--resources",
                                     RESOURCES_DIR};
    argv.insert(argv.end(), uiserver_args.begin(), uiserver_args.end());
    pid_ = start(argv, runtime_dir_, "", out[1]);
    close(out[1]);
    std::string buffer, line;
    bool ready = false;
    while (read_line(out[0], buffer, &line, kStartTimeoutMs)) {
        if (line.rfind("WAYLAND_DISPLAY=", 0) == 0) {
            ready = true;
            break;
        }
    }
    close(out[0]);
    if (!ready) {
        ADD_FAILURE() << "uiserver did not start";
        return;
    }
    socket_path_ = runtime_dir_ + "/wayland-golden";
    control_fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, control_path_.c_str(), sizeof addr.sun_path - 1);
    if (connect(control_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ADD_FAILURE() << "cannot connect to " << control_path_ << ": " << std::strerror(errno);
        socket_path_.clear();
    }
}

Session::~Session() {
    for (pid_t child : children_) stop(child);
    if (control_fd_ >= 0) close(control_fd_);
    stop(pid_);
    input_.reset();
    display_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(runtime_dir_, ignored);
}

bool Session::tablet_to(int x, int y) {
    // The inverse of uiserver's scaling: position = value * extent / 32768.
    auto to_tablet = [](int p, int extent) {
        return int32_t((int64_t(p) * (test_input::tablet_maximum + 1) + extent - 1) / extent);
    };
    return bool(input_->pointer_absolute(to_tablet(x, width_), to_tablet(y, height_)));
}

bool Session::restart_display() {
    display_.reset();
    auto display = headless::Display::start(runtime_dir_ + "/display", {{uint32_t(width_), uint32_t(height_), 60000}});
    if (!display) return false;
    display_ = std::move(*display);
    return true;
}

bool Session::restart_input() {
    input_.reset();
    auto input = test_input::Source::start(runtime_dir_ + "/input");
    if (!input) return false;
    input_ = std::move(*input);
    return true;
}

bool Session::click(int x, int y) {
    return tablet_to(x, y) && input_->button(BTN_LEFT, true) && input_->button(BTN_LEFT, false);
}

bool Session::server_alive() {
    return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0;
}

pid_t Session::spawn(const std::vector<std::string>& argv) {
    pid_t pid = start(argv, runtime_dir_, "wayland-golden", -1);
    if (pid > 0) children_.push_back(pid);
    return pid;
}

std::vector<std::string> Session::command(const std::string& line, int extra_lines) {
    std::vector<std::string> reply;
    std::string text = line + "\n";
    if (control_fd_ < 0 || send(control_fd_, text.data(), text.size(), MSG_NOSIGNAL) != ssize_t(text.size()))
        return reply;
    std::string first;
    if (!read_line(control_fd_, control_buffer_, &first, kReplyTimeoutMs)) return reply;
    reply.push_back(first);
    for (int i = 0; i < extra_lines; ++i) {
        std::string more;
        if (!read_line(control_fd_, control_buffer_, &more, kReplyTimeoutMs)) break;
        reply.push_back(more);
    }
    return reply;
}

bool Session::ok_command(const std::string& line) {
    auto reply = command(line);
    return !reply.empty() && reply[0].rfind("ok", 0) == 0;
}

std::vector<WindowRow> Session::windows() {
    std::vector<WindowRow> rows;
    auto first = command("windows");
    if (first.empty() || first[0].rfind("ok ", 0) != 0) return rows;
    int count = std::stoi(first[0].substr(3));
    for (int i = 0; i < count; ++i) {
        std::string line;
        if (!read_line(control_fd_, control_buffer_, &line, kReplyTimeoutMs)) break;
        std::vector<std::string> f;
        std::stringstream in(line);
        std::string part;
        while (std::getline(in, part, '\t')) f.push_back(part);
        if (f.size() < 5) continue;
        WindowRow row;
        row.id = uint32_t(std::stoul(f[0]));
        row.title = f[1];
        row.app_id = f[2];
        std::sscanf(f[3].c_str(), "%d,%d,%dx%d", &row.frame.x, &row.frame.y, &row.frame.width, &row.frame.height);
        row.flags = f[4];
        rows.push_back(row);
    }
    return rows;
}

bool Session::wait_for_window(const std::string& name, int timeout_ms, WindowRow* out) {
    int64_t deadline = now_ms() + timeout_ms;
    while (now_ms() < deadline) {
        for (const WindowRow& row : windows()) {
            if (row.app_id == name || row.title == name) {
                if (out) *out = row;
                return true;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

bool Session::screenshot(const std::string& path, bool with_cursor) {
    return ok_command("screenshot " + path + (with_cursor ? " cursor" : ""));
}

pixman_image_t* take_screenshot(Session& session, const std::string& name, bool with_cursor) {
    std::filesystem::create_directories(GOLDEN_OUTPUT_DIR);
    std::string path = std::string(GOLDEN_OUTPUT_DIR) + "/" + name + ".shot.png";
    if (!session.screenshot(path, with_cursor)) return nullptr;
    return ui::read_png(path);
}

void expect_screen_matches(Session& session, const std::string& name, const CompareOptions& options, bool with_cursor) {
    std::filesystem::create_directories(GOLDEN_OUTPUT_DIR);
    std::string actual_path = std::string(GOLDEN_OUTPUT_DIR) + "/" + name + ".actual.png";
    std::string diff_path = std::string(GOLDEN_OUTPUT_DIR) + "/" + name + ".diff.png";
    std::string reference_path = std::string(REFERENCE_DIR) + "/" + name + ".png";
    // Several tests (in parallel processes) may compare with one reference:
    // shoot to a private file, and give it the shared name only on failure.
    std::string shot_path = std::string(GOLDEN_OUTPUT_DIR) + "/" + name + "." + std::to_string(getpid()) + ".png";
    ASSERT_TRUE(session.screenshot(shot_path, with_cursor)) << "screenshot failed";
    pixman_image_t* actual = ui::read_png(shot_path);
    ASSERT_NE(actual, nullptr) << "cannot read " << shot_path;
    std::string error;
    pixman_image_t* expected = ui::read_png(reference_path, &error);
    if (!expected) {
        std::filesystem::rename(shot_path, actual_path);
        pixman_image_unref(actual);
        ADD_FAILURE() << "no reference " << reference_path << " (" << error << ")\n  the screenshot is " << actual_path
                      << "; look at it and copy it there if it is right";
        return;
    }
    pixman_image_t* diff = nullptr;
    CompareResult result = compare_images(actual, expected, options, &diff);
    if (result.matches()) {
        std::filesystem::remove(shot_path);
        std::filesystem::remove(diff_path);  // from an earlier failing run
    } else {
        std::filesystem::rename(shot_path, actual_path);
        if (diff) ui::write_png(diff_path, diff);
        if (!result.same_size)
            ADD_FAILURE() << name << ": size differs from the reference\n  actual: " << actual_path;
        else
            ADD_FAILURE() << name << ": " << result.differing_pixels << " pixels differ by more than "
                          << options.tolerance << " (max " << result.max_channel_difference << ", first at "
                          << result.first_difference.x << "," << result.first_difference.y
                          << ")\n  actual: " << actual_path << "\n  diff:   " << diff_path
                          << "\n  reference: " << reference_path;
    }
    if (diff) pixman_image_unref(diff);
    pixman_image_unref(actual);
    pixman_image_unref(expected);
}

}  // namespace tessera::golden
