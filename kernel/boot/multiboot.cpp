#include "boot/multiboot.h"

namespace boot {
namespace {

constexpr uint32_t mb1_flag_command_line = 1u << 2;
constexpr uint32_t mb1_flag_modules = 1u << 3;
constexpr uint32_t mb1_flag_memory_map = 1u << 6;
constexpr uint32_t mb1_max_modules_size = 4096;
constexpr uint32_t mb1_max_memory_map_size = 64 * 1024;
constexpr uint32_t mb2_tag_end = 0;
constexpr uint32_t mb2_tag_command_line = 1;
constexpr uint32_t mb2_tag_module = 3;
constexpr uint32_t mb2_tag_memory_map = 6;
constexpr uint32_t mb2_tag_framebuffer = 8;
constexpr uint32_t mb1_flag_framebuffer = 1u << 12;
constexpr uint32_t mb2_max_info_size = 1u << 20;
constexpr uint32_t memory_type_available = 1;
constexpr size_t max_string = 4096;

uint32_t read32(const uint8_t* bytes) {
    return static_cast<uint32_t>(bytes[0]) | static_cast<uint32_t>(bytes[1]) << 8 |
           static_cast<uint32_t>(bytes[2]) << 16 | static_cast<uint32_t>(bytes[3]) << 24;
}

uint64_t read64(const uint8_t* bytes) {
    return read32(bytes) | static_cast<uint64_t>(read32(bytes + 4)) << 32;
}

BootInfo failure(BootInfo& result, const char* error) {
    result.valid = false;
    result.error = error;
    return result;
}

// A string from the loader must end within max_string bytes.
bool terminated(const char* text, size_t limit) {
    for (size_t i = 0; i < limit; ++i) {
        if (text[i] == '\0') return true;
    }
    return false;
}

// Common checks for both loaders' framebuffer descriptions.
// color_info points at the six channel bytes (red, green, blue: field
// position then mask size), or is nullptr when the loader gave none.
const char* set_framebuffer(BootInfo& result, uint64_t address, uint32_t pitch, uint32_t width, uint32_t height,
                            uint8_t bpp, uint8_t type, const uint8_t* color_info) {
    if (type == 2) return nullptr;  // EGA text mode: nothing to draw on
    if (address == 0 || width == 0 || height == 0 || bpp == 0 || bpp > 32) return "framebuffer invalid";
    if (static_cast<uint64_t>(width) * ((bpp + 7) / 8) > pitch) return "framebuffer rows shorter than its width";
    if (address + static_cast<uint64_t>(pitch) * height < address) return "framebuffer wraps around";
    result.has_framebuffer = true;
    result.framebuffer = {address, pitch, width, height, bpp, type};
    if (type == 1 && color_info != nullptr) {
        auto& f = result.framebuffer;
        f.red_shift = color_info[0];
        f.red_bits = color_info[1];
        f.green_shift = color_info[2];
        f.green_bits = color_info[3];
        f.blue_shift = color_info[4];
        f.blue_bits = color_info[5];
    }
    return nullptr;
}

bool add_memory(BootInfo& result, uint64_t base, uint64_t length, uint32_t type) {
    if (result.memory_count == BootInfo::max_memory_ranges) return false;
    if (base + length < base) return false;
    result.memory[result.memory_count++] = {base, length, type == memory_type_available};
    return true;
}

const char* add_module(BootInfo& result, uint64_t start, uint64_t end, const char* name, uint64_t limit) {
    if (result.module_count == BootInfo::max_modules) return "too many modules";
    if (end < start || end > limit) return "module outside memory";
    result.modules[result.module_count++] = {start, end, name};
    return nullptr;
}

BootInfo parse_multiboot1(const uint8_t* info, PhysicalToPointer map, uint64_t limit) {
    BootInfo result;
    result.loader = "multiboot1";
    uint32_t flags = read32(info);
    if ((flags & mb1_flag_command_line) != 0) {
        uint32_t address = read32(info + 16);
        if (address >= limit) return failure(result, "command line outside memory");
        if (address != 0) {
            result.command_line = static_cast<const char*>(map(address));
            if (!terminated(result.command_line, max_string)) return failure(result, "command line not terminated");
        }
    }
    if ((flags & mb1_flag_modules) != 0) {
        uint32_t count = read32(info + 20);
        uint32_t address = read32(info + 24);
        if (count > BootInfo::max_modules || count * 16 > mb1_max_modules_size)
            return failure(result, "too many modules");
        if (count != 0 && address + count * 16ull > limit) return failure(result, "module list outside memory");
        const auto* list = count ? static_cast<const uint8_t*>(map(address)) : nullptr;
        for (uint32_t i = 0; i < count; ++i) {
            const uint8_t* entry = list + i * 16;
            uint32_t name_address = read32(entry + 8);
            const char* name = "";
            if (name_address != 0) {
                if (name_address >= limit) return failure(result, "module name outside memory");
                name = static_cast<const char*>(map(name_address));
                if (!terminated(name, max_string)) return failure(result, "module name not terminated");
            }
            const char* error = add_module(result, read32(entry), read32(entry + 4), name, limit);
            if (error) return failure(result, error);
        }
    }
    if ((flags & mb1_flag_memory_map) != 0) {
        uint32_t length = read32(info + 44);
        uint32_t address = read32(info + 48);
        if (length > mb1_max_memory_map_size) return failure(result, "memory map too large");
        if (address + static_cast<uint64_t>(length) > limit) return failure(result, "memory map outside memory");
        const auto* entries = static_cast<const uint8_t*>(map(address));
        // Each entry starts with its own size, which does not count itself.
        for (uint32_t offset = 0; offset < length;) {
            if (offset + 4 > length) return failure(result, "memory map entry truncated");
            uint32_t size = read32(entries + offset);
            if (size < 20 || offset + 4 + static_cast<uint64_t>(size) > length) {
                return failure(result, "memory map entry truncated");
            }
            const uint8_t* entry = entries + offset + 4;
            if (!add_memory(result, read64(entry), read64(entry + 8), read32(entry + 16))) {
                return failure(result, "memory map entry invalid or too many");
            }
            offset += 4 + size;
        }
    }
    if ((flags & mb1_flag_framebuffer) != 0) {
        const char* error = set_framebuffer(result, read64(info + 88), read32(info + 96), read32(info + 100),
                                            read32(info + 104), info[108], info[109], info + 110);
        if (error) return failure(result, error);
    }
    result.valid = true;
    result.error = "";
    return result;
}

BootInfo parse_multiboot2(const uint8_t* info, uint64_t limit) {
    BootInfo result;
    result.loader = "multiboot2";
    uint32_t total = read32(info);
    if (total < 16 || total > mb2_max_info_size) return failure(result, "information size out of range");
    for (uint32_t offset = 8; offset + 8 <= total;) {
        uint32_t type = read32(info + offset);
        uint32_t size = read32(info + offset + 4);
        if (size < 8 || offset + static_cast<uint64_t>(size) > total) return failure(result, "tag runs past the end");
        const uint8_t* tag = info + offset;
        if (type == mb2_tag_end) {
            result.valid = true;
            result.error = "";
            return result;
        }
        if (type == mb2_tag_command_line) {
            const char* text = reinterpret_cast<const char*>(tag + 8);
            // The string must end inside its tag.
            if (!terminated(text, size - 8)) return failure(result, "command line not terminated");
            result.command_line = text;
        } else if (type == mb2_tag_module) {
            if (size < 17) return failure(result, "module tag too small");
            const char* name = reinterpret_cast<const char*>(tag + 16);
            if (!terminated(name, size - 16)) return failure(result, "module name not terminated");
            const char* error = add_module(result, read32(tag + 8), read32(tag + 12), name, limit);
            if (error) return failure(result, error);
        } else if (type == mb2_tag_framebuffer) {
            if (size < 30) return failure(result, "framebuffer tag too small");
            const char* error = set_framebuffer(result, read64(tag + 8), read32(tag + 16), read32(tag + 20),
                                                read32(tag + 24), tag[28], tag[29], size >= 38 ? tag + 32 : nullptr);
            if (error) return failure(result, error);
        } else if (type == mb2_tag_memory_map) {
            if (size < 16) return failure(result, "memory map tag too small");
            uint32_t entry_size = read32(tag + 8);
            if (entry_size < 24 || entry_size % 8 != 0) return failure(result, "memory map entry size invalid");
            for (uint32_t entry = 16; entry + entry_size <= size; entry += entry_size) {
                if (!add_memory(result, read64(tag + entry), read64(tag + entry + 8), read32(tag + entry + 16))) {
                    return failure(result, "memory map entry invalid or too many");
                }
            }
        }
        offset += (size + 7) & ~7u;
    }
    return failure(result, "no end tag");
}

}  // namespace

BootInfo parse_boot_info(uint32_t magic, uint64_t info_physical, PhysicalToPointer map, uint64_t map_limit) {
    BootInfo result;
    if (info_physical == 0) return failure(result, "null boot information pointer");
    if (info_physical >= map_limit) return failure(result, "boot information outside memory");
    const auto* info = static_cast<const uint8_t*>(map(info_physical));
    if (magic == multiboot1_loader_magic) return parse_multiboot1(info, map, map_limit);
    if (magic == multiboot2_loader_magic) return parse_multiboot2(info, map_limit);
    return failure(result, "unknown loader magic");
}

}  // namespace boot
