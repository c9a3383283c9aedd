// tessera-headless-display: the display service on the Linux host.
//
//   tessera-headless-display --socket PATH [--mode WxH[@HZ]]... [--screenshot FILE] [--cursor]
//
// Serves until SIGINT or SIGTERM, then prints its counters. SIGUSR1 writes
// the screen to the --screenshot file (default headless-display.png; with
// the cursor drawn in when --cursor is given). Clients can also ask for a
// PNG with the protocol's WRITE_PNG request.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "headless_display/headless_display.h"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: tessera-headless-display --socket PATH [--mode WxH[@HZ]]... [--screenshot FILE] [--cursor]\n");
    return 2;
}

bool parse_mode(const char* text, tessera::display::Mode& mode) {
    unsigned width = 0, height = 0, hz = 60;
    int fields = std::sscanf(text, "%ux%u@%u", &width, &height, &hz);
    if (fields < 2 || width == 0 || height == 0) return false;
    mode = {width, height, hz * 1000};
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::string socket_path;
    std::string screenshot_path = "headless-display.png";
    bool with_cursor = false;
    std::vector<tessera::display::Mode> modes;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        bool has_value = i + 1 < argc;
        if (argument == "--socket" && has_value) {
            socket_path = argv[++i];
        } else if (argument == "--mode" && has_value) {
            tessera::display::Mode mode;
            if (!parse_mode(argv[++i], mode)) return usage();
            modes.push_back(mode);
        } else if (argument == "--screenshot" && has_value) {
            screenshot_path = argv[++i];
        } else if (argument == "--cursor") {
            with_cursor = true;
        } else {
            return usage();
        }
    }
    if (socket_path.empty()) return usage();
    if (modes.empty()) modes.push_back({1024, 768, 60000});

    // Block the signals before the service thread starts so that only
    // sigwait below receives them.
    sigset_t signals;
    sigemptyset(&signals);
    for (int signal : {SIGINT, SIGTERM, SIGUSR1}) sigaddset(&signals, signal);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    auto display = tessera::headless::Display::start(socket_path, modes);
    if (!display) {
        std::fprintf(stderr, "tessera-headless-display: %s\n", display.error().message.c_str());
        return 1;
    }
    std::printf("tessera-headless-display: serving %ux%u on %s\n", modes[0].width, modes[0].height,
                socket_path.c_str());
    std::fflush(stdout);

    for (;;) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0) continue;
        if (signal == SIGUSR1) {
            auto written = (*display)->write_png(screenshot_path, with_cursor);
            if (written)
                std::printf("tessera-headless-display: wrote %s\n", screenshot_path.c_str());
            else
                std::fprintf(stderr, "tessera-headless-display: %s\n", written.error().message.c_str());
            std::fflush(stdout);
            continue;
        }
        break;
    }
    auto stats = (*display)->stats();
    std::printf(
        "tessera-headless-display: %llu presents, %llu rectangles, %llu pixels, %llu cursor images, %llu cursor "
        "moves\n",
        static_cast<unsigned long long>(stats.presents), static_cast<unsigned long long>(stats.rectangles),
        static_cast<unsigned long long>(stats.pixels), static_cast<unsigned long long>(stats.cursor_images),
        static_cast<unsigned long long>(stats.cursor_moves));
    return 0;
}
