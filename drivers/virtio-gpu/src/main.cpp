// tessera-virtio-gpu: the display service on a virtio-gpu device.
//
//   tessera-virtio-gpu [--device-fd N] [--socket PATH] [--log-counters]
//
// N (default 3) is the device capability devmgr hands over; PATH (default
// /run/display.sock) is where clients connect (docs/protocols/display.md).
// The mode offered is the device's (GET_DISPLAY_INFO, 1024x768 when no
// scanout is enabled); a display event (the host window resized) offers the
// new one to every client. --log-counters prints the driver's counters
// after each present and cursor change (the system tests read them).
#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "display_device.h"

namespace {

using namespace tessera;

int usage() {
    std::fprintf(stderr, "usage: tessera-virtio-gpu [--device-fd N] [--socket PATH] [--log-counters]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    int device_fd = 3;
    std::string socket_path = "/run/display.sock";
    bool log_counters = false;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--device-fd" && i + 1 < argc) {
            device_fd = std::atoi(argv[++i]);
        } else if (argument == "--socket" && i + 1 < argc) {
            socket_path = argv[++i];
        } else if (argument == "--log-counters") {
            log_counters = true;
        } else {
            return usage();
        }
    }
    auto platform = native_calls::TesseraPlatform::open(device_fd);
    if (platform.is_error()) {
        std::fprintf(stderr, "virtio-gpu: device fd %d: %s\n", device_fd, virtio::error_name(platform.error()));
        return 1;
    }
    auto gpu = virtio_gpu::Gpu::open(*platform.value());
    if (gpu.is_error()) {
        std::fprintf(stderr, "virtio-gpu: %s\n", virtio::error_name(gpu.error()));
        return 1;
    }
    auto mode = gpu.value()->preferred_mode();
    if (mode.is_error()) {
        std::fprintf(stderr, "virtio-gpu: GET_DISPLAY_INFO: %s\n", virtio::error_name(mode.error()));
        return 1;
    }
    virtio_gpu::GpuDisplayDevice device(*platform.value(), *gpu.value(), log_counters);
    unlink(socket_path.c_str());
    auto server = display::Server::listen(socket_path, device, {{mode.value().width, mode.value().height, 60000}}, 0);
    if (!server) {
        std::fprintf(stderr, "virtio-gpu: listen on %s: %s\n", socket_path.c_str(), server.error().message.c_str());
        return 1;
    }
    std::printf("virtio-gpu: serving %s at %ux%u\n", socket_path.c_str(), mode.value().width, mode.value().height);
    std::fflush(stdout);

    int config_fd = gpu.value()->config_interrupt_fd();
    for (;;) {
        // Clients on the server's epoll; display events on the config
        // interrupt, looked at between dispatches.
        if (auto served = server.value()->dispatch(100); !served) {
            std::fprintf(stderr, "virtio-gpu: %s\n", served.error().message.c_str());
            return 1;
        }
        pollfd entry{config_fd, POLLIN, 0};
        if (config_fd < 0 || poll(&entry, 1, 0) != 1) continue;
        if (!gpu.value()->take_display_event()) continue;
        auto changed = gpu.value()->preferred_mode();
        if (changed.is_error()) continue;
        std::printf("virtio-gpu: display event, mode %ux%u\n", changed.value().width, changed.value().height);
        std::fflush(stdout);
        (void)server.value()->set_modes({{changed.value().width, changed.value().height, 60000}}, 0);
    }
}
