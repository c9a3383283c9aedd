#include "device_models.h"

#include <cstring>

namespace tessera::virtio::testing {

void install_echo(FakeVirtioDevice& device) {
    device.on_notify = [](FakeVirtioDevice& self, std::uint16_t queue) {
        while (auto chain = self.pop_avail(queue)) {
            std::vector<std::byte> bytes = chain->read_all();
            self.push_used(queue, chain->head, chain->write_all(bytes));
        }
    };
}

namespace {

FakeVirtioDevice::Options gpu_options(FakeVirtioDevice::Options options) {
    options.device_type = device_type::gpu;
    options.queue_sizes = {64, 16};
    options.device_config_size = 16;
    return options;
}

FakeVirtioDevice::Options input_options(FakeVirtioDevice::Options options) {
    options.device_type = device_type::input;
    options.queue_sizes = {64, 64};
    options.device_config_size = 136;
    return options;
}

void store32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t value) {
    std::memcpy(&bytes[at], &value, sizeof value);
}

}  // namespace

FakeGpu::FakeGpu(FakePlatform& platform, FakeVirtioDevice::Options options)
    : device_(platform, gpu_options(std::move(options))) {
    store32(device_.device_config(), gpu::config_num_scanouts, 1);
    device_.on_notify = [this](FakeVirtioDevice&, std::uint16_t queue) { handle(queue); };
    device_.on_config_write = [](FakeVirtioDevice& self, std::uint32_t offset) {
        // events_clear is write-to-clear on events_read.
        if (offset != gpu::config_events_clear) return;
        std::uint32_t read, clear;
        std::memcpy(&read, &self.device_config()[gpu::config_events_read], 4);
        std::memcpy(&clear, &self.device_config()[gpu::config_events_clear], 4);
        store32(self.device_config(), gpu::config_events_read, read & ~clear);
        store32(self.device_config(), gpu::config_events_clear, 0);
    };
}

void FakeGpu::set_display(std::uint32_t width, std::uint32_t height) {
    width_ = width;
    height_ = height;
    std::uint32_t events = gpu::event_display;
    device_.change_config(gpu::config_events_read, {reinterpret_cast<const std::uint8_t*>(&events), 4});
}

void FakeGpu::handle(std::uint16_t queue) {
    while (auto chain = device_.pop_avail(queue)) {
        ++requests_;
        std::vector<std::byte> request = chain->read_all();
        gpu::CtrlHeader header{};
        std::memcpy(&header, request.data(), std::min(request.size(), sizeof header));

        gpu::RespDisplayInfo response{};
        std::size_t response_size = sizeof(gpu::CtrlHeader);
        if (queue == 0 && request.size() >= sizeof header && header.type == gpu::cmd_get_display_info) {
            response.header.type = gpu::resp_ok_display_info;
            response.modes[0] = gpu::DisplayOne{0, 0, width_, height_, 1, 0};
            response_size = sizeof response;
        } else {
            response.header.type = gpu::resp_err_unspec;
        }
        // A fenced request is answered with the same fence.
        response.header.flags = header.flags & gpu::flag_fence;
        response.header.fence_id = header.fence_id;
        auto* bytes = reinterpret_cast<const std::byte*>(&response);
        device_.push_used(queue, chain->head, chain->write_all({bytes, response_size}));
    }
}

FakeInput::FakeInput(FakePlatform& platform, std::string name, FakeVirtioDevice::Options options)
    : device_(platform, input_options(std::move(options))), name_(std::move(name)) {
    device_.on_config_write = [this](FakeVirtioDevice&, std::uint32_t offset) { select(offset); };
}

void FakeInput::select(std::uint32_t offset) {
    if (offset != input::config_select && offset != input::config_subsel) return;
    std::vector<std::uint8_t>& config = device_.device_config();
    std::fill(config.begin() + input::config_size, config.end(), 0);
    if (config[input::config_select] == input::cfg_id_name) {
        std::size_t size = std::min<std::size_t>(name_.size(), 128);
        config[input::config_size] = static_cast<std::uint8_t>(size);
        std::memcpy(&config[input::config_data], name_.data(), size);
    }
}

bool FakeInput::post_event(std::uint16_t type, std::uint16_t code, std::uint32_t value) {
    auto chain = device_.pop_avail(0);
    if (!chain) {
        ++dropped_;
        return false;
    }
    input::Event event{type, code, value};
    auto* bytes = reinterpret_cast<const std::byte*>(&event);
    device_.push_used(0, chain->head, chain->write_all({bytes, sizeof event}));
    return true;
}

}  // namespace tessera::virtio::testing
