#include "input/client.h"

#include "wire/socket.h"

namespace tessera::input {

Result<Client> Client::connect(const std::string& path, int timeout_ms) {
    Client client;
    auto socket = wire::connect_seqpacket(path);
    if (!socket) return socket.error();
    client.socket_ = std::move(*socket);
    TESSERA_TRY(wire::send_message(client.socket_.get(), encode(Hello{})));
    bool welcomed = false;
    // WELCOME, the devices, DEVICES_DONE; the service sends them together.
    for (;;) {
        auto message = wire::receive_message(client.socket_.get());
        if (!message) {
            if (message.error().code != ErrorCode::would_block) return message.error();
            TESSERA_TRY(wire::wait_readable(client.socket_.get(), timeout_ms));
            continue;
        }
        auto event = decode_event(*message);
        if (!event) return event.error();
        if (auto* error = std::get_if<ErrorEvent>(&*event)) return wire::make_error(error->code, error->message);
        if (auto* welcome = std::get_if<Welcome>(&*event)) {
            if (welcomed || welcome->version == 0 || welcome->version > protocol_version)
                return wire::make_error(ErrorCode::unsupported_version, "unexpected WELCOME");
            client.welcome_ = *welcome;
            welcomed = true;
            continue;
        }
        if (!welcomed) return wire::make_error(ErrorCode::malformed, "service did not answer HELLO with WELCOME");
        if (std::holds_alternative<DevicesDone>(*event)) return client;
        TESSERA_TRY(client.handle(std::move(*event)));
    }
}

const DeviceInfo* Client::device(std::uint32_t id) const {
    auto found = devices_.find(id);
    return found == devices_.end() ? nullptr : &found->second;
}

Result<void> Client::handle(Event event) {
    if (auto* added = std::get_if<DeviceAdded>(&event)) {
        auto [it, inserted] = devices_.insert_or_assign(added->device.id, std::move(added->device));
        if (on_device_added) on_device_added(it->second);
    } else if (auto* removed = std::get_if<DeviceRemoved>(&event)) {
        auto found = devices_.find(removed->device_id);
        if (found == devices_.end()) return wire::make_error(ErrorCode::malformed, "removal of an unknown device");
        DeviceInfo device = std::move(found->second);
        devices_.erase(found);
        if (on_device_removed) on_device_removed(device);
    } else if (auto* frame = std::get_if<Frame>(&event)) {
        if (!devices_.contains(frame->device_id))
            return wire::make_error(ErrorCode::malformed, "frame from an unknown device");
        if (on_frame) on_frame(*frame);
    } else if (auto* error = std::get_if<ErrorEvent>(&event)) {
        return wire::make_error(error->code, error->message);
    } else {
        return wire::make_error(ErrorCode::malformed, "unexpected event after the device list");
    }
    return {};
}

Result<void> Client::dispatch() {
    if (!socket_) return wire::make_error(ErrorCode::disconnected, "not connected");
    for (;;) {
        auto message = wire::receive_message(socket_.get());
        Result<void> handled;
        if (!message) {
            if (message.error().code == ErrorCode::would_block) return {};
            handled = message.error();
        } else if (auto event = decode_event(*message); !event) {
            handled = event.error();
        } else {
            handled = handle(std::move(*event));
        }
        if (!handled) {
            socket_.reset();
            return handled;
        }
    }
}

Result<void> Client::dispatch_blocking(int timeout_ms) {
    if (!socket_) return wire::make_error(ErrorCode::disconnected, "not connected");
    TESSERA_TRY(wire::wait_readable(socket_.get(), timeout_ms));
    return dispatch();
}

}  // namespace tessera::input
