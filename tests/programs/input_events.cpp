// input-events: an input-service client for the system tests (Tessera,
// started by devmgr once the virtio-input driver serves /run/input.sock).
// Prints every device (name, absolute axes) and every frame as
// "input-events: frame NAME type:code:value ...". When the service goes
// away (its driver was killed) it reconnects every 10 ms and says how long
// it was gone. A line "kill PID" on stdin sends SIGKILL to PID (the tests
// kill the driver this way).
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "input/client.h"

namespace {

using namespace tessera;

long long now_ms() {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

void print_device(const input::DeviceInfo& device) {
    std::printf("input-events: device %u \"%s\" keys=%zu rel=%zu", device.id, device.name.c_str(),
                device.keys.count(), device.relative_axes.count());
    for (const auto& axis : device.absolute_axes) std::printf(" abs%u=%d..%d", axis.code, axis.minimum, axis.maximum);
    std::printf("\n");
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    std::string path = argc > 1 ? argv[1] : "/run/input.sock";
    std::optional<input::Client> client;
    long long killed_at = 0;
    for (;;) {
        if (!client) {
            auto connected = input::Client::connect(path, 1000);
            if (!connected) {
                usleep(10000);
                continue;
            }
            client.emplace(std::move(connected.value()));
            for (const auto& [id, device] : client->devices()) print_device(device);
            if (killed_at) std::printf("input-events: reconnected %lld ms after the kill\n", now_ms() - killed_at);
            std::printf("input-events: connected, %zu devices\n", client->devices().size());
            std::fflush(stdout);
            client->on_device_added = print_device;
            client->on_frame = [&](const input::Frame& frame) {
                const input::DeviceInfo* device = client->device(frame.device_id);
                std::printf("input-events: frame %s", device ? device->name.c_str() : "?");
                for (const auto& event : frame.events) std::printf(" %u:%u:%d", event.type, event.code, event.value);
                std::printf("\n");
                std::fflush(stdout);
            };
        }
        pollfd fds[2] = {{client->fd(), POLLIN, 0}, {0, POLLIN, 0}};
        if (poll(fds, 2, 1000) < 0) continue;
        if (fds[1].revents & POLLIN) {
            char line[64];
            if (fgets(line, sizeof line, stdin) && std::string(line).rfind("kill ", 0) == 0) {
                pid_t pid = std::atoi(line + 5);
                killed_at = now_ms();
                std::printf("input-events: kill %d: %d\n", pid, kill(pid, SIGKILL));
                std::fflush(stdout);
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (!client->dispatch()) {
                std::printf("input-events: service gone\n");
                std::fflush(stdout);
                client.reset();
            }
        }
    }
}
