#include "exec/elf.h"

#include <elf.h>

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

namespace {

// A minimal static executable: header, two program headers, some bytes.
std::vector<uint8_t> make_elf(uint16_t type = ET_EXEC, uint64_t base = 0x400000) {
    std::vector<uint8_t> file(0x3000, 0);
    Elf64_Ehdr header{};
    std::memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_ident[EI_VERSION] = EV_CURRENT;
    header.e_type = type;
    header.e_machine = EM_X86_64;
    header.e_version = EV_CURRENT;
    header.e_entry = base + 0x1000;
    header.e_phoff = sizeof header;
    header.e_ehsize = sizeof header;
    header.e_phentsize = sizeof(Elf64_Phdr);
    header.e_phnum = 2;
    std::memcpy(file.data(), &header, sizeof header);
    Elf64_Phdr text{PT_LOAD, PF_R | PF_X, 0, base, base, 0x2000, 0x2000, 0x1000};
    Elf64_Phdr data{PT_LOAD, PF_R | PF_W, 0x2000, base + 0x2000, base + 0x2000, 0x800, 0x5000, 0x1000};
    std::memcpy(file.data() + sizeof header, &text, sizeof text);
    std::memcpy(file.data() + sizeof header + sizeof text, &data, sizeof data);
    return file;
}

Elf64_Phdr* program_header(std::vector<uint8_t>& file, int index) {
    return reinterpret_cast<Elf64_Phdr*>(file.data() + sizeof(Elf64_Ehdr) + index * sizeof(Elf64_Phdr));
}

TEST(Elf, ParsesAStaticExecutable) {
    auto file = make_elf();
    auto image = exec::parse_elf(file.data(), file.size());
    ASSERT_FALSE(image.is_error());
    EXPECT_FALSE(image.value().position_independent);
    EXPECT_EQ(image.value().entry, 0x401000u);
    ASSERT_EQ(image.value().segment_count, 2u);
    EXPECT_EQ(image.value().segments[0].protection, 1u | 4u);
    EXPECT_EQ(image.value().segments[1].protection, 1u | 2u);
    EXPECT_EQ(image.value().segments[1].memory_size, 0x5000u);
    EXPECT_EQ(image.value().lowest_address, 0x400000u);
    EXPECT_EQ(image.value().highest_address, 0x407000u);
    // No PT_PHDR: found through the first segment, which maps offset 64.
    EXPECT_EQ(image.value().program_headers_address, 0x400040u);
}

TEST(Elf, AcceptsStaticPieAndFindsTheInterpreter) {
    auto pie = make_elf(ET_DYN, 0);
    auto image = exec::parse_elf(pie.data(), pie.size());
    ASSERT_FALSE(image.is_error());
    EXPECT_TRUE(image.value().position_independent);
    EXPECT_EQ(image.value().interpreter_length, 0u);
    // PT_INTERP naming a NUL-terminated path inside the file.
    const char path[] = "/lib/ld.so";
    size_t offset = pie.size();
    pie.insert(pie.end(), path, path + sizeof path);
    Elf64_Phdr* interp = program_header(pie, 1);
    interp->p_type = PT_INTERP;
    interp->p_offset = offset;
    interp->p_filesz = sizeof path;
    auto dynamic = exec::parse_elf(pie.data(), pie.size());
    ASSERT_FALSE(dynamic.is_error());
    EXPECT_EQ(dynamic.value().interpreter_offset, offset);
    EXPECT_EQ(dynamic.value().interpreter_length, sizeof path - 1);
    // Without its NUL it is malformed.
    program_header(pie, 1)->p_filesz = sizeof path - 1;
    EXPECT_EQ(exec::parse_elf(pie.data(), pie.size()).error(), lib::Error::not_executable);
}

TEST(Elf, RejectsMalformedFiles) {
    auto expect_rejected = [](std::vector<uint8_t> file, const char* what) {
        auto image = exec::parse_elf(file.data(), file.size());
        ASSERT_TRUE(image.is_error()) << what;
        EXPECT_EQ(image.error(), lib::Error::not_executable) << what;
    };
    auto file = make_elf();
    expect_rejected(std::vector<uint8_t>(file.begin(), file.begin() + 40), "truncated header");
    auto bad = file;
    bad[0] = 0;
    expect_rejected(bad, "magic");
    bad = file;
    reinterpret_cast<Elf64_Ehdr*>(bad.data())->e_machine = EM_386;
    expect_rejected(bad, "machine");
    bad = file;
    reinterpret_cast<Elf64_Ehdr*>(bad.data())->e_phoff = 0xFFFFFFFFFFFFFFF0ull;
    expect_rejected(bad, "program headers past the end (overflowing)");
    bad = file;
    program_header(bad, 1)->p_filesz = 0x100000;
    expect_rejected(bad, "segment data past the end of the file");
    bad = file;
    program_header(bad, 1)->p_filesz = 0x6000;
    expect_rejected(bad, "file size larger than memory size");
    bad = file;
    program_header(bad, 1)->p_vaddr = 0xFFFFFFFF80000000ull;
    expect_rejected(bad, "segment in the kernel half");
    bad = file;
    program_header(bad, 1)->p_vaddr = 0x401000;
    program_header(bad, 1)->p_offset = 0x1000;
    expect_rejected(bad, "overlapping segments");
    bad = file;
    reinterpret_cast<Elf64_Ehdr*>(bad.data())->e_entry = 0x900000;
    expect_rejected(bad, "entry outside the segments");
    bad = file;
    program_header(bad, 1)->p_offset = 0x2001;
    expect_rejected(bad, "offset and address disagree modulo the page size");
}

TEST(Elf, ParsesTheHostsStaticBusybox) {
    std::ifstream stream("/bin/busybox", std::ios::binary);
    ASSERT_TRUE(stream) << "busybox-static is installed by ./tessera setup";
    std::vector<uint8_t> file((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    auto image = exec::parse_elf(file.data(), file.size());
    ASSERT_FALSE(image.is_error());
    EXPECT_GE(image.value().segment_count, 2u);
    EXPECT_GT(image.value().entry, image.value().lowest_address);
}

}  // namespace
