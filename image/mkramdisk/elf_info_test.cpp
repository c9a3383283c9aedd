#include "elf_info.h"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <regex>
#include <sstream>

#include "test_support.h"

namespace tessera::image {
namespace {

const std::string fixture = CLOSURE_FIXTURE_DIR;

TEST(Elf, ReadsTheFixtureExecutable) {
    auto info = read_elf_dynamic_info(fixture + "/bin/closure_fixture_app");
    ASSERT_TRUE(info);
    EXPECT_TRUE(info->is_64_bit);
    EXPECT_EQ(info->machine, EM_X86_64);
    EXPECT_EQ(info->interpreter, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_EQ(info->runpath, std::vector<std::string>{"$ORIGIN/../lib"});
    EXPECT_TRUE(info->rpath.empty());
    ASSERT_FALSE(info->needed.empty());
    EXPECT_EQ(info->needed.front(), "libclosure_fixture_a.so");
}

TEST(Elf, ReadsRpathAndSoname) {
    auto info = read_elf_dynamic_info(fixture + "/lib/libclosure_fixture_a.so");
    ASSERT_TRUE(info);
    EXPECT_EQ(info->type, ET_DYN);
    EXPECT_FALSE(info->interpreter);
    EXPECT_EQ(info->rpath, std::vector<std::string>{"$ORIGIN/private"});
    EXPECT_TRUE(info->runpath.empty());
    EXPECT_EQ(info->soname, "libclosure_fixture_a.so");
}

TEST(Elf, NonElfIsNotAnError) {
    test::TemporaryDirectory temp;
    test::write_file(temp / "script", "#!/bin/sh\n");
    EXPECT_FALSE(read_elf_dynamic_info(temp / "script"));
    test::write_file(temp / "empty", "");
    EXPECT_FALSE(read_elf_dynamic_info(temp / "empty"));
}

// binutils' readelf is the oracle for Debian's own binaries.
TEST(Elf, AgreesWithReadelf) {
    for (const char* path : {"/usr/bin/ls", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/bin/busybox"}) {
        int status = -1;
        std::string dump = test::run(std::string("readelf -dlW ") + path + " 2>/dev/null", &status);
        ASSERT_EQ(status, 0) << path;
        std::vector<std::string> needed;
        std::regex needed_line(R"(\(NEEDED\)\s+Shared library: \[([^\]]+)\])");
        for (std::sregex_iterator it(dump.begin(), dump.end(), needed_line), end; it != end; ++it) {
            needed.push_back((*it)[1]);
        }
        std::smatch interpreter;
        bool has_interpreter = std::regex_search(dump, interpreter, std::regex(R"(interpreter: ([^\]]+)\])"));
        auto info = read_elf_dynamic_info(path);
        ASSERT_TRUE(info) << path;
        EXPECT_EQ(info->needed, needed) << path;
        EXPECT_EQ(info->interpreter.has_value(), has_interpreter) << path;
        if (has_interpreter) {
            EXPECT_EQ(*info->interpreter, interpreter[1].str()) << path;
        }
    }
}

// Every prefix of a real binary, and some corrupted copies, must give a
// clean error or a result, never a crash (the test runs under the normal
// allocator; out-of-bounds reads would show up under ASan or as garbage).
TEST(Elf, TruncatedAndCorruptedFilesFailCleanly) {
    std::string bytes = test::read_file(fixture + "/bin/closure_fixture_app");
    int errors = 0;
    for (std::size_t cut = 0; cut < bytes.size(); cut += 97) {
        try {
            parse_elf_dynamic_info(std::string_view(bytes).substr(0, cut));
        } catch (const ElfFormatError&) {
            ++errors;
        }
    }
    EXPECT_GT(errors, 0);
    std::string bad_phoff = bytes;
    Elf64_Ehdr header;
    std::memcpy(&header, bad_phoff.data(), sizeof header);
    header.e_phoff = 0xFFFFFFFFFFFFFF00ull;
    std::memcpy(bad_phoff.data(), &header, sizeof header);
    EXPECT_THROW(parse_elf_dynamic_info(bad_phoff), ElfFormatError);
    std::string thirty_two = bytes;
    thirty_two[EI_CLASS] = ELFCLASS32;
    EXPECT_THROW(parse_elf_dynamic_info(thirty_two), ElfFormatError);
}

}  // namespace
}  // namespace tessera::image
