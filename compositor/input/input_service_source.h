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

    std::function<void(const std::string&)> on_lost;

    // Applies one frame (public for unit tests).
    void apply(const input::Frame& frame);

private:
    InputServiceSource(input::Client client, Seat& seat, Size output);
    static int on_readable(int fd, uint32_t mask, void* data);

    input::Client client_;
    Seat& seat_;
    Size output_;
    wl_event_source* source_ = nullptr;
};

} // namespace tessera::ui
