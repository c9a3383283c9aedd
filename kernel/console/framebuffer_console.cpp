#include "console/framebuffer_console.h"

#include "console/font.h"
#include "console/log.h"
#include "lib/string.h"
#include "mm/layout.h"
#include "mm/paging.h"

namespace console {
namespace {

// Text is kept as characters too, so scrolling redraws from this grid
// instead of reading back the framebuffer (reads of uncached video memory
// are very slow on real hardware).
constexpr uint32_t max_columns = 256;
constexpr uint32_t max_rows = 160;

// The panic colours: light grey on dark blue, readable on any screen and
// unlike anything the firmware or GRUB leaves behind.
constexpr uint8_t text_rgb[3] = {0xE0, 0xE0, 0xE0};
constexpr uint8_t background_rgb[3] = {0x10, 0x20, 0x60};

struct Screen {
    bool mapped = false;
    bool panic_screen = false;
    volatile uint8_t* pixels = nullptr;
    uint32_t pitch = 0, width = 0, height = 0;
    uint32_t text_pixel = 0, background_pixel = 0;
    uint32_t columns = 0, rows = 0;
    uint32_t column = 0, row = 0;
    char cells[max_rows][max_columns];
};

// Touched only by the one CPU, during a panic with interrupts off (and
// before that only by init), so it needs no lock.
Screen screen;

uint32_t channel(uint8_t value, uint8_t shift, uint8_t bits) {
    return (static_cast<uint32_t>(value) >> (8 - bits)) << shift;
}

uint32_t encode(const boot::Framebuffer& f, const uint8_t rgb[3]) {
    return channel(rgb[0], f.red_shift, f.red_bits) | channel(rgb[1], f.green_shift, f.green_bits) |
           channel(rgb[2], f.blue_shift, f.blue_bits);
}

// 32 bpp direct colour with channels of at most 8 bits inside the pixel:
// what GRUB sets up under BIOS (VBE) and UEFI (GOP) in practice.
const char* unsupported_reason(const boot::Framebuffer& f) {
    if (f.type != 1) return "not direct RGB";
    if (f.bits_per_pixel != 32) return "not 32 bits per pixel";
    const uint8_t shifts[3] = {f.red_shift, f.green_shift, f.blue_shift};
    const uint8_t bits[3] = {f.red_bits, f.green_bits, f.blue_bits};
    for (int i = 0; i < 3; ++i) {
        if (bits[i] == 0 || bits[i] > 8 || shifts[i] + bits[i] > 32) return "channel layout not understood";
    }
    return nullptr;
}

void draw_cell(uint32_t row, uint32_t column) {
    const Font& font = boot_font;
    const uint8_t* glyph = font.glyph(screen.cells[row][column]);
    for (uint32_t y = 0; y < font.height; ++y) {
        auto* line = reinterpret_cast<volatile uint32_t*>(screen.pixels + (row * font.height + y) * screen.pitch) +
                     column * font.width;
        const uint8_t* bits = glyph + y * font.bytes_per_row;
        for (uint32_t x = 0; x < font.width; ++x) {
            bool set = (bits[x / 8] >> (7 - x % 8)) & 1;
            line[x] = set ? screen.text_pixel : screen.background_pixel;
        }
    }
}

void clear_screen() {
    for (uint32_t y = 0; y < screen.height; ++y) {
        auto* line = reinterpret_cast<volatile uint32_t*>(screen.pixels + y * screen.pitch);
        for (uint32_t x = 0; x < screen.width; ++x) line[x] = screen.background_pixel;
    }
    lib::fill_bytes(screen.cells, ' ', sizeof screen.cells);
    screen.row = screen.column = 0;
}

void new_line() {
    screen.column = 0;
    if (screen.row + 1 < screen.rows) {
        ++screen.row;
        return;
    }
    // Full: move every line up one and redraw, keeping the latest lines
    // (the end of a report, with the backtrace) on screen.
    for (uint32_t r = 1; r < screen.rows; ++r) lib::copy_bytes(screen.cells[r - 1], screen.cells[r], screen.columns);
    lib::fill_bytes(screen.cells[screen.rows - 1], ' ', screen.columns);
    for (uint32_t r = 0; r < screen.rows; ++r) {
        for (uint32_t c = 0; c < screen.columns; ++c) draw_cell(r, c);
    }
}

}  // namespace

void init_framebuffer_console(const boot::Framebuffer& f) {
    if (const char* reason = unsupported_reason(f)) {
        log("console: framebuffer %ux%u, %u bpp, type %u: %s; panic reports go to serial only\n", f.width, f.height,
            f.bits_per_pixel, f.type, reason);
        return;
    }
    // The framebuffer may lie anywhere in physical memory (above 4 GiB on
    // some machines), so it gets its own window rather than the physmap,
    // mapped uncached: write-back caching of video memory would leave text
    // in the cache instead of on the screen.
    uint64_t size = static_cast<uint64_t>(f.pitch) * f.height;
    uint64_t offset = f.address & (mm::page_size - 1);
    uint64_t pages = (offset + size + mm::page_size - 1) / mm::page_size;
    if (offset + size > mm::framebuffer_window_size) {
        log("console: framebuffer of %lu MiB is larger than its window; panic reports go to serial only\n", size >> 20);
        return;
    }
    uint64_t first_page = f.address - offset;
    for (uint64_t i = 0; i < pages; ++i) {
        uint64_t virtual_address = mm::framebuffer_window + i * mm::page_size;
        auto entry = mm::find_entry(mm::kernel_pml4_physical(), virtual_address, true);
        if (entry.is_error() || entry.value() == nullptr) {
            // The window stays partly mapped but unused; nothing else uses it.
            log("console: no memory for the framebuffer's page tables; panic reports go to serial only\n");
            return;
        }
        *entry.value() = (first_page + i * mm::page_size) | mm::page_present | mm::page_writable | mm::page_global |
                         mm::page_no_execute | mm::page_cache_disable | mm::page_write_through;
        asm volatile("invlpg (%0)" : : "r"(virtual_address) : "memory");
    }

    screen.pixels = reinterpret_cast<volatile uint8_t*>(mm::framebuffer_window + offset);
    screen.pitch = f.pitch;
    screen.width = f.width;
    screen.height = f.height;
    screen.text_pixel = encode(f, text_rgb);
    screen.background_pixel = encode(f, background_rgb);
    screen.columns = lib::min(f.width / boot_font.width, max_columns);
    screen.rows = lib::min(f.height / boot_font.height, max_rows);
    screen.mapped = screen.columns > 0 && screen.rows > 0;
    log("console: framebuffer %ux%u mapped at 0x%lx, %ux%u characters for panic reports\n", f.width, f.height,
        mm::framebuffer_window + offset, screen.columns, screen.rows);
}

void begin_panic_screen() {
    if (!screen.mapped || screen.panic_screen) return;
    screen.panic_screen = true;
    clear_screen();
}

void write_to_framebuffer(const char* text, size_t length) {
    if (!screen.panic_screen) return;
    for (size_t i = 0; i < length; ++i) {
        char c = text[i];
        if (c == '\n') {
            // Reports start with a newline to set them apart on serial; on
            // a freshly cleared screen that would only waste the top row.
            if (screen.row != 0 || screen.column != 0) new_line();
            continue;
        }
        if (screen.column == screen.columns) new_line();
        screen.cells[screen.row][screen.column] = c;
        draw_cell(screen.row, screen.column);
        ++screen.column;
    }
}

}  // namespace console
