// tessera-virtio-input: the input service on virtio-input devices.
//
//   tessera-virtio-input [--device-fd N]... [--socket PATH] [--log-events]
//
// Each N (default just 3) is one device capability from devmgr: keyboards,
// mice (relative, wheel) and tablets (absolute 0..0x7FFF) alike, all served
// on one socket (default /run/input.sock, docs/protocols/input.md). The
// device's name and supported events come from its config space; events go
// out in frames ending with SYN_REPORT. --log-events prints each frame
// (the system tests read them).
#include <poll.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "input/server.h"
#include "input_device.h"
#include "native/tessera_platform.h"

namespace {

using namespace tessera;

struct Served {
    std::unique_ptr<native_calls::TesseraPlatform> platform;
    std::unique_ptr<virtio_input::InputDevice> device;
    std::uint32_t id = 0;
};

int usage() {
    std::fprintf(stderr, "usage: tessera-virtio-input [--device-fd N]... [--socket PATH] [--log-events]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<int> device_fds;
    std::string socket_path = "/run/input.sock";
    bool log_events = false;
    for (int i = 1; i < argc; ++i) {
        std::string argument = argv[i];
        if (argument == "--device-fd" && i + 1 < argc) {
            device_fds.push_back(std::atoi(argv[++i]));
        } else if (argument == "--socket" && i + 1 < argc) {
            socket_path = argv[++i];
        } else if (argument == "--log-events") {
            log_events = true;
        } else {
            return usage();
        }
    }
    if (device_fds.empty()) device_fds.push_back(3);

    unlink(socket_path.c_str());
    auto server = input::Server::listen(socket_path);
    if (!server) {
        std::fprintf(stderr, "virtio-input: listen on %s: %s\n", socket_path.c_str(), server.error().message.c_str());
        return 1;
    }
    std::vector<Served> devices;
    for (int fd : device_fds) {
        auto platform = native_calls::TesseraPlatform::open(fd);
        if (platform.is_error()) {
            std::fprintf(stderr, "virtio-input: device fd %d: %s\n", fd, virtio::error_name(platform.error()));
            continue;
        }
        auto device = virtio_input::InputDevice::open(*platform.value());
        if (device.is_error()) {
            std::fprintf(stderr, "virtio-input: device fd %d: %s\n", fd, virtio::error_name(device.error()));
            continue;
        }
        auto id = server.value()->add_device(device.value()->info());
        if (!id) {
            std::fprintf(stderr, "virtio-input: %s\n", id.error().message.c_str());
            continue;
        }
        std::printf("virtio-input: device %u \"%s\" (%zu absolute axes)\n", id.value(),
                    device.value()->info().name.c_str(), device.value()->info().absolute_axes.size());
        devices.push_back({platform.release_value(), device.release_value(), id.value()});
    }
    if (devices.empty()) return 1;
    std::printf("virtio-input: serving %s with %zu devices\n", socket_path.c_str(), devices.size());
    std::fflush(stdout);

    for (;;) {
        std::vector<pollfd> fds{{server.value()->fd(), POLLIN, 0}};
        bool any_without_interrupt = false;
        for (const Served& served : devices) {
            int fd = served.device->interrupt_fd();
            if (fd >= 0) fds.push_back({fd, POLLIN, 0});
            any_without_interrupt = any_without_interrupt || fd < 0;
        }
        (void)poll(fds.data(), fds.size(), any_without_interrupt ? 5 : 1000);
        if (auto served = server.value()->dispatch(0); !served) {
            std::fprintf(stderr, "virtio-input: %s\n", served.error().message.c_str());
            return 1;
        }
        for (const Served& served : devices) {
            auto frames = served.device->take_frames();
            if (frames.is_error()) {
                std::fprintf(stderr, "virtio-input: %s\n", virtio::error_name(frames.error()));
                return 1;
            }
            for (const auto& frame : frames.value()) {
                if (log_events) {
                    std::printf("virtio-input: frame device=%u", served.id);
                    for (const auto& event : frame) std::printf(" %u:%u:%d", event.type, event.code, event.value);
                    std::printf("\n");
                    std::fflush(stdout);
                }
                (void)server.value()->send_frame(served.id, frame);
            }
        }
    }
}
