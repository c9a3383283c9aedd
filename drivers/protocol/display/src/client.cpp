#include "display/client.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>

#include "wire/socket.h"

namespace tessera::display {
namespace {

Error error_from_event(const ErrorEvent& event) {
    return wire::make_error(event.code, event.message);
}

}  // namespace

Result<Client> Client::connect(const std::string& path, int timeout_ms) {
    Client client;
    auto socket = wire::connect_seqpacket(path);
    if (!socket) return socket.error();
    client.socket_ = std::move(*socket);
    client.round_trip_timeout_ms_ = timeout_ms;
    TESSERA_TRY(client.send(Hello{}));
    auto welcome = client.wait_for([](const Event& e) { return !std::holds_alternative<Modes>(e); }, timeout_ms);
    if (!welcome) return welcome.error();
    if (auto* error = std::get_if<ErrorEvent>(&*welcome)) return error_from_event(*error);
    auto* w = std::get_if<Welcome>(&*welcome);
    if (w == nullptr) return wire::make_error(ErrorCode::malformed, "service did not answer HELLO with WELCOME");
    if (w->version == 0 || w->version > protocol_version)
        return wire::make_error(ErrorCode::unsupported_version, "service chose a version this client cannot speak");
    client.welcome_ = *w;
    // MODES follows WELCOME; it may already be kept.
    auto modes = client.wait_for([](const Event& e) { return std::holds_alternative<Modes>(e); }, timeout_ms);
    if (!modes) return modes.error();
    client.modes_ = std::get<Modes>(std::move(*modes));
    return client;
}

Client::Client(Client&& other) noexcept {
    *this = std::move(other);
}

Client& Client::operator=(Client&& other) noexcept {
    if (this == &other) return *this;
    unmap_all();
    socket_ = std::move(other.socket_);
    welcome_ = other.welcome_;
    modes_ = std::move(other.modes_);
    serial_ = other.serial_;
    kept_ = std::move(other.kept_);
    buffers_ = std::move(other.buffers_);
    other.buffers_.clear();
    round_trip_timeout_ms_ = other.round_trip_timeout_ms_;
    on_present_complete = std::move(other.on_present_complete);
    on_modes_changed = std::move(other.on_modes_changed);
    on_error = std::move(other.on_error);
    return *this;
}

Client::~Client() {
    unmap_all();
}

void Client::unmap_all() {
    for (const Buffer& buffer : buffers_) ::munmap(buffer.pixels, buffer.size);
    buffers_.clear();
}

Result<void> Client::send(Request request) {
    if (!socket_) return wire::make_error(ErrorCode::disconnected, "not connected");
    return wire::send_message(socket_.get(), encode(std::move(request)));
}

Result<Event> Client::read_event() {
    if (!socket_) return wire::make_error(ErrorCode::disconnected, "not connected");
    auto message = wire::receive_message(socket_.get());
    if (!message) return message.error();
    return decode_event(std::move(*message));
}

Result<Event> Client::wait_for(const std::function<bool(const Event&)>& accept, int timeout_ms) {
    // Kept events first: connect() may find MODES already kept.
    for (auto it = kept_.begin(); it != kept_.end(); ++it) {
        if (accept(*it)) {
            Event event = std::move(*it);
            kept_.erase(it);
            return event;
        }
    }
    for (;;) {
        auto event = read_event();
        if (!event) {
            if (event.error().code != ErrorCode::would_block) return event.error();
            TESSERA_TRY(wire::wait_readable(socket_.get(), timeout_ms));
            continue;
        }
        if (accept(*event)) return std::move(*event);
        kept_.push_back(std::move(*event));
    }
}

Result<Buffer> Client::allocate_buffer(std::uint32_t width, std::uint32_t height) {
    std::uint32_t serial = next_serial();
    TESSERA_TRY(send(AllocateBuffer{serial, width, height, static_cast<std::uint32_t>(PixelFormat::xrgb8888)}));
    auto answer = wait_for(
        [serial](const Event& e) {
            if (auto* b = std::get_if<BufferAllocated>(&e)) return b->serial == serial;
            if (auto* err = std::get_if<ErrorEvent>(&e)) return err->serial == serial;
            return false;
        },
        round_trip_timeout_ms_);
    if (!answer) return answer.error();
    if (auto* error = std::get_if<ErrorEvent>(&*answer)) return error_from_event(*error);
    auto& allocated = std::get<BufferAllocated>(*answer);
    // The service's numbers are checked like any other input before they
    // decide how much memory is mapped and how it is indexed.
    if (allocated.width != width || allocated.height != height || allocated.stride < std::uint64_t{width} * 4 ||
        allocated.size < std::uint64_t{allocated.stride} * height ||
        allocated.format != static_cast<std::uint32_t>(PixelFormat::xrgb8888))
        return wire::make_error(ErrorCode::malformed, "service sent an inconsistent buffer description");
    void* mapping = ::mmap(nullptr, allocated.size, PROT_READ | PROT_WRITE, MAP_SHARED, allocated.fd.get(), 0);
    if (mapping == MAP_FAILED) return wire::system_error("mmap buffer");
    Buffer buffer;
    buffer.id = allocated.buffer_id;
    buffer.pixels = static_cast<std::uint32_t*>(mapping);
    buffer.width = width;
    buffer.height = height;
    buffer.stride = allocated.stride;
    buffer.size = allocated.size;
    buffers_.push_back(buffer);
    return buffer;
}

Result<void> Client::free_buffer(std::uint32_t buffer_id) {
    auto found = std::find_if(buffers_.begin(), buffers_.end(), [&](const Buffer& b) { return b.id == buffer_id; });
    if (found != buffers_.end()) {
        ::munmap(found->pixels, found->size);
        buffers_.erase(found);
    }
    return send(FreeBuffer{next_serial(), buffer_id});
}

Result<std::uint32_t> Client::present(std::uint32_t buffer_id, std::span<const Rect> damage) {
    std::uint32_t serial = next_serial();
    TESSERA_TRY(send(Present{serial, buffer_id, std::vector<Rect>(damage.begin(), damage.end())}));
    return serial;
}

Result<void> Client::set_cursor(std::uint16_t width, std::uint16_t height, std::int16_t hotspot_x,
                                std::int16_t hotspot_y, std::span<const std::uint32_t> pixels) {
    if (pixels.size() != std::size_t{width} * height)
        return wire::make_error(ErrorCode::invalid_argument, "cursor pixel count is not width * height");
    return send(SetCursor{next_serial(), width, height, hotspot_x, hotspot_y,
                          std::vector<std::uint32_t>(pixels.begin(), pixels.end())});
}

Result<void> Client::hide_cursor() {
    return send(SetCursor{next_serial(), 0, 0, 0, 0, {}});
}

Result<void> Client::move_cursor(std::int32_t x, std::int32_t y) {
    return send(MoveCursor{x, y});
}

Result<std::uint32_t> Client::set_mode(std::uint32_t index) {
    std::uint32_t serial = next_serial();
    TESSERA_TRY(send(SetMode{serial, index}));
    return serial;
}

Result<Stats> Client::stats() {
    std::uint32_t serial = next_serial();
    TESSERA_TRY(send(GetStats{serial}));
    auto answer = wait_for(
        [serial](const Event& e) {
            if (auto* s = std::get_if<Stats>(&e)) return s->serial == serial;
            if (auto* err = std::get_if<ErrorEvent>(&e)) return err->serial == serial;
            return false;
        },
        round_trip_timeout_ms_);
    if (!answer) return answer.error();
    if (auto* error = std::get_if<ErrorEvent>(&*answer)) return error_from_event(*error);
    return std::get<Stats>(*answer);
}

Result<void> Client::write_png(int fd, std::uint32_t flags) {
    wire::UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!copy) return wire::system_error("dup");
    std::uint32_t serial = next_serial();
    TESSERA_TRY(send(WritePng{serial, flags, std::move(copy)}));
    auto answer = wait_for(
        [serial](const Event& e) {
            if (auto* d = std::get_if<Done>(&e)) return d->serial == serial;
            if (auto* err = std::get_if<ErrorEvent>(&e)) return err->serial == serial;
            return false;
        },
        round_trip_timeout_ms_);
    if (!answer) return answer.error();
    if (auto* error = std::get_if<ErrorEvent>(&*answer)) return error_from_event(*error);
    return {};
}

Result<void> Client::write_png(const std::string& path, std::uint32_t flags) {
    wire::UniqueFd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!file) return wire::system_error("open " + path);
    return write_png(file.get(), flags);
}

void Client::deliver(Event event) {
    if (auto* done = std::get_if<PresentComplete>(&event)) {
        if (on_present_complete) on_present_complete(*done);
    } else if (auto* modes = std::get_if<Modes>(&event)) {
        modes_ = *modes;
        if (on_modes_changed) on_modes_changed(modes_);
    } else if (auto* error = std::get_if<ErrorEvent>(&event)) {
        if (on_error) on_error(*error);
    }
    // Anything else (a late round-trip answer) has nobody waiting for it.
}

Result<void> Client::dispatch() {
    for (;;) {
        // Kept events first, and again after every delivery: a callback that
        // makes a round trip may keep more.
        if (!kept_.empty()) {
            Event event = std::move(kept_.front());
            kept_.pop_front();
            deliver(std::move(event));
            continue;
        }
        auto event = read_event();
        if (!event) {
            if (event.error().code == ErrorCode::would_block) return {};
            socket_.reset();
            return event.error();
        }
        deliver(std::move(*event));
    }
}

Result<void> Client::dispatch_blocking(int timeout_ms) {
    if (!socket_) return wire::make_error(ErrorCode::disconnected, "not connected");
    if (kept_.empty()) TESSERA_TRY(wire::wait_readable(socket_.get(), timeout_ms));
    return dispatch();
}

}  // namespace tessera::display
