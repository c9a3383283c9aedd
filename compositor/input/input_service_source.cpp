#include "input/input_service_source.h"

#include "input/seat.h"

#include <linux/input-event-codes.h>

#include <algorithm>

namespace tessera::ui {

std::unique_ptr<InputServiceSource> InputServiceSource::connect(wl_event_loop* loop, const std::string& path,
                                                                Seat& seat, Size output, std::string* error) {
    auto client = input::Client::connect(path);
    if (!client) {
        *error = "input service " + path + ": " + client.error().message;
        return nullptr;
    }
    std::unique_ptr<InputServiceSource> self(new InputServiceSource(loop, std::move(*client), seat, output));
    self->path_ = path;
    self->reconnect_timer_ = wl_event_loop_add_timer(loop, &InputServiceSource::on_reconnect_timer, self.get());
    return self;
}

InputServiceSource::InputServiceSource(wl_event_loop* loop, input::Client client, Seat& seat, Size output)
    : loop_(loop), client_(std::make_unique<input::Client>(std::move(client))), seat_(seat), output_(output) {
    listen();
}

void InputServiceSource::listen() {
    client_->on_frame = [this](const input::Frame& frame) { apply(frame); };
    source_ = wl_event_loop_add_fd(loop_, client_->fd(), WL_EVENT_READABLE, &InputServiceSource::on_readable, this);
}

InputServiceSource::~InputServiceSource() {
    if (source_) wl_event_source_remove(source_);
    if (reconnect_timer_) wl_event_source_remove(reconnect_timer_);
}

int InputServiceSource::on_readable(int, uint32_t, void* data) {
    auto* self = static_cast<InputServiceSource*>(data);
    auto result = self->client_->dispatch();
    if (!result) {
        wl_event_source_remove(self->source_);
        self->source_ = nullptr;
        wl_event_source_timer_update(self->reconnect_timer_, 100);
        if (self->on_lost) self->on_lost(result.error().message);
    }
    return 0;
}

int InputServiceSource::on_reconnect_timer(void* data) {
    auto* self = static_cast<InputServiceSource*>(data);
    auto client = input::Client::connect(self->path_, 1000);
    if (!client) {
        wl_event_source_timer_update(self->reconnect_timer_, 100);
        return 0;
    }
    self->client_ = std::make_unique<input::Client>(std::move(*client));
    self->listen();
    if (self->on_reconnected) self->on_reconnected();
    return 0;
}

void InputServiceSource::apply(const input::Frame& frame) {
    const input::DeviceInfo* device = client_->device(frame.device_id);
    Point position = seat_.pointer_position();
    bool moved = false;
    int wheel = 0, hwheel = 0;
    auto scale = [&](uint16_t axis, int32_t value, int32_t extent) {
        const input::AbsoluteAxis* range = device ? device->absolute(axis) : nullptr;
        if (range && range->maximum > range->minimum) {
            int64_t span = int64_t(range->maximum) - range->minimum + 1;
            return int32_t((int64_t(value) - range->minimum) * extent / span);
        }
        return std::clamp(value, 0, extent - 1);
    };
    // Motion is applied once per frame, before the buttons and keys of the
    // same frame, so a click lands where the pointer is in that frame.
    for (const input::InputEvent& e : frame.events) {
        if (e.type == EV_REL && e.code == REL_X) {
            position.x += e.value;
            moved = true;
        } else if (e.type == EV_REL && e.code == REL_Y) {
            position.y += e.value;
            moved = true;
        } else if (e.type == EV_REL && e.code == REL_WHEEL) {
            wheel -= e.value;  // evdev: positive is away from the user; Wayland: positive scrolls down
        } else if (e.type == EV_REL && e.code == REL_HWHEEL) {
            hwheel += e.value;
        } else if (e.type == EV_ABS && e.code == ABS_X) {
            position.x = scale(ABS_X, e.value, output_.width);
            moved = true;
        } else if (e.type == EV_ABS && e.code == ABS_Y) {
            position.y = scale(ABS_Y, e.value, output_.height);
            moved = true;
        }
    }
    if (moved) {
        position.x = std::clamp(position.x, 0, output_.width - 1);
        position.y = std::clamp(position.y, 0, output_.height - 1);
        seat_.pointer_motion(position);
    }
    if (wheel || hwheel) seat_.pointer_axis(wheel, hwheel);
    for (const input::InputEvent& e : frame.events) {
        if (e.type != EV_KEY || e.value == 2)  // autorepeat is the client's job
            continue;
        if (e.code >= BTN_MOUSE && e.code < BTN_JOYSTICK)
            seat_.pointer_button(e.code, e.value != 0);
        else if (e.code < BTN_MISC || e.code >= KEY_OK)
            seat_.key(e.code, e.value != 0);
    }
}

}  // namespace tessera::ui
