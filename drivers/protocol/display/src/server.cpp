#include "display/server.h"

#include <fcntl.h>
#include <time.h>

#include <algorithm>

namespace tessera::display {
namespace {

std::uint64_t monotonic_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return std::uint64_t(now.tv_sec) * 1'000'000'000u + std::uint64_t(now.tv_nsec);
}

std::uint32_t serial_of(const Request& request) {
    return std::visit(
        [](const auto& m) -> std::uint32_t {
            if constexpr (requires { m.serial; })
                return m.serial;
            else
                return 0;
        },
        request);
}

// r clipped to [0, width) x [0, height); empty when nothing is left. The
// sums are done in 64 bits: x + width may not fit in 32.
Rect clip(const Rect& r, std::int64_t width, std::int64_t height) {
    std::int64_t left = std::max<std::int64_t>(r.x, 0);
    std::int64_t top = std::max<std::int64_t>(r.y, 0);
    std::int64_t right = std::min<std::int64_t>(std::int64_t{r.x} + r.width, width);
    std::int64_t bottom = std::min<std::int64_t>(std::int64_t{r.y} + r.height, height);
    if (right <= left || bottom <= top) return Rect{};
    return Rect{static_cast<std::int32_t>(left), static_cast<std::int32_t>(top),
                static_cast<std::int32_t>(right - left), static_cast<std::int32_t>(bottom - top)};
}

Result<void> check_modes(const std::vector<Mode>& modes, std::uint32_t current) {
    if (modes.empty() || modes.size() > max_modes || current >= modes.size())
        return wire::make_error(ErrorCode::invalid_argument, "mode list empty, too long, or current out of range");
    for (const Mode& mode : modes)
        if (mode.width == 0 || mode.height == 0 || mode.width > max_dimension || mode.height > max_dimension)
            return wire::make_error(ErrorCode::invalid_argument, "mode size out of range");
    return {};
}

}  // namespace

Result<void> Device::set_mode(std::uint32_t, const Mode&) {
    return wire::make_error(ErrorCode::unsupported, "this display cannot change modes");
}

Result<void> Device::write_png(int, bool) {
    return wire::make_error(ErrorCode::unsupported, "this display cannot read its screen back");
}

struct Server::OwnedBuffer {
    std::unique_ptr<BufferMemory> memory;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
};

struct Server::ClientState {
    bool greeted = false;
    std::uint32_t version = 0;
    std::map<std::uint32_t, OwnedBuffer> buffers;
};

Server::Server(Device& device, std::vector<Mode> modes, std::uint32_t current) : device_(device) {
    modes_.modes = std::move(modes);
    modes_.current = current;
}

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::listen(const std::string& path, Device& device, std::vector<Mode> modes,
                                               std::uint32_t current) {
    TESSERA_TRY(check_modes(modes, current));
    std::unique_ptr<Server> server(new Server(device, std::move(modes), current));
    auto core = wire::ServerCore::listen(path, *server);
    if (!core) return core.error();
    server->core_ = std::move(*core);
    return server;
}

Result<void> Server::set_modes(std::vector<Mode> modes, std::uint32_t current) {
    TESSERA_TRY(check_modes(modes, current));
    auto guard = core_->lock();
    modes_.modes = std::move(modes);
    modes_.current = current;
    broadcast_modes();
    return {};
}

Modes Server::modes() const {
    auto guard = core_->lock();
    return modes_;
}

Stats Server::stats() const {
    auto guard = core_->lock();
    return stats_;
}

std::size_t Server::client_count() const {
    auto guard = core_->lock();
    return core_->clients().size();
}

void Server::on_connect(wire::ClientId client) {
    clients_.emplace(client, std::make_unique<ClientState>());
}

void Server::on_disconnect(wire::ClientId client) {
    clients_.erase(client);
}

void Server::on_malformed(wire::ClientId client, const Error& error) {
    send_error(client, 0, Opcode{}, ErrorCode::malformed, error.message);
}

void Server::send_error(wire::ClientId client, std::uint32_t serial, Opcode opcode, ErrorCode code, std::string text) {
    // Only codes 1..8 travel; a local failure is reported as io_error.
    if (code > ErrorCode::io_error) code = ErrorCode::io_error;
    core_->send(client, encode(ErrorEvent{serial, static_cast<std::uint16_t>(opcode), code, std::move(text)}));
}

void Server::broadcast_modes() {
    for (const auto& [id, state] : clients_)
        if (state->greeted) core_->send(id, encode(modes_));
}

void Server::on_message(wire::ClientId id, wire::Message message) {
    auto found = clients_.find(id);
    if (found == clients_.end()) return;
    auto opcode = static_cast<Opcode>(message.opcode());
    auto request = decode_request(std::move(message));
    if (!request) {
        send_error(id, 0, opcode, ErrorCode::malformed, request.error().message);
        core_->drop(id);
        return;
    }
    ClientState& client = *found->second;
    bool is_hello = std::holds_alternative<Hello>(*request);
    if (client.greeted == is_hello) {
        send_error(id, serial_of(*request), opcode, ErrorCode::protocol_state,
                   is_hello ? "HELLO sent twice" : "the first request must be HELLO");
        core_->drop(id);
        return;
    }
    handle(id, client, std::move(*request));
}

void Server::handle(wire::ClientId id, ClientState& client, Request request) {
    const std::uint32_t serial = serial_of(request);
    auto fail = [&](Opcode opcode, ErrorCode code, std::string text) {
        send_error(id, serial, opcode, code, std::move(text));
    };

    if (auto* hello = std::get_if<Hello>(&request)) {
        if (hello->magic != hello_magic || hello->version == 0) {
            fail(Opcode::hello, ErrorCode::unsupported_version, "bad magic or version 0");
            core_->drop(id);
            return;
        }
        client.greeted = true;
        client.version = std::min(hello->version, protocol_version);
        Welcome welcome;
        welcome.version = client.version;
        core_->send(id, encode(welcome));
        core_->send(id, encode(modes_));
    } else if (auto* allocate = std::get_if<AllocateBuffer>(&request)) {
        if (allocate->format != static_cast<std::uint32_t>(PixelFormat::xrgb8888))
            return fail(Opcode::allocate_buffer, ErrorCode::invalid_argument, "unknown pixel format");
        if (allocate->width == 0 || allocate->height == 0 || allocate->width > max_dimension ||
            allocate->height > max_dimension)
            return fail(Opcode::allocate_buffer, ErrorCode::invalid_argument, "buffer size out of range");
        if (client.buffers.size() >= max_buffers_per_client)
            return fail(Opcode::allocate_buffer, ErrorCode::out_of_resources, "too many buffers");
        std::uint64_t bytes = std::uint64_t{allocate->width} * allocate->height * 4;
        for (const auto& [buffer_id, owned] : client.buffers) bytes += owned.memory->size();
        if (bytes > max_buffer_bytes_per_client)
            return fail(Opcode::allocate_buffer, ErrorCode::out_of_resources, "buffer memory limit reached");
        auto memory = device_.allocate(allocate->width, allocate->height);
        if (!memory) return fail(Opcode::allocate_buffer, ErrorCode::out_of_resources, memory.error().message);
        wire::UniqueFd copy(::fcntl((*memory)->fd(), F_DUPFD_CLOEXEC, 0));
        if (!copy) return fail(Opcode::allocate_buffer, ErrorCode::out_of_resources, "cannot duplicate buffer fd");
        BufferAllocated answer;
        answer.serial = serial;
        answer.buffer_id = next_buffer_id_++;
        answer.width = allocate->width;
        answer.height = allocate->height;
        answer.stride = (*memory)->stride();
        answer.format = allocate->format;
        answer.size = (*memory)->size();
        answer.fd = std::move(copy);
        client.buffers[answer.buffer_id] = OwnedBuffer{std::move(*memory), allocate->width, allocate->height};
        core_->send(id, encode(std::move(answer)));
    } else if (auto* free = std::get_if<FreeBuffer>(&request)) {
        if (client.buffers.erase(free->buffer_id) == 0)
            fail(Opcode::free_buffer, ErrorCode::no_such_object, "no such buffer");
    } else if (auto* present = std::get_if<Present>(&request)) {
        auto buffer = client.buffers.find(present->buffer_id);
        if (buffer == client.buffers.end()) return fail(Opcode::present, ErrorCode::no_such_object, "no such buffer");
        if (present->damage.size() > max_damage_rects)
            return fail(Opcode::present, ErrorCode::invalid_argument, "too many rectangles");
        const OwnedBuffer& owned = buffer->second;
        std::vector<Rect> damage = present->damage;
        if (damage.empty())
            damage.push_back(
                Rect{0, 0, static_cast<std::int32_t>(owned.width), static_cast<std::int32_t>(owned.height)});
        const Mode& mode = modes_.modes[modes_.current];
        std::int64_t visible_width = std::min<std::int64_t>(owned.width, mode.width);
        std::int64_t visible_height = std::min<std::int64_t>(owned.height, mode.height);
        std::vector<Rect> rects;
        std::uint64_t pixels = 0;
        for (const Rect& r : damage) {
            if (r.width < 0 || r.height < 0)
                return fail(Opcode::present, ErrorCode::invalid_argument, "negative rectangle size");
            Rect clipped = clip(r, visible_width, visible_height);
            if (clipped.width == 0) continue;
            pixels += std::uint64_t(clipped.width) * std::uint64_t(clipped.height);
            rects.push_back(clipped);
        }
        if (!rects.empty()) {
            auto shown = device_.present(*owned.memory, owned.width, owned.height, rects);
            if (!shown) return fail(Opcode::present, ErrorCode::io_error, shown.error().message);
        }
        stats_.presents++;
        stats_.rectangles += rects.size();
        stats_.pixels += pixels;
        core_->send(id, encode(PresentComplete{serial, present->buffer_id, monotonic_ns()}));
    } else if (auto* cursor = std::get_if<SetCursor>(&request)) {
        bool hidden = cursor->width == 0 && cursor->height == 0;
        bool size_ok = hidden || (cursor->width >= 1 && cursor->height >= 1 && cursor->width <= max_cursor_size &&
                                  cursor->height <= max_cursor_size);
        bool hotspot_ok = hidden ? (cursor->hotspot_x == 0 && cursor->hotspot_y == 0)
                                 : (cursor->hotspot_x >= 0 && cursor->hotspot_x < cursor->width &&
                                    cursor->hotspot_y >= 0 && cursor->hotspot_y < cursor->height);
        if (!size_ok || !hotspot_ok)
            return fail(Opcode::set_cursor, ErrorCode::invalid_argument, "cursor size or hotspot out of range");
        device_.set_cursor(CursorImage{cursor->width, cursor->height, cursor->hotspot_x, cursor->hotspot_y,
                                       std::move(cursor->pixels)});
        stats_.cursor_images++;
    } else if (auto* move = std::get_if<MoveCursor>(&request)) {
        device_.move_cursor(move->x, move->y);
        stats_.cursor_moves++;
    } else if (auto* set_mode = std::get_if<SetMode>(&request)) {
        if (set_mode->index >= modes_.modes.size())
            return fail(Opcode::set_mode, ErrorCode::invalid_argument, "no such mode");
        auto changed = device_.set_mode(set_mode->index, modes_.modes[set_mode->index]);
        if (!changed) return fail(Opcode::set_mode, changed.error().code, changed.error().message);
        modes_.current = set_mode->index;
        broadcast_modes();
    } else if (std::holds_alternative<GetStats>(request)) {
        Stats answer = stats_;
        answer.serial = serial;
        core_->send(id, encode(answer));
    } else if (auto* png = std::get_if<WritePng>(&request)) {
        if ((png->flags & ~write_png_with_cursor) != 0)
            return fail(Opcode::write_png, ErrorCode::invalid_argument, "unknown flags");
        auto written = device_.write_png(png->fd.get(), (png->flags & write_png_with_cursor) != 0);
        if (!written) {
            ErrorCode code =
                written.error().code == ErrorCode::unsupported ? ErrorCode::unsupported : ErrorCode::io_error;
            return fail(Opcode::write_png, code, written.error().message);
        }
        core_->send(id, encode(Done{serial, static_cast<std::uint16_t>(Opcode::write_png)}));
    }
}

}  // namespace tessera::display
