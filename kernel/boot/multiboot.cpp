#include "boot/multiboot.h"

namespace boot {
namespace {

constexpr uint32_t mb1_flag_command_line = 1u << 2;
constexpr uint32_t mb2_tag_end = 0;
constexpr uint32_t mb2_tag_command_line = 1;
constexpr uint32_t mb2_max_info_size = 1u << 20;

uint32_t read32(const uint8_t* bytes) {
    return static_cast<uint32_t>(bytes[0]) | static_cast<uint32_t>(bytes[1]) << 8 |
           static_cast<uint32_t>(bytes[2]) << 16 | static_cast<uint32_t>(bytes[3]) << 24;
}

BootInfo parse_multiboot1(const uint8_t* info, PhysicalToPointer map) {
    BootInfo result;
    result.valid = true;
    result.loader = "multiboot1";
    if ((read32(info) & mb1_flag_command_line) != 0) {
        uint32_t address = read32(info + 16);
        if (address != 0) result.command_line = static_cast<const char*>(map(address));
    }
    return result;
}

BootInfo parse_multiboot2(const uint8_t* info) {
    BootInfo result;
    uint32_t total = read32(info);
    if (total < 16 || total > mb2_max_info_size) return result;
    for (uint32_t offset = 8; offset + 8 <= total;) {
        uint32_t type = read32(info + offset);
        uint32_t size = read32(info + offset + 4);
        if (size < 8 || offset + size > total) return result;
        if (type == mb2_tag_end) {
            result.valid = true;
            result.loader = "multiboot2";
            return result;
        }
        if (type == mb2_tag_command_line) {
            const char* text = reinterpret_cast<const char*>(info + offset + 8);
            // The string must end inside its tag.
            uint32_t length = size - 8;
            bool terminated = false;
            for (uint32_t i = 0; i < length; ++i) {
                if (text[i] == '\0') {
                    terminated = true;
                    break;
                }
            }
            if (!terminated) return result;
            result.command_line = text;
        }
        offset += (size + 7) & ~7u;
    }
    return result;  // no end tag
}

}  // namespace

BootInfo parse_boot_info(uint32_t magic, uint64_t info_physical, PhysicalToPointer map) {
    if (info_physical == 0) return {};
    const auto* info = static_cast<const uint8_t*>(map(info_physical));
    if (magic == multiboot1_loader_magic) return parse_multiboot1(info, map);
    if (magic == multiboot2_loader_magic) return parse_multiboot2(info);
    return {};
}

}  // namespace boot
