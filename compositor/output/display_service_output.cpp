#include "output/display_service_output.h"

#include <cstdio>

namespace tessera::ui {

namespace {
constexpr int kReconnectMs = 100;
constexpr int kFakeVblankMs = 16;
}  // namespace

std::unique_ptr<DisplayServiceOutput> DisplayServiceOutput::connect(wl_event_loop* loop, const std::string& path,
                                                                    int buffers, std::string* error) {
    auto client = display::Client::connect(path);
    if (!client) {
        *error = "display service " + path + ": " + client.error().message;
        return nullptr;
    }
    std::unique_ptr<DisplayServiceOutput> self(new DisplayServiceOutput(loop, std::move(*client)));
    self->path_ = path;
    self->buffer_count_ = buffers;
    display::Mode mode = self->client_->current_mode();
    self->size_ = {int32_t(mode.width), int32_t(mode.height)};
    if (!self->attach(*self->client_, error)) return nullptr;
    self->fake_vblank_ = wl_event_loop_add_timer(loop, &DisplayServiceOutput::on_fake_vblank, self.get());
    self->reconnect_timer_ = wl_event_loop_add_timer(loop, &DisplayServiceOutput::on_reconnect_timer, self.get());
    return self;
}

// Allocates and maps the scanout buffers of `client` and listens to it.
bool DisplayServiceOutput::attach(display::Client& client, std::string* error) {
    std::vector<display::Buffer> buffers;
    std::vector<pixman_image_t*> images;
    auto release = [&] {
        for (pixman_image_t* image : images) pixman_image_unref(image);
    };
    for (int i = 0; i < buffer_count_; ++i) {
        auto buffer = client.allocate_buffer(uint32_t(size_.width), uint32_t(size_.height));
        if (!buffer) {
            *error = "display service: cannot allocate a scanout buffer: " + buffer.error().message;
            release();
            return false;
        }
        pixman_image_t* image = pixman_image_create_bits(PIXMAN_x8r8g8b8, int(buffer->width), int(buffer->height),
                                                         buffer->pixels, int(buffer->stride));
        if (!image) {
            *error = "display service: cannot wrap a scanout buffer";
            release();
            return false;
        }
        buffers.push_back(*buffer);
        images.push_back(image);
    }
    for (pixman_image_t* image : images_) pixman_image_unref(image);
    images_ = std::move(images);
    buffers_ = std::move(buffers);
    client.on_present_complete = [this](const display::PresentComplete& complete) {
        if (complete.serial != pending_serial_ || !pending_done_) return;
        auto done = std::move(pending_done_);
        pending_done_ = nullptr;
        done();
    };
    client.on_modes_changed = [this](const display::Modes& modes) { mode_changed(modes); };
    client.on_error = [](const display::ErrorEvent& e) {
        std::fprintf(stderr, "uiserver: display service: %s\n", e.message.c_str());
    };
    if (source_) wl_event_source_remove(source_);
    source_ = wl_event_loop_add_fd(loop_, client.fd(), WL_EVENT_READABLE, &DisplayServiceOutput::on_readable, this);
    // Events kept during the round trips above are not signalled by the fd.
    if (client.pending() && !idle_)
        idle_ = wl_event_loop_add_idle(loop_, &DisplayServiceOutput::on_idle_dispatch, this);
    return true;
}

DisplayServiceOutput::DisplayServiceOutput(wl_event_loop* loop, display::Client client)
    : loop_(loop), client_(std::make_unique<display::Client>(std::move(client))) {}

DisplayServiceOutput::~DisplayServiceOutput() {
    for (wl_event_source* s : {idle_, source_, fake_vblank_, reconnect_timer_})
        if (s) wl_event_source_remove(s);
    for (pixman_image_t* image : images_) pixman_image_unref(image);
}

void DisplayServiceOutput::mode_changed(const display::Modes& modes) {
    if (modes.current >= modes.modes.size()) return;
    const display::Mode& mode = modes.modes[modes.current];
    Size old_size = size_;
    size_ = {int32_t(mode.width), int32_t(mode.height)};
    if (!(size_ == old_size)) {
        for (const display::Buffer& b : buffers_) {
            auto ignored = client_->free_buffer(b.id);
            (void)ignored;
        }
        std::string error;
        if (!attach(*client_, &error)) {
            if (on_failed) on_failed(error);
            return;
        }
    }
    // A frame in flight went to the old screen: finish it on our own clock.
    if (pending_done_) wl_event_source_timer_update(fake_vblank_, 1);
    if (on_mode_changed) on_mode_changed(size_);
}

void DisplayServiceOutput::lost(const std::string& why) {
    if (!connected_) return;
    connected_ = false;
    if (source_) {
        wl_event_source_remove(source_);
        source_ = nullptr;
    }
    // The old mapping stays valid (the Client keeps it) until a new
    // connection replaces it, so rendering carries on meanwhile.
    if (pending_done_) wl_event_source_timer_update(fake_vblank_, kFakeVblankMs);
    wl_event_source_timer_update(reconnect_timer_, kReconnectMs);
    if (on_lost) on_lost(why);
}

void DisplayServiceOutput::dispatch() {
    if (!connected_) return;
    auto result = client_->dispatch();
    if (!result) lost(result.error().message);
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

int DisplayServiceOutput::on_fake_vblank(void* data) {
    auto* self = static_cast<DisplayServiceOutput*>(data);
    if (auto done = std::move(self->pending_done_)) {
        self->pending_done_ = nullptr;
        done();
    }
    return 0;
}

int DisplayServiceOutput::on_reconnect_timer(void* data) {
    auto* self = static_cast<DisplayServiceOutput*>(data);
    auto client = display::Client::connect(self->path_, 1000);
    if (!client) {
        wl_event_source_timer_update(self->reconnect_timer_, kReconnectMs);
        return 0;
    }
    display::Mode mode = client->current_mode();
    Size old_size = self->size_;
    self->size_ = {int32_t(mode.width), int32_t(mode.height)};
    auto fresh = std::make_unique<display::Client>(std::move(*client));
    std::string error;
    if (!self->attach(*fresh, &error)) {
        self->size_ = old_size;
        std::fprintf(stderr, "uiserver: %s\n", error.c_str());
        wl_event_source_timer_update(self->reconnect_timer_, kReconnectMs);
        return 0;
    }
    self->client_ = std::move(fresh);  // unmaps the old buffers
    self->connected_ = true;
    if (!(self->size_ == old_size) && self->on_mode_changed) self->on_mode_changed(self->size_);
    if (self->on_reconnected) self->on_reconnected();
    return 0;
}

void DisplayServiceOutput::present(int index, const std::vector<Rect>& damage, std::function<void()> done) {
    pending_done_ = std::move(done);
    if (!connected_) {
        wl_event_source_timer_update(fake_vblank_, kFakeVblankMs);
        return;
    }
    std::vector<display::Rect> rects;
    rects.reserve(damage.size());
    for (const Rect& r : damage) rects.push_back({r.x, r.y, r.width, r.height});
    if (rects.empty()) {
        // An empty list would mean "the whole buffer"; nothing changed, but
        // the frame callbacks still wait for the display's pace.
        rects.push_back({0, 0, 0, 0});
    }
    auto serial = client_->present(buffers_[size_t(index)].id, rects);
    if (!serial) {
        lost(serial.error().message);
        return;
    }
    pending_serial_ = *serial;
}

void DisplayServiceOutput::set_cursor(const std::vector<uint32_t>& argb, Size size, Point hotspot) {
    if (!connected_) return;
    display::Result<void> ignored = argb.empty() ? client_->hide_cursor()
                                                 : client_->set_cursor(uint16_t(size.width), uint16_t(size.height),
                                                                       int16_t(hotspot.x), int16_t(hotspot.y), argb);
    (void)ignored;
}

void DisplayServiceOutput::move_cursor(Point position) {
    if (!connected_) return;
    auto ignored = client_->move_cursor(position.x, position.y);
    (void)ignored;
}

std::string DisplayServiceOutput::write_png(const std::string& path, bool with_cursor) {
    if (!connected_) return "the display service is gone (reconnecting)";
    auto result = client_->write_png(path, with_cursor ? display::write_png_with_cursor : 0);
    if (client_->pending() && !idle_)
        idle_ = wl_event_loop_add_idle(loop_, &DisplayServiceOutput::on_idle_dispatch, this);
    return result ? "" : result.error().message;
}

}  // namespace tessera::ui
