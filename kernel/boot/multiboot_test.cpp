#include "boot/multiboot.h"

#include <sys/mman.h>

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace {

const void* identity(uint64_t physical) { return reinterpret_cast<const void*>(physical); }

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
    auto parsed = boot::parse_boot_info(boot::multiboot1_loader_magic,
                                        reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_TRUE(parsed.valid);
    EXPECT_STREQ(parsed.command_line, "exit=3");
    munmap(low, 4096);
}

TEST(Multiboot, VersionOneWithoutCommandLineFlagGivesEmptyLine) {
    std::vector<uint8_t> info(32, 0);
    auto parsed = boot::parse_boot_info(boot::multiboot1_loader_magic,
                                        reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_TRUE(parsed.valid);
    EXPECT_STREQ(parsed.command_line, "");
}

TEST(Multiboot, ReadsVersionTwoCommandLineTag) {
    auto info = multiboot2_info("init=/sbin/init quiet");
    auto parsed = boot::parse_boot_info(boot::multiboot2_loader_magic,
                                        reinterpret_cast<uintptr_t>(info.data()), identity);
    EXPECT_TRUE(parsed.valid);
    EXPECT_STREQ(parsed.loader, "multiboot2");
    EXPECT_STREQ(parsed.command_line, "init=/sbin/init quiet");
}

TEST(Multiboot, RejectsMalformedInformation) {
    auto info = multiboot2_info("abc", 4000);  // tag runs past the block
    EXPECT_FALSE(boot::parse_boot_info(boot::multiboot2_loader_magic,
                                       reinterpret_cast<uintptr_t>(info.data()), identity)
                     .valid);
    auto unterminated = multiboot2_info("abcdefgh", 8 + 4);  // string cut inside its tag
    EXPECT_FALSE(boot::parse_boot_info(boot::multiboot2_loader_magic,
                                       reinterpret_cast<uintptr_t>(unterminated.data()), identity)
                     .valid);
    EXPECT_FALSE(boot::parse_boot_info(0x12345678, 0x1000, identity).valid);
    EXPECT_FALSE(boot::parse_boot_info(boot::multiboot2_loader_magic, 0, identity).valid);
}

}  // namespace
