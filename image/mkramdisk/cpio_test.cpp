#include "cpio.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

namespace tessera::image {
namespace {

std::string write_archive(const std::vector<CpioMember>& members) {
    std::ostringstream out;
    CpioWriter writer(out);
    for (const auto& member : members) {
        CpioHeader header = member.header;
        header.file_size = static_cast<std::uint32_t>(member.data.size());
        writer.begin_member(member.name, header);
        writer.write_data(member.data);
    }
    writer.finish();
    return out.str();
}

CpioMember file(std::string name, std::string data, std::uint32_t mode = S_IFREG | 0644) {
    CpioMember member;
    member.name = std::move(name);
    member.data = std::move(data);
    member.header.mode = mode;
    return member;
}

TEST(Cpio, HeaderLayoutIsNewcWithPadding) {
    std::string archive = write_archive({file("ab", "xyz")});
    // Header: magic then 13 eight-digit upper-case hex fields.
    EXPECT_EQ(archive.substr(0, 6), "070701");
    EXPECT_EQ(archive.substr(6 + 8 * 1, 8), "000081A4");   // mode
    EXPECT_EQ(archive.substr(6 + 8 * 6, 8), "00000003");   // file size
    EXPECT_EQ(archive.substr(6 + 8 * 11, 8), "00000003");  // name size with NUL
    // 110 + 3 = 113 -> padded to 116; data 3 -> padded to 120.
    EXPECT_EQ(archive.substr(110, 3), std::string("ab\0", 3));
    EXPECT_EQ(archive.substr(113, 3), std::string(3, '\0'));
    EXPECT_EQ(archive.substr(116, 3), "xyz");
    EXPECT_EQ(archive[119], '\0');
    EXPECT_EQ(archive.substr(120, 6), "070701");
    EXPECT_NE(archive.find("TRAILER!!!", 120), std::string::npos);
    EXPECT_EQ(archive.size() % 4, 0u);
}

TEST(Cpio, RoundTripsOddNamesAndSizes) {
    std::vector<CpioMember> members = {
        file("with space", "1"),           file("new\nline", ""),
        file("ünïcødé/名前", "utf8"),      file(std::string(300, 'n'), std::string(5, 'd')),
        file("a", std::string(1, '\0')),  // name+header = 112: already aligned
        file("ab", std::string(2, 'x')),   file("abc", std::string(3, 'x')),
        file("abcd", std::string(4, 'x')), file("binary", std::string("\0\xff\x01\n", 4)),
    };
    CpioMember link = file("link", "target/of link", S_IFLNK | 0777);
    members.push_back(link);
    CpioMember device = file("dev/console", "", S_IFCHR | 0600);
    device.header.rdev_major = 5;
    device.header.rdev_minor = 1;
    members.push_back(device);
    std::string archive = write_archive(members);
    auto parsed = parse_cpio(archive);
    ASSERT_EQ(parsed.size(), members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
        EXPECT_EQ(parsed[i].name, members[i].name);
        EXPECT_EQ(parsed[i].data, members[i].data) << members[i].name;
        EXPECT_EQ(parsed[i].header.mode, members[i].header.mode);
        EXPECT_EQ(parsed[i].header.file_size, members[i].data.size());
    }
    EXPECT_EQ(parsed.back().header.rdev_major, 5u);
    EXPECT_EQ(parsed.back().header.rdev_minor, 1u);
}

TEST(Cpio, WriterRefusesBadNamesAndWrongSizes) {
    std::ostringstream out;
    CpioWriter writer(out);
    EXPECT_THROW(writer.begin_member("", CpioHeader{}), CpioFormatError);
    EXPECT_THROW(writer.begin_member(std::string("a\0b", 3), CpioHeader{}), CpioFormatError);
    CpioHeader header;
    header.file_size = 2;
    writer.begin_member("short", header);
    EXPECT_THROW(writer.write_data(std::string("abc")), std::logic_error);
    writer.write_data(std::string("a"));
    EXPECT_THROW(writer.finish(), std::logic_error);  // one byte still owed
}

TEST(Cpio, ParserRejectsDamage) {
    std::string good = write_archive({file("name", "data")});
    ASSERT_NO_THROW(parse_cpio(good));
    std::string bad_magic = good;
    bad_magic[5] = '2';
    EXPECT_THROW(parse_cpio(bad_magic), CpioFormatError);
    std::string bad_hex = good;
    bad_hex[6 + 8 * 6] = 'G';
    EXPECT_THROW(parse_cpio(bad_hex), CpioFormatError);
    std::string huge_size = good;
    huge_size.replace(6 + 8 * 6, 8, "7FFFFFFF");
    EXPECT_THROW(parse_cpio(huge_size), CpioFormatError);
    std::string huge_name = good;
    huge_name.replace(6 + 8 * 11, 8, "FFFFFFFF");
    EXPECT_THROW(parse_cpio(huge_name), CpioFormatError);
    std::string unterminated = good;
    unterminated[110 + 4] = 'x';  // the NUL of "name"
    EXPECT_THROW(parse_cpio(unterminated), CpioFormatError);
    std::string after_trailer = good + "0707";
    EXPECT_THROW(parse_cpio(after_trailer), CpioFormatError);
    EXPECT_NO_THROW(parse_cpio(good + std::string(512, '\0')));  // block padding is fine
    for (std::size_t cut : {std::size_t{0}, std::size_t{50}, std::size_t{112}, std::size_t{118}, good.size() - 4}) {
        EXPECT_THROW(parse_cpio(std::string_view(good).substr(0, cut)), CpioFormatError) << "cut at " << cut;
    }
}

}  // namespace
}  // namespace tessera::image
