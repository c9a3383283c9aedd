// Input from the input service (docs/protocols/input.md) into the Seat:
// evdev frames become pointer motion (relative mice and absolute tablets,
// scaled to the output), buttons, wheel steps and keys.
#pragma once

#include "render/geometry.h"

#include "input/client.h"

#include <wayland-server-core.h>

#include <functional>
#include <memory>
#include <string>

namespace tessera::ui {

class Seat;

class InputServiceSource {
public:
    static std::unique_ptr<InputServiceSource> connect(wl_event_loop* loop, const std::string& path, Seat& seat,
                                                       Size output, std::string* error);
    ~InputServiceSource();

    // Reported when the service goes away; a new connection is then tried
    // every 100 ms (devmgr restarts crashed drivers).
    std::function<void(const std::string&)> on_lost;
    std::function<void()> on_reconnected;

    void set_output_size(Size size) { output_ = size; }
    // Applies one frame (public for unit tests).
    void apply(const input::Frame& frame);

private:
    InputServiceSource(wl_event_loop* loop, input::Client client, Seat& seat, Size output);
    static int on_readable(int fd, uint32_t mask, void* data);
    static int on_reconnect_timer(void* data);
    void listen();

    wl_event_loop* loop_;
    std::string path_;
    wl_event_source* reconnect_timer_ = nullptr;
    std::unique_ptr<input::Client> client_;
    Seat& seat_;
    Size output_;
    wl_event_source* source_ = nullptr;
};

}  // namespace tessera::ui
