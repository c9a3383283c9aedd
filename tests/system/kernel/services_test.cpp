// The display and input services on virtio devices, the way the desktop
// will use them: devmgr as init starts tessera-virtio-gpu and
// tessera-virtio-input with their device capabilities, then a test client
// (tests/programs/display_pattern.cpp, input_events.cpp) talks to the
// services over their Unix sockets.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "../../programs/gpu_pattern.h"
#include "kernel_test.h"
#include "screen_picture.h"

namespace tessera::system_test {
namespace {

constexpr auto timeout = std::chrono::seconds(60);

qemu::Options devmgr_options(const std::string& client, std::vector<std::string> devices) {
    auto options = kernel_test_options("init=/sbin/devmgr --verbose-drivers -- /sbin/" + client, "devices");
    options.extra_arguments = {"-vga", "none"};
    for (auto& device : devices) {
        options.extra_arguments.push_back("-device");
        options.extra_arguments.push_back(device);
    }
    return options;
}

// Pixels that differ from the pattern (with the first block when `block`).
std::uint64_t screen_differences(const std::filesystem::path& png, std::uint32_t width, std::uint32_t height,
                                 bool block) {
    Picture picture = read_png(png);
    if (picture.width != width || picture.height != height) return std::uint64_t{width} * height;
    std::uint64_t count = 0;
    for (std::uint32_t y = 0; y < height; ++y) {
        for (std::uint32_t x = 0; x < width; ++x) {
            std::uint32_t expected = gpu_pattern::pattern(x, y);
            if (block && x >= gpu_pattern::first_x && x < gpu_pattern::first_x + 64 && y >= gpu_pattern::first_y &&
                y < gpu_pattern::first_y + 64)
                expected = gpu_pattern::first_colour;
            if (picture.at(x, y) != expected) ++count;
        }
    }
    return count;
}

// The driver's counters from its last "virtio-gpu: after ..." line in log.
std::map<std::string, std::uint64_t> last_counters(const std::string& log) {
    std::map<std::string, std::uint64_t> counters;
    std::regex line("virtio-gpu: after [a-z ]+ ([^\\n]*)");
    std::string last;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) last = (*it)[1];
    std::regex field("(\\w+)=(\\d+)");
    for (std::sregex_iterator it(last.begin(), last.end(), field), end; it != end; ++it)
        counters[(*it)[1]] = std::stoull((*it)[2]);
    return counters;
}

TEST(DisplayService, ClientPatternIsExactAndOneBlockTransfersOnlyItsRectAndTheCursorMovesWithoutTransfers) {
    constexpr std::uint32_t width = 1024, height = 768;
    qemu::Machine machine(devmgr_options("display-pattern", {"virtio-gpu-pci,xres=1024,yres=768"}));
    ASSERT_TRUE(machine.wait_for_serial("display-pattern: step 1 presented", timeout)) << machine.serial_output();
    EXPECT_NE(machine.serial_output().find("devmgr: started virtio-gpu"), std::string::npos);
    auto png = machine.work_directory() / "service-pattern.png";
    machine.screendump(png);
    EXPECT_EQ(screen_differences(png, width, height, false), 0u) << png;
    auto first = last_counters(machine.serial_output());

    machine.write_serial("next\n");
    ASSERT_TRUE(machine.wait_for_serial("display-pattern: step 2 presented", timeout)) << machine.serial_output();
    auto second = last_counters(machine.serial_output());
    EXPECT_EQ(second["rects_transferred"] - first["rects_transferred"], 1u) << machine.serial_output();
    EXPECT_EQ(second["pixels_transferred"] - first["pixels_transferred"], 4096u) << machine.serial_output();
    EXPECT_EQ(second["rects_flushed"] - first["rects_flushed"], 1u) << machine.serial_output();
    EXPECT_EQ(second["pixels_flushed"] - first["pixels_flushed"], 4096u) << machine.serial_output();
    EXPECT_EQ(second["set_scanouts"], first["set_scanouts"]) << machine.serial_output();
    png = machine.work_directory() / "service-block.png";
    machine.screendump(png);
    EXPECT_EQ(screen_differences(png, width, height, true), 0u) << png;

    machine.write_serial("next\n");
    ASSERT_TRUE(machine.wait_for_serial("display-pattern: step 3 cursor moved", timeout)) << machine.serial_output();
    auto cursor = last_counters(machine.serial_output());
    EXPECT_EQ(cursor["cursor_uploads"], 1u) << machine.serial_output();
    EXPECT_EQ(cursor["cursor_moves"], 4u) << machine.serial_output();
    EXPECT_EQ(cursor["rects_transferred"], second["rects_transferred"]) << machine.serial_output();
    EXPECT_EQ(cursor["pixels_flushed"], second["pixels_flushed"]) << machine.serial_output();
    machine.write_serial("next\n");
    EXPECT_EQ(machine.wait_for_exit(timeout), 0) << machine.serial_output();
}

TEST(InputService, KeysMouseAndTabletEventsArriveAndAKilledDriverIsRestartedWithinASecond) {
    qemu::Machine machine(
        devmgr_options("input-events", {"virtio-keyboard-pci", "virtio-tablet-pci", "virtio-mouse-pci"}));
    ASSERT_TRUE(machine.wait_for_serial("input-events: connected, 3 devices", timeout)) << machine.serial_output();
    std::string log = machine.serial_output();
    EXPECT_TRUE(std::regex_search(log, std::regex("device \\d+ \"QEMU Virtio Keyboard\" keys=\\d{2,}"))) << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("device \\d+ \"QEMU Virtio Tablet\".* abs0=0..32767 abs1=0..32767")))
        << log;
    EXPECT_TRUE(std::regex_search(log, std::regex("device \\d+ \"QEMU Virtio Mouse\" keys=\\d+ rel=[2-9]\\n"))) << log;

    // Relative motion and the wheel go to the mouse.
    nlohmann::json motion = nlohmann::json::array({
        {{"type", "rel"}, {"data", {{"axis", "x"}, {"value", 5}}}},
        {{"type", "rel"}, {"data", {{"axis", "y"}, {"value", -3}}}},
    });
    machine.qmp().execute("input-send-event", {{"events", motion}});
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Mouse 2:0:5 2:1:-3 0:0:0\\r?\\n", timeout))
        << machine.serial_output();
    machine.qmp().send_button("wheel-up", true);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Mouse 2:8:1 0:0:0\\r?\\n", timeout)) << machine.serial_output();

    machine.qmp().send_key("a", true);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Keyboard 1:30:1 0:0:0\\r?\\n", timeout)) << machine.serial_output();
    machine.qmp().send_key("a", false);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Keyboard 1:30:0 0:0:0\\r?\\n", timeout)) << machine.serial_output();
    machine.qmp().send_key("ret", true);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Keyboard 1:28:1 0:0:0\\r?\\n", timeout)) << machine.serial_output();
    machine.qmp().move_pointer_absolute(12345, 23456);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Tablet 3:0:12345 3:1:23456 0:0:0\\r?\\n", timeout))
        << machine.serial_output();
    machine.qmp().move_pointer_absolute(0, 32767);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Tablet 3:0:0 3:1:32767 0:0:0\\r?\\n", timeout))
        << machine.serial_output();

    std::smatch match;
    log = machine.serial_output();
    ASSERT_TRUE(std::regex_search(log, match, std::regex("devmgr: started virtio-input \\(pid (\\d+)\\)"))) << log;
    machine.write_serial("kill " + match[1].str() + "\n");
    ASSERT_TRUE(machine.wait_for_serial("devmgr: virtio-input \\(pid \\d+\\) killed by signal 9", timeout))
        << machine.serial_output();
    ASSERT_TRUE(machine.wait_for_serial("reconnected \\d+ ms after the kill", timeout)) << machine.serial_output();
    log = machine.serial_output();
    ASSERT_TRUE(std::regex_search(log, match, std::regex("reconnected (\\d+) ms after the kill"))) << log;
    EXPECT_LT(std::stoi(match[1].str()), 1000) << log;
    ASSERT_TRUE(machine.wait_for_serial("input-events: connected, 3 devices", timeout)) << machine.serial_output();
    machine.qmp().send_key("b", true);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Keyboard 1:48:1 0:0:0\\r?\\n", timeout)) << machine.serial_output();
    machine.qmp().move_pointer_absolute(100, 200);
    EXPECT_TRUE(machine.wait_for_serial("frame QEMU Virtio Tablet 3:0:100 3:1:200 0:0:0\\r?\\n", timeout))
        << machine.serial_output();
}

}  // namespace
}  // namespace tessera::system_test
