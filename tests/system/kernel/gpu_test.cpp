// virtio-gpu through the device capabilities: tests/programs/gpu_pattern.cpp
// as init draws a known picture and the QMP screendump must equal it pixel
// for pixel at three modes (QEMU's xres/yres pick the mode the device
// reports); then a 64x64 change, a switch to the second buffer and the
// cursor, checked on screen and with the driver's counters.
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

struct Block {
    std::uint32_t x, y, colour;
};

// Counts the pixels that differ from the pattern with blocks painted over it;
// reports the first few.
std::uint64_t differences(const Picture& picture, std::uint32_t width, std::uint32_t height,
                          const std::vector<Block>& blocks, std::string& first) {
    if (picture.width != width || picture.height != height) {
        first = "size " + std::to_string(picture.width) + "x" + std::to_string(picture.height);
        return std::uint64_t{width} * height;
    }
    std::uint64_t count = 0;
    for (std::uint32_t y = 0; y < height; ++y) {
        for (std::uint32_t x = 0; x < width; ++x) {
            std::uint32_t expected = gpu_pattern::pattern(x, y) & 0xFFFFFF;
            for (const Block& block : blocks) {
                if (x >= block.x && x < block.x + 64 && y >= block.y && y < block.y + 64) expected = block.colour;
            }
            if (picture.at(x, y) != expected && count++ < 3) {
                char text[96];
                std::snprintf(text, sizeof text, "(%u,%u) is %06x, expected %06x; ", x, y, picture.at(x, y), expected);
                first += text;
            }
        }
    }
    return count;
}

std::map<std::string, std::uint64_t> counters_of(const std::string& line) {
    std::map<std::string, std::uint64_t> counters;
    std::regex field("(\\w+)=(\\d+)");
    for (std::sregex_iterator it(line.begin(), line.end(), field), end; it != end; ++it)
        counters[(*it)[1]] = std::stoull((*it)[2]);
    return counters;
}

// The counters printed after `step` (the last such line in the log).
std::map<std::string, std::uint64_t> counters_after(const std::string& log, const std::string& step) {
    std::smatch match;
    std::regex line("gpu-pattern: " + step + " ([^\\n]*)");
    std::map<std::string, std::uint64_t> result;
    for (std::sregex_iterator it(log.begin(), log.end(), line), end; it != end; ++it) result = counters_of((*it)[1]);
    return result;
}

qemu::Options gpu_options(std::uint32_t width, std::uint32_t height) {
    auto options = kernel_test_options("init=/sbin/gpu-pattern", "devices");
    options.extra_arguments = {"-vga", "none", "-device",
                               "virtio-gpu-pci,xres=" + std::to_string(width) + ",yres=" + std::to_string(height)};
    return options;
}

constexpr auto step_timeout = std::chrono::seconds(60);

// Waits for a step's whole counter line (not just its start).
bool wait_for_step(qemu::Machine& machine, const std::string& step) {
    return machine.wait_for_serial("gpu-pattern: " + step + " [^\\n]*display_events=\\d+\\r?\\n", step_timeout);
}

void expect_pattern_at(std::uint32_t width, std::uint32_t height) {
    qemu::Machine machine(gpu_options(width, height));
    ASSERT_TRUE(wait_for_step(machine, "step 1 pattern")) << machine.serial_output();
    EXPECT_NE(machine.serial_output().find("mode " + std::to_string(width) + "x" + std::to_string(height)),
              std::string::npos);
    auto png = machine.work_directory() / "pattern.png";
    machine.screendump(png);
    std::string first;
    EXPECT_EQ(differences(read_png(png), width, height, {}, first), 0u) << first << " in " << png;
}

TEST(VirtioGpu, PatternIsExactOnScreenAt1024x768) {
    expect_pattern_at(1024, 768);
}

TEST(VirtioGpu, PatternIsExactOnScreenAt1280x800) {
    expect_pattern_at(1280, 800);
}

TEST(VirtioGpu, PatternIsExactOnScreenAt1920x1080) {
    expect_pattern_at(1920, 1080);
}

TEST(VirtioGpu, OneBlockChangeTransfersOnlyThatRectAndTheCursorMovesWithoutTransfers) {
    constexpr std::uint32_t width = 1024, height = 768;
    qemu::Machine machine(gpu_options(width, height));
    ASSERT_TRUE(wait_for_step(machine, "step 1 pattern")) << machine.serial_output();

    machine.write_serial("next\n");
    ASSERT_TRUE(wait_for_step(machine, "step 2 block")) << machine.serial_output();
    std::string log = machine.serial_output();
    auto before = counters_after(log, "step 1 pattern");
    auto after = counters_after(log, "step 2 block");
    EXPECT_EQ(after["rects_transferred"] - before["rects_transferred"], 1u) << log;
    EXPECT_EQ(after["pixels_transferred"] - before["pixels_transferred"], 64u * 64u) << log;
    EXPECT_EQ(after["rects_flushed"] - before["rects_flushed"], 1u) << log;
    EXPECT_EQ(after["pixels_flushed"] - before["pixels_flushed"], 64u * 64u) << log;
    EXPECT_EQ(after["set_scanouts"], before["set_scanouts"]) << "same buffer: no SET_SCANOUT\n" << log;
    EXPECT_EQ(after["fences"] - before["fences"], 1u) << log;
    auto png = machine.work_directory() / "block.png";
    machine.screendump(png);
    std::string first;
    Block one{gpu_pattern::first_x, gpu_pattern::first_y, gpu_pattern::first_colour};
    EXPECT_EQ(differences(read_png(png), width, height, {one}, first), 0u) << first << " in " << png;

    // The other buffer: its host copy is brought up to date first, then the
    // scanout switches; the screen shows both blocks and nothing else.
    machine.write_serial("next\n");
    ASSERT_TRUE(wait_for_step(machine, "step 3 second buffer")) << machine.serial_output();
    log = machine.serial_output();
    auto switched = counters_after(log, "step 3 second buffer");
    EXPECT_EQ(switched["set_scanouts"], after["set_scanouts"] + 1) << log;
    EXPECT_EQ(switched["rects_flushed"] - after["rects_flushed"], 1u) << log;
    EXPECT_EQ(switched["pixels_flushed"] - after["pixels_flushed"], 64u * 64u) << log;
    png = machine.work_directory() / "second-buffer.png";
    machine.screendump(png);
    first.clear();
    Block two{gpu_pattern::second_x, gpu_pattern::second_y, gpu_pattern::second_colour};
    EXPECT_EQ(differences(read_png(png), width, height, {one, two}, first), 0u) << first << " in " << png;

    // The hardware cursor: uploaded once, then moved; no scanout transfer.
    machine.write_serial("next\n");
    ASSERT_TRUE(wait_for_step(machine, "step 4 cursor")) << machine.serial_output();
    log = machine.serial_output();
    auto cursor = counters_after(log, "step 4 cursor");
    EXPECT_EQ(cursor["cursor_uploads"], 1u) << log;
    EXPECT_EQ(cursor["cursor_moves"], 1u) << log;
    EXPECT_EQ(cursor["rects_transferred"], switched["rects_transferred"]) << log;
    EXPECT_EQ(cursor["pixels_flushed"], switched["pixels_flushed"]) << log;
    EXPECT_EQ(cursor["set_scanouts"], switched["set_scanouts"]) << log;
    png = machine.work_directory() / "cursor.png";
    machine.screendump(png);
    first.clear();
    EXPECT_EQ(differences(read_png(png), width, height, {one, two}, first), 0u)
        << "the screendump has no cursor plane: " << first << " in " << png;

    machine.write_serial("next\n");
    EXPECT_EQ(machine.wait_for_exit(step_timeout), 0) << machine.serial_output();
}

}  // namespace
}  // namespace tessera::system_test
