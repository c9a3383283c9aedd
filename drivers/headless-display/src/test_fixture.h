// The fixture shared by the headless display's tests: a running service on
// a scratch socket and helpers for a well-behaved client.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>

#include "display/client.h"
#include "headless_display/headless_display.h"
#include "wire/test_support.h"

namespace tessera::headless {

using display::Client;
using display::Mode;
using display::Rect;
using wire::ErrorCode;
using wire::testing::eventually;

constexpr std::uint32_t red = 0x00FF0000;
constexpr std::uint32_t blue = 0x000000FF;

class HeadlessDisplay : public ::testing::Test {
protected:
    void SetUp() override {
        auto started = Display::start(path, {{640, 480, 60000}, {800, 600, 60000}});
        ASSERT_TRUE(started) << started.error().message;
        display = std::move(*started);
    }

    Client connect() {
        auto client = Client::connect(path);
        EXPECT_TRUE(client) << client.error().message;
        return std::move(*client);
    }

    static void fill(const display::Buffer& buffer, std::uint32_t colour) {
        for (std::uint32_t y = 0; y < buffer.height; ++y) {
            auto* row =
                reinterpret_cast<std::uint32_t*>(reinterpret_cast<std::uint8_t*>(buffer.pixels) + y * buffer.stride);
            std::fill(row, row + buffer.width, colour);
        }
    }

    // Presents and waits for the completion with the matching serial.
    static void present_and_wait(Client& client, std::uint32_t buffer, std::vector<Rect> damage) {
        auto serial = client.present(buffer, damage);
        ASSERT_TRUE(serial);
        bool completed = false;
        client.on_present_complete = [&](const display::PresentComplete& done) {
            EXPECT_EQ(done.serial, *serial);
            EXPECT_EQ(done.buffer_id, buffer);
            EXPECT_GT(done.time_ns, 0u);
            completed = true;
        };
        while (!completed) ASSERT_TRUE(client.dispatch_blocking(3000));
    }

    // A well-behaved client still gets served: connect, draw, present.
    void expect_service_still_works() {
        auto client = Client::connect(path);
        ASSERT_TRUE(client) << client.error().message;
        auto buffer = client->allocate_buffer(8, 8);
        ASSERT_TRUE(buffer) << buffer.error().message;
        fill(*buffer, 0x00123456);
        present_and_wait(*client, buffer->id, {});
        EXPECT_EQ(display->screenshot().at(7, 7), 0x00123456u);
    }

    wire::testing::ScratchDirectory scratch;
    std::string path = scratch.file("display.sock");
    std::unique_ptr<Display> display;
};

}  // namespace tessera::headless
