// What the boot loader tells us: Multiboot v1 (QEMU -kernel) or Multiboot2
// (GRUB): the command line, the memory map and the modules (the ramdisk).
// Everything is copied out of the loader's structures, so they may be
// overwritten afterwards.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace boot {

constexpr uint32_t multiboot1_loader_magic = 0x2BADB002;
constexpr uint32_t multiboot2_loader_magic = 0x36D76289;

// Physical addresses in the boot information are turned into pointers by
// the caller's mapping (identity in tests, the higher-half window in the
// kernel). Addresses at or beyond map_limit are rejected as malformed.
using PhysicalToPointer = const void* (*)(uint64_t physical);

struct MemoryRange {
    uint64_t base = 0;
    uint64_t length = 0;
    bool available = false;  // usable RAM (type 1)
};

struct Module {
    uint64_t start = 0;  // physical, inclusive
    uint64_t end = 0;    // physical, exclusive
    const char* name = "";
};

// The linear framebuffer the loader set up (Multiboot2 tag 8, v1 flag 12).
struct Framebuffer {
    uint64_t address = 0;  // physical
    uint32_t pitch = 0;    // bytes per row
    uint32_t width = 0;
    uint32_t height = 0;
    uint8_t bits_per_pixel = 0;
    uint8_t type = 0;  // 0 indexed, 1 direct RGB, 2 EGA text
    // For direct RGB: where each channel sits in a pixel (bit shift and
    // width), as the loader reports it; zero otherwise.
    uint8_t red_shift = 0, red_bits = 0;
    uint8_t green_shift = 0, green_bits = 0;
    uint8_t blue_shift = 0, blue_bits = 0;
};

struct BootInfo {
    static constexpr size_t max_memory_ranges = 64;
    static constexpr size_t max_modules = 16;

    bool valid = false;
    // When !valid: what was wrong, for the panic message.
    const char* error = "no boot information";
    const char* loader = "unknown";
    const char* command_line = "";
    MemoryRange memory[max_memory_ranges];
    size_t memory_count = 0;
    Module modules[max_modules];
    size_t module_count = 0;
    bool has_framebuffer = false;
    Framebuffer framebuffer;
};

// Never trusts the loader: an unknown magic, a null pointer, a tag list
// that runs past its declared size, a memory map entry or a module outside
// [0, map_limit), more entries than fit, or a framebuffer whose rows do not
// hold its width gives valid=false and an error.
BootInfo parse_boot_info(uint32_t magic, uint64_t info_physical, PhysicalToPointer map, uint64_t map_limit = ~0ull);

}  // namespace boot
