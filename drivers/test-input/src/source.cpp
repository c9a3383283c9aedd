#include "test_input/source.h"

#include <linux/input.h>

#include <charconv>
#include <chrono>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "key_names.h"

namespace tessera::test_input {

using input::DeviceInfo;
using input::InputEvent;

namespace {

DeviceInfo keyboard_info() {
    DeviceInfo info;
    info.name = "Tessera test keyboard";
    info.bus_type = BUS_VIRTUAL;
    info.event_types.set(EV_KEY);
    for (std::uint16_t code = KEY_ESC; code <= KEY_MICMUTE; ++code) info.keys.set(code);
    return info;
}

DeviceInfo mouse_info() {
    DeviceInfo info;
    info.name = "Tessera test mouse";
    info.bus_type = BUS_VIRTUAL;
    info.properties.set(INPUT_PROP_POINTER);
    info.event_types.set(EV_KEY).set(EV_REL);
    for (std::uint16_t code : {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA}) info.keys.set(code);
    for (std::uint16_t code : {REL_X, REL_Y, REL_WHEEL}) info.relative_axes.set(code);
    return info;
}

// Like QEMU's virtio-tablet: absolute 0..0x7FFF on both axes, three buttons.
DeviceInfo tablet_info() {
    DeviceInfo info;
    info.name = "Tessera test tablet";
    info.bus_type = BUS_VIRTUAL;
    info.event_types.set(EV_KEY).set(EV_ABS);
    for (std::uint16_t code : {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE}) info.keys.set(code);
    info.absolute_axes = {{ABS_X, 0, tablet_maximum, 0, 0, 0}, {ABS_Y, 0, tablet_maximum, 0, 0, 0}};
    return info;
}

wire::Error bad_line(std::string text) {
    return wire::make_error(wire::ErrorCode::invalid_argument, std::move(text));
}

std::optional<std::int32_t> parse_int(std::string_view text) {
    std::int32_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t position = 0;
    while (position < line.size()) {
        std::size_t start = line.find_first_not_of(" \t\r", position);
        if (start == std::string_view::npos) break;
        std::size_t end = line.find_first_of(" \t\r", start);
        if (end == std::string_view::npos) end = line.size();
        words.push_back(line.substr(start, end - start));
        position = end;
    }
    return words;
}

}  // namespace

Result<std::unique_ptr<Source>> Source::start(const std::string& path) {
    std::unique_ptr<Source> source(new Source());
    auto server = input::Server::listen(path);
    if (!server) return server.error();
    source->server_ = std::move(*server);
    auto keyboard = source->server_->add_device(keyboard_info());
    auto mouse = source->server_->add_device(mouse_info());
    auto tablet = source->server_->add_device(tablet_info());
    if (!keyboard || !mouse || !tablet) return wire::make_error(wire::ErrorCode::system, "cannot add test devices");
    source->keyboard_ = *keyboard;
    source->mouse_ = *mouse;
    source->tablet_ = *tablet;
    source->thread_ = std::thread([server = source->server_.get()] { (void)server->run(); });
    return source;
}

Source::~Source() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
}

Result<void> Source::frame(std::uint32_t device_id, std::span<const InputEvent> events) {
    return server_->send_frame(device_id, events);
}

Result<void> Source::key(std::uint16_t code, bool down) {
    if (code >= KEY_CNT || !keyboard_info().has_key(code))
        return bad_line("the test keyboard has no key " + std::to_string(code));
    InputEvent event{EV_KEY, code, down ? 1 : 0};
    return frame(keyboard_, {&event, 1});
}

Result<void> Source::button(std::uint16_t code, bool down) {
    if (!mouse_info().has_key(code)) return bad_line("the test mouse has no button " + std::to_string(code));
    InputEvent event{EV_KEY, code, down ? 1 : 0};
    return frame(mouse_, {&event, 1});
}

Result<void> Source::pointer_relative(std::int32_t dx, std::int32_t dy) {
    std::vector<InputEvent> events;
    if (dx != 0) events.push_back({EV_REL, REL_X, dx});
    if (dy != 0) events.push_back({EV_REL, REL_Y, dy});
    if (events.empty()) return {};
    return frame(mouse_, events);
}

Result<void> Source::wheel(std::int32_t detents) {
    InputEvent event{EV_REL, REL_WHEEL, detents};
    return frame(mouse_, {&event, 1});
}

Result<void> Source::pointer_absolute(std::int32_t x, std::int32_t y) {
    if (x < 0 || y < 0 || x > tablet_maximum || y > tablet_maximum)
        return bad_line("tablet coordinates are 0.." + std::to_string(tablet_maximum));
    InputEvent events[] = {{EV_ABS, ABS_X, x}, {EV_ABS, ABS_Y, y}};
    return frame(tablet_, events);
}

Result<void> Source::run_line(std::string_view line) {
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto words = split(line);
    if (words.empty()) return {};
    std::string_view command = words[0];
    auto want = [&](std::size_t count) { return words.size() == count + 1; };

    if ((command == "key" || command == "button") && want(2)) {
        auto code = key_code(words[1]);
        if (!code) return bad_line("unknown key or button name: " + std::string(words[1]));
        auto send = [&](bool down) { return command == "key" ? key(*code, down) : button(*code, down); };
        std::string_view action = words[2];
        if (action == "down") return send(true);
        if (action == "up") return send(false);
        if (action == "press" || action == "click") {
            TESSERA_TRY(send(true));
            return send(false);
        }
        return bad_line("expected down, up, press or click: " + std::string(action));
    }
    if ((command == "move" || command == "abs") && want(2)) {
        auto x = parse_int(words[1]);
        auto y = parse_int(words[2]);
        if (!x || !y) return bad_line("expected two integers");
        return command == "move" ? pointer_relative(*x, *y) : pointer_absolute(*x, *y);
    }
    if (command == "wheel" && want(1)) {
        auto detents = parse_int(words[1]);
        if (!detents) return bad_line("expected an integer");
        return wheel(*detents);
    }
    if (command == "sleep" && want(1)) {
        auto ms = parse_int(words[1]);
        if (!ms || *ms < 0) return bad_line("expected milliseconds");
        std::this_thread::sleep_for(std::chrono::milliseconds(*ms));
        return {};
    }
    if (command == "wait-clients" && want(1)) {
        auto count = parse_int(words[1]);
        if (!count || *count < 0) return bad_line("expected a client count");
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (server_->client_count() < static_cast<std::size_t>(*count)) {
            if (std::chrono::steady_clock::now() > deadline)
                return wire::make_error(wire::ErrorCode::timed_out, "clients did not connect within 30 s");
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return {};
    }
    return bad_line("unknown command or wrong number of arguments: " + std::string(line));
}

Result<void> Source::run_script(std::istream& script) {
    std::string line;
    for (int number = 1; std::getline(script, line); ++number) {
        auto done = run_line(line);
        if (!done)
            return wire::make_error(done.error().code, "line " + std::to_string(number) + ": " + done.error().message);
    }
    return {};
}

}  // namespace tessera::test_input
