#include "input/server.h"

#include <time.h>

#include <algorithm>

namespace tessera::input {
namespace {

std::uint64_t monotonic_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return std::uint64_t(now.tv_sec) * 1'000'000'000u + std::uint64_t(now.tv_nsec);
}

Error invalid(std::string text) {
    return wire::make_error(ErrorCode::invalid_argument, std::move(text));
}

}  // namespace

Result<std::unique_ptr<Server>> Server::listen(const std::string& path) {
    std::unique_ptr<Server> server(new Server());
    auto core = wire::ServerCore::listen(path, *server);
    if (!core) return core.error();
    server->core_ = std::move(*core);
    return server;
}

Server::~Server() = default;

Result<std::uint32_t> Server::add_device(DeviceInfo info) {
    if (info.name.size() > max_name_length) return invalid("device name too long");
    for (std::size_t i = 0; i < info.absolute_axes.size(); ++i) {
        const AbsoluteAxis& axis = info.absolute_axes[i];
        if (axis.code >= ABS_CNT) return invalid("absolute axis code out of range");
        if (i > 0 && axis.code <= info.absolute_axes[i - 1].code) return invalid("absolute axes unsorted or repeated");
        if (axis.maximum < axis.minimum) return invalid("absolute axis maximum below minimum");
    }
    info.event_types.set(EV_SYN);
    auto guard = core_->lock();
    info.id = next_device_id_++;
    std::uint32_t id = info.id;
    devices_[id] = info;
    broadcast(DeviceAdded{std::move(info)});
    return id;
}

Result<void> Server::remove_device(std::uint32_t id) {
    auto guard = core_->lock();
    if (devices_.erase(id) == 0) return wire::make_error(ErrorCode::no_such_object, "no such device");
    broadcast(DeviceRemoved{id});
    return {};
}

Result<void> Server::send_frame(std::uint32_t device_id, std::span<const InputEvent> events, std::uint64_t time_ns) {
    auto is_report = [](const InputEvent& e) { return e.type == EV_SYN && e.code == SYN_REPORT; };
    Frame frame;
    frame.device_id = device_id;
    frame.time_ns = time_ns != 0 ? time_ns : monotonic_ns();
    frame.events.assign(events.begin(), events.end());
    if (frame.events.empty() || !is_report(frame.events.back())) frame.events.push_back({EV_SYN, SYN_REPORT, 0});
    if (frame.events.size() > max_events_per_frame) return invalid("too many events in one frame");
    if (std::any_of(frame.events.begin(), frame.events.end() - 1, is_report))
        return invalid("SYN_REPORT inside a frame");
    auto guard = core_->lock();
    if (!devices_.contains(device_id)) return wire::make_error(ErrorCode::no_such_object, "no such device");
    broadcast(frame);
    return {};
}

std::vector<DeviceInfo> Server::devices() const {
    auto guard = core_->lock();
    std::vector<DeviceInfo> list;
    for (const auto& [id, device] : devices_) list.push_back(device);
    return list;
}

std::size_t Server::client_count() const {
    auto guard = core_->lock();
    return core_->clients().size();
}

void Server::broadcast(const Event& event) {
    // Encoded once, copied per client: the same bytes go to everyone.
    wire::Message message = encode(event);
    for (const auto& [client, greeted] : greeted_) {
        if (!greeted) continue;
        wire::Message copy;
        copy.bytes = message.bytes;
        core_->send(client, std::move(copy));
    }
}

void Server::on_connect(wire::ClientId client) {
    greeted_[client] = false;
}

void Server::on_disconnect(wire::ClientId client) {
    greeted_.erase(client);
}

void Server::on_malformed(wire::ClientId client, const Error& error) {
    reject(client, 0, ErrorCode::malformed, error.message);
}

void Server::reject(wire::ClientId client, std::uint16_t opcode, ErrorCode code, std::string text) {
    core_->send(client, encode(ErrorEvent{0, opcode, code, std::move(text)}));
    core_->drop(client);
}

void Server::on_message(wire::ClientId client, wire::Message message) {
    std::uint16_t opcode = message.opcode();
    auto request = decode_request(message);
    if (!request) return reject(client, opcode, ErrorCode::malformed, request.error().message);
    if (greeted_[client]) return reject(client, opcode, ErrorCode::protocol_state, "HELLO sent twice");
    const Hello& hello = std::get<Hello>(*request);
    if (hello.magic != hello_magic || hello.version == 0)
        return reject(client, opcode, ErrorCode::unsupported_version, "bad magic or version 0");
    greeted_[client] = true;
    Welcome welcome;
    welcome.version = std::min(hello.version, protocol_version);
    core_->send(client, encode(welcome));
    for (const auto& [id, device] : devices_) core_->send(client, encode(DeviceAdded{device}));
    core_->send(client, encode(DevicesDone{static_cast<std::uint32_t>(devices_.size())}));
}

}  // namespace tessera::input
