#include "output/display_service_output.h"

#include <cstdio>

namespace tessera::ui {

std::unique_ptr<DisplayServiceOutput> DisplayServiceOutput::connect(wl_event_loop* loop, const std::string& path,
                                                                    int buffers, std::string* error) {
    auto client = display::Client::connect(path);
    if (!client) {
        *error = "display service " + path + ": " + client.error().message;
        return nullptr;
    }
    std::unique_ptr<DisplayServiceOutput> self(new DisplayServiceOutput(loop, std::move(*client)));
    display::Mode mode = self->client_.current_mode();
    self->size_ = {int32_t(mode.width), int32_t(mode.height)};
    for (int i = 0; i < buffers; ++i) {
        auto buffer = self->client_.allocate_buffer(mode.width, mode.height);
        if (!buffer) {
            *error = "display service: cannot allocate a scanout buffer: " + buffer.error().message;
            return nullptr;
        }
        pixman_image_t* image = pixman_image_create_bits(PIXMAN_x8r8g8b8, int(buffer->width), int(buffer->height),
                                                         buffer->pixels, int(buffer->stride));
        if (!image) {
            *error = "display service: cannot wrap a scanout buffer";
            return nullptr;
        }
        self->buffers_.push_back(*buffer);
        self->images_.push_back(image);
    }
    self->source_ = wl_event_loop_add_fd(loop, self->client_.fd(), WL_EVENT_READABLE,
                                         &DisplayServiceOutput::on_readable, self.get());
    // Events kept during the round trips above are not signalled by the fd.
    if (self->client_.pending())
        self->idle_ = wl_event_loop_add_idle(loop, &DisplayServiceOutput::on_idle_dispatch, self.get());
    return self;
}

DisplayServiceOutput::DisplayServiceOutput(wl_event_loop* loop, display::Client client)
    : loop_(loop), client_(std::move(client)) {
    client_.on_present_complete = [this](const display::PresentComplete& complete) {
        if (complete.serial != pending_serial_ || !pending_done_)
            return;
        auto done = std::move(pending_done_);
        pending_done_ = nullptr;
        done();
    };
    client_.on_error = [](const display::ErrorEvent& error) {
        std::fprintf(stderr, "uiserver: display service: %s\n", error.message.c_str());
    };
}

DisplayServiceOutput::~DisplayServiceOutput() {
    if (idle_)
        wl_event_source_remove(idle_);
    if (source_)
        wl_event_source_remove(source_);
    for (pixman_image_t* image : images_)
        pixman_image_unref(image);
}

void DisplayServiceOutput::dispatch() {
    auto result = client_.dispatch();
    if (!result) {
        if (source_) {
            wl_event_source_remove(source_);
            source_ = nullptr;
        }
        if (on_lost)
            on_lost(result.error().message);
    }
}

int DisplayServiceOutput::on_readable(int, uint32_t, void* data) {
    static_cast<DisplayServiceOutput*>(data)->dispatch();
    return 0;
}

void DisplayServiceOutput::on_idle_dispatch(void* data) {
    auto* self = static_cast<DisplayServiceOutput*>(data);
    self->idle_ = nullptr;
    self->dispatch();
}

void DisplayServiceOutput::present(int index, const std::vector<Rect>& damage, std::function<void()> done) {
    std::vector<display::Rect> rects;
    rects.reserve(damage.size());
    for (const Rect& r : damage)
        rects.push_back({r.x, r.y, r.width, r.height});
    if (rects.empty()) {
        // An empty list would mean "the whole buffer"; nothing changed, but
        // the frame callbacks still wait for the display's pace.
        rects.push_back({0, 0, 0, 0});
    }
    auto serial = client_.present(buffers_[size_t(index)].id, rects);
    if (!serial) {
        if (on_lost)
            on_lost(serial.error().message);
        return;
    }
    pending_serial_ = *serial;
    pending_done_ = std::move(done);
}

void DisplayServiceOutput::set_cursor(const std::vector<uint32_t>& argb, Size size, Point hotspot) {
    display::Result<void> ignored = argb.empty() ? client_.hide_cursor()
                                        : client_.set_cursor(uint16_t(size.width), uint16_t(size.height),
                                                             int16_t(hotspot.x), int16_t(hotspot.y), argb);
    (void)ignored;
}

void DisplayServiceOutput::move_cursor(Point position) {
    auto ignored = client_.move_cursor(position.x, position.y);
    (void)ignored;
}

std::string DisplayServiceOutput::write_png(const std::string& path, bool with_cursor) {
    auto result = client_.write_png(path, with_cursor ? display::write_png_with_cursor : 0);
    if (client_.pending() && !idle_)
        idle_ = wl_event_loop_add_idle(loop_, &DisplayServiceOutput::on_idle_dispatch, this);
    return result ? "" : result.error().message;
}

} // namespace tessera::ui
