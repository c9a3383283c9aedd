// A kernel panic under GRUB is drawn on the boot framebuffer as well as sent
// to serial. The test ISO boots with `crash=page-fault panic=halt`, so the
// kernel faults on purpose and stays on its report; the test then takes a
// screenshot and reads the text back, cell by cell, with the kernel's own
// font (the console draws glyphs pixel-exact, and the PNG is lossless).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "console/font.h"
#include "screen_picture.h"
#include "system_test.h"

namespace tessera::system_test {
namespace {

// The panic colours of kernel/console/framebuffer_console.cpp.
constexpr uint8_t text_rgb[3] = {0xE0, 0xE0, 0xE0};
constexpr uint8_t background_rgb[3] = {0x10, 0x20, 0x60};

// Whether the cell at (column, row) shows exactly glyph c: text colour where
// the font has a bit, background elsewhere.
bool cell_shows(const Picture& picture, uint32_t column, uint32_t row, char c) {
    const auto& font = console::boot_font;
    const uint8_t* glyph = font.glyph(c);
    for (uint32_t y = 0; y < font.height; ++y) {
        for (uint32_t x = 0; x < font.width; ++x) {
            bool set = (glyph[y * font.bytes_per_row + x / 8] >> (7 - x % 8)) & 1;
            if (!picture.is(column * font.width + x, row * font.height + y, set ? text_rgb : background_rgb)) {
                return false;
            }
        }
    }
    return true;
}

// One text row read back from the screen; '#' where a cell matches no glyph.
std::string read_row(const Picture& picture, uint32_t row) {
    std::string text;
    for (uint32_t column = 0; column < picture.width / console::boot_font.width; ++column) {
        char found = '#';
        for (char c = ' '; c <= '~'; ++c) {
            if (cell_shows(picture, column, row, c)) {
                found = c;
                break;
            }
        }
        text += found;
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

void expect_report_on_screen(const std::filesystem::path& firmware) {
    auto options = kernel_options();
    options.kernel.clear();
    options.cdrom = std::filesystem::path(TESSERA_BUILD_DIR) / "image/iso/tessera-panic.iso";
    options.firmware = firmware;                   // empty: SeaBIOS
    options.accelerator = qemu::Accelerator::tcg;  // see iso_test.cpp
    qemu::Machine machine(options);

    ASSERT_TRUE(machine.wait_for_serial("console: framebuffer 1024x768 mapped", 60s)) << describe(machine);
    ASSERT_TRUE(machine.wait_for_serial("panic: page fault", 10s)) << describe(machine);
    ASSERT_TRUE(machine.wait_for_serial("kernel halted after panic", 10s)) << describe(machine);

    auto screenshot = machine.work_directory() / "panic.png";
    machine.screendump(screenshot);
    Picture picture = read_png(screenshot);
    ASSERT_EQ(picture.width, 1024u);
    ASSERT_EQ(picture.height, 768u);

    // The whole screen was cleared to the panic background (nothing GRUB
    // left behind), and text was drawn on it.
    size_t background = 0, text = 0;
    for (uint32_t y = 0; y < picture.height; ++y) {
        for (uint32_t x = 0; x < picture.width; ++x) {
            if (picture.is(x, y, background_rgb)) ++background;
            if (picture.is(x, y, text_rgb)) ++text;
        }
    }
    size_t pixels = size_t{picture.width} * picture.height;
    EXPECT_EQ(background + text, pixels) << "pixels of other colours: " << screenshot;
    EXPECT_GT(text, pixels / 100) << screenshot;

    // The report reads as it does on serial: its first lines, and the
    // symbolized backtrace through the self-test that faulted.
    std::vector<std::string> rows;
    for (uint32_t row = 0; row < picture.height / console::boot_font.height; ++row) {
        rows.push_back(read_row(picture, row));
    }
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].rfind("panic: page fault (vector 14) error code 0x", 0), 0u) << rows[0];
    EXPECT_EQ(rows[1].rfind("  faulting address (cr2) 0xffffa00000000010: page not present on read", 0), 0u) << rows[1];
    bool backtrace = false, selftest_frame = false;
    for (const auto& row : rows) {
        if (row == "  backtrace:") backtrace = true;
        if (backtrace && row.find("run_requested_self_tests") != std::string::npos) selftest_frame = true;
    }
    EXPECT_TRUE(backtrace && selftest_frame) << "screen rows:\n"
                                             << [&] {
                                                    std::string all;
                                                    for (const auto& row : rows) all += row + "\n";
                                                    return all;
                                                }();
}

TEST(Iso, PanicReportIsOnTheScreenWithBios) {
    expect_report_on_screen({});
}

TEST(Iso, PanicReportIsOnTheScreenWithUefi) {
    expect_report_on_screen("/usr/share/ovmf/OVMF.fd");
}

}  // namespace
}  // namespace tessera::system_test
