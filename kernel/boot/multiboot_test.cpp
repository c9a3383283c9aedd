#include "boot/multiboot.h"

#include <sys/mman.h>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

const void* identity(uint64_t physical) {
    return reinterpret_cast<const void*>(physical);
}

void put32(std::vector<uint8_t>& bytes, size_t offset, uint32_t value) {
    if (bytes.size() < offset + 4) bytes.resize(offset + 4);
    std::memcpy(bytes.data() + offset, &value, 4);
}

// A Multiboot2 information block with one command-line tag and an end tag.
std::vector<uint8_t> multiboot2_info(const char* line, uint32_t declared_tag_size = 0) {
    std::vector<uint8_t> info(8, 0);
    size_t length = std::strlen(line) + 1;
    uint32_t tag_size = declared_tag_size ? declared_tag_size : static_cast<uint32_t>(8 + length);
    put32(info, 8, 1);
    put32(info, 12, tag_size);
    info.insert(info.end(), line, line + length);
    while (info.size() % 8) info.push_back(0);
    size_t end = info.size();
    put32(info, end, 0);
    put32(info, end + 4, 8);
    put32(info, 0, static_cast<uint32_t>(info.size()));
    return info;
}

TEST(Multiboot, ReadsVersionOneCommandLine) {
    // Multiboot v1 holds 32-bit physical addresses, so the string must live
    // below 4 GiB as it does in a real boot.
    void* low = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    ASSERT_NE(low, MAP_FAILED);
    char* line = static_cast<char*>(low);
    std::strcpy(line, "exit=3");
    std::vector<uint8_t> info(32, 0);
    put32(info, 0, 1u << 2);
    put32(info, 16, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(line)));
    auto parsed =
        boot::parse_boot_info(boot::multiboot1_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_TRUE(parsed.valid);
    EXPECT_STREQ(parsed.command_line, "exit=3");
    munmap(low, 4096);
}

TEST(Multiboot, VersionOneWithoutCommandLineFlagGivesEmptyLine) {
    std::vector<uint8_t> info(32, 0);
    auto parsed =
        boot::parse_boot_info(boot::multiboot1_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_TRUE(parsed.valid);
    EXPECT_STREQ(parsed.command_line, "");
}

TEST(Multiboot, ReadsVersionTwoCommandLineTag) {
    auto info = multiboot2_info("init=/sbin/init quiet");
    auto parsed =
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_TRUE(parsed.valid);
    EXPECT_STREQ(parsed.loader, "multiboot2");
    EXPECT_STREQ(parsed.command_line, "init=/sbin/init quiet");
}

TEST(Multiboot, RejectsMalformedInformation) {
    auto info = multiboot2_info("abc", 4000);  // tag runs past the block
    EXPECT_FALSE(
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity).valid);
    auto unterminated = multiboot2_info("abcdefgh", 8 + 4);  // string cut inside its tag
    EXPECT_FALSE(
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(unterminated.data()), identity)
            .valid);
    EXPECT_FALSE(boot::parse_boot_info(0x12345678, 0x1000, identity).valid);
    EXPECT_FALSE(boot::parse_boot_info(boot::multiboot2_loader_magic, 0, identity).valid);
}

// Appends one Multiboot2 tag (header, payload) padded to 8 bytes.
void add_tag(std::vector<uint8_t>& info, uint32_t type, const std::vector<uint8_t>& payload) {
    size_t start = info.size();
    put32(info, start, type);
    put32(info, start + 4, static_cast<uint32_t>(8 + payload.size()));
    info.insert(info.end(), payload.begin(), payload.end());
    while (info.size() % 8) info.push_back(0);
}

std::vector<uint8_t> bytes_of(std::initializer_list<uint64_t> words64) {
    std::vector<uint8_t> out;
    for (uint64_t w : words64)
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(w >> (8 * i)));
    return out;
}

std::vector<uint8_t> finish(std::vector<uint8_t> info) {
    add_tag(info, 0, {});
    put32(info, 0, static_cast<uint32_t>(info.size()));
    return info;
}

TEST(Multiboot, ReadsVersionTwoMemoryMapAndModules) {
    std::vector<uint8_t> info(8, 0);
    // memory map: entry_size 24, version 0, then two entries (base, length, type|reserved)
    std::vector<uint8_t> map = {24, 0, 0, 0, 0, 0, 0, 0};
    auto entries = bytes_of({0x0, 0x9F000, 1, 0x100000, 0x1FF00000, 1, 0xFEC00000, 0x1000, 2});
    map.insert(map.end(), entries.begin(), entries.end());
    add_tag(info, 6, map);
    std::vector<uint8_t> module = {0x00, 0x00, 0x40, 0x00, 0x00, 0x10, 0x40, 0x00, 'r', 'd', 0};
    add_tag(info, 3, module);
    info = finish(info);
    auto parsed =
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    ASSERT_TRUE(parsed.valid) << parsed.error;
    ASSERT_EQ(parsed.memory_count, 3u);
    EXPECT_EQ(parsed.memory[1].base, 0x100000u);
    EXPECT_EQ(parsed.memory[1].length, 0x1FF00000u);
    EXPECT_TRUE(parsed.memory[1].available);
    EXPECT_FALSE(parsed.memory[2].available);
    ASSERT_EQ(parsed.module_count, 1u);
    EXPECT_EQ(parsed.modules[0].start, 0x400000u);
    EXPECT_EQ(parsed.modules[0].end, 0x401000u);
    EXPECT_STREQ(parsed.modules[0].name, "rd");
}

TEST(Multiboot, RejectsModuleEndingBeforeItStartsOrBeyondMemory) {
    std::vector<uint8_t> info(8, 0);
    add_tag(info, 3, {0x00, 0x10, 0, 0, 0x00, 0x00, 0, 0, 0});
    info = finish(info);
    auto parsed =
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_FALSE(parsed.valid);
    EXPECT_STREQ(parsed.error, "module outside memory");

    std::vector<uint8_t> beyond(8, 0);
    add_tag(beyond, 3, {0x00, 0x00, 0, 0, 0x00, 0x00, 0x10, 0, 0});
    beyond = finish(beyond);
    EXPECT_FALSE(boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(beyond.data()),
                                       identity, 0x1000)
                     .valid);
}

TEST(Multiboot, RejectsBadMemoryMapEntrySize) {
    std::vector<uint8_t> info(8, 0);
    add_tag(info, 6, {12, 0, 0, 0, 0, 0, 0, 0});
    info = finish(info);
    auto parsed =
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_FALSE(parsed.valid);
}

std::vector<uint8_t> framebuffer_tag(uint64_t address, uint32_t pitch, uint32_t width, uint32_t height, uint8_t bpp) {
    std::vector<uint8_t> payload(30, 0);
    std::memcpy(payload.data(), &address, 8);
    std::memcpy(payload.data() + 8, &pitch, 4);
    std::memcpy(payload.data() + 12, &width, 4);
    std::memcpy(payload.data() + 16, &height, 4);
    payload[20] = bpp;
    payload[21] = 1;  // direct RGB
    // Two reserved bytes, then the channels as GRUB reports XRGB8888.
    const uint8_t channels[6] = {16, 8, 8, 8, 0, 8};
    std::memcpy(payload.data() + 24, channels, 6);
    return payload;
}

TEST(Multiboot, ReadsVersionTwoFramebuffer) {
    std::vector<uint8_t> info(8, 0);
    add_tag(info, 8, framebuffer_tag(0xFD000000, 4096, 1024, 768, 32));
    info = finish(info);
    auto parsed =
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    ASSERT_TRUE(parsed.valid) << parsed.error;
    ASSERT_TRUE(parsed.has_framebuffer);
    EXPECT_EQ(parsed.framebuffer.address, 0xFD000000u);
    EXPECT_EQ(parsed.framebuffer.width, 1024u);
    EXPECT_EQ(parsed.framebuffer.height, 768u);
    EXPECT_EQ(parsed.framebuffer.bits_per_pixel, 32);
    EXPECT_EQ(parsed.framebuffer.red_shift, 16);
    EXPECT_EQ(parsed.framebuffer.red_bits, 8);
    EXPECT_EQ(parsed.framebuffer.green_shift, 8);
    EXPECT_EQ(parsed.framebuffer.blue_shift, 0);
    EXPECT_EQ(parsed.framebuffer.blue_bits, 8);
}

TEST(Multiboot, RejectsFramebufferWhoseRowsAreTooShort) {
    std::vector<uint8_t> info(8, 0);
    add_tag(info, 8, framebuffer_tag(0xFD000000, 1024, 1024, 768, 32));  // needs 4096 bytes a row
    info = finish(info);
    auto parsed =
        boot::parse_boot_info(boot::multiboot2_loader_magic, reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_FALSE(parsed.valid);
    EXPECT_STREQ(parsed.error, "framebuffer rows shorter than its width");
}

TEST(Multiboot, ReadsVersionOneMemoryMapAndModules) {
    void* low = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    ASSERT_NE(low, MAP_FAILED);
    auto* page = static_cast<uint8_t*>(low);
    auto address = [&](size_t offset) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(page + offset)); };
    std::vector<uint8_t> block(64, 0);
    put32(block, 0, (1u << 3) | (1u << 6));
    put32(block, 20, 1);
    put32(block, 24, address(0));
    put32(block, 44, 24);
    put32(block, 48, address(64));
    std::memcpy(page, block.data(), 0);  // module list at page+0
    uint32_t module[4] = {0x200000, 0x201000, address(128), 0};
    std::memcpy(page, module, 16);
    uint32_t entry[6] = {20, 0x100000, 0, 0x100000, 0, 1};
    std::memcpy(page + 64, entry, 24);
    std::strcpy(reinterpret_cast<char*>(page + 128), "initrd");
    auto parsed =
        boot::parse_boot_info(boot::multiboot1_loader_magic, reinterpret_cast<uintptr_t>(block.data()), identity);
    ASSERT_TRUE(parsed.valid) << parsed.error;
    ASSERT_EQ(parsed.module_count, 1u);
    EXPECT_EQ(parsed.modules[0].end, 0x201000u);
    EXPECT_STREQ(parsed.modules[0].name, "initrd");
    ASSERT_EQ(parsed.memory_count, 1u);
    EXPECT_EQ(parsed.memory[0].base, 0x100000u);
    EXPECT_TRUE(parsed.memory[0].available);

    put32(block, 44, 20);  // the entry no longer fits in the declared length
    EXPECT_FALSE(
        boot::parse_boot_info(boot::multiboot1_loader_magic, reinterpret_cast<uintptr_t>(block.data()), identity)
            .valid);
    munmap(low, 4096);
}

}  // namespace
