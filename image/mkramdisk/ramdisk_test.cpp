#include "ramdisk.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "cpio.h"
#include "test_support.h"

namespace tessera::image {
namespace {

namespace fs = std::filesystem;
using test::TemporaryDirectory;

std::vector<CpioMember> members_of(const Ramdisk& ramdisk) {
    return parse_cpio(test::archive_bytes(ramdisk));
}

const CpioMember& member(const std::vector<CpioMember>& members, const std::string& name) {
    for (const auto& m : members) {
        if (m.name == name) return m;
    }
    throw std::runtime_error("no member " + name);
}

// A tree with the awkward cases: empty file, empty directory, nested
// directories, symlinks (relative, absolute, dangling), odd names, modes.
void make_tree(const fs::path& root) {
    test::write_file(root / "bin/tool", "#!/bin/sh\necho tool\n");
    fs::permissions(root / "bin/tool", fs::perms(0755));
    test::write_file(root / "etc/empty", "");
    test::write_file(root / "etc/with space & ünïcødé", "odd");
    test::write_file(root / "etc/secret", "s");
    fs::permissions(root / "etc/secret", fs::perms(0600));
    fs::create_directories(root / "var/empty/dir");
    fs::create_symlink("../bin/tool", root / "etc/relative-link");
    fs::create_symlink("/bin/tool", root / "absolute-link");
    fs::create_symlink("nowhere", root / "dangling");
}

TEST(Ramdisk, NormalizesImagePaths) {
    EXPECT_EQ(normalize_image_path("/bin//busybox"), "bin/busybox");
    EXPECT_EQ(normalize_image_path("bin/./busybox/"), "bin/busybox");
    EXPECT_EQ(normalize_image_path("/"), "");
    EXPECT_THROW(normalize_image_path("/bin/../etc"), RamdiskError);
}

TEST(Ramdisk, TreeRoundTripsWithTypesModesAndContents) {
    TemporaryDirectory temp;
    make_tree(temp / "tree");
    Ramdisk ramdisk;
    ramdisk.add_tree(temp / "tree");
    auto members = members_of(ramdisk);
    std::vector<std::string> names;
    for (const auto& m : members) names.push_back(m.name);
    EXPECT_EQ(names, (std::vector<std::string>{"absolute-link", "bin", "bin/tool", "dangling", "etc", "etc/empty",
                                               "etc/relative-link", "etc/secret", "etc/with space & ünïcødé", "var",
                                               "var/empty", "var/empty/dir"}));
    EXPECT_EQ(member(members, "bin/tool").header.mode, S_IFREG | 0755u);
    EXPECT_EQ(member(members, "bin/tool").data, "#!/bin/sh\necho tool\n");
    EXPECT_EQ(member(members, "etc/secret").header.mode, S_IFREG | 0600u);
    EXPECT_EQ(member(members, "etc/empty").header.file_size, 0u);
    EXPECT_EQ(member(members, "etc/with space & ünïcødé").data, "odd");
    EXPECT_EQ(member(members, "var/empty/dir").header.mode & S_IFMT, unsigned{S_IFDIR});
    EXPECT_EQ(member(members, "etc/relative-link").header.mode, S_IFLNK | 0777u);
    EXPECT_EQ(member(members, "etc/relative-link").data, "../bin/tool");
    EXPECT_EQ(member(members, "absolute-link").data, "/bin/tool");
    EXPECT_EQ(member(members, "dangling").data, "nowhere");
    for (std::size_t i = 0; i < members.size(); ++i) {
        EXPECT_EQ(members[i].header.inode, i + 1);
        EXPECT_EQ(members[i].header.uid, 0u);
        EXPECT_EQ(members[i].header.gid, 0u);
        EXPECT_EQ(members[i].header.mtime, 0u);
    }
}

TEST(Ramdisk, OutputIsDeterministic) {
    TemporaryDirectory temp;
    make_tree(temp / "tree");
    Ramdisk first;
    first.add_tree(temp / "tree");
    std::string before = test::archive_bytes(first);
    // Times, owners and creation order on the host must not matter.
    fs::last_write_time(temp / "tree/bin/tool", fs::file_time_type::clock::now() - std::chrono::hours(100));
    if (::geteuid() == 0) {
        ASSERT_EQ(::lchown((temp / "tree/etc/secret").c_str(), 1234, 5678), 0);
    }
    make_tree(temp / "again");
    fs::remove_all(temp / "tree");
    fs::rename(temp / "again", temp / "tree");
    Ramdisk second;
    second.add_tree(temp / "tree");
    EXPECT_EQ(test::archive_bytes(second), before);
    EXPECT_NE(test::archive_bytes(second, {.mtime = 1700000000}), before);
}

TEST(Ramdisk, LargeFileRoundTrips) {
    TemporaryDirectory temp;
    std::string big(3 * 1024 * 1024 + 3, '\0');
    std::mt19937 random(42);
    for (auto& c : big) c = static_cast<char>(random());
    test::write_file(temp / "big", big);
    Ramdisk ramdisk;
    ramdisk.add_file("/data/big", temp / "big");
    auto members = members_of(ramdisk);
    EXPECT_EQ(member(members, "data/big").data, big);
}

TEST(Ramdisk, FileOf4GiBIsRefused) {
    TemporaryDirectory temp;
    { std::ofstream sparse(temp / "huge"); }
    fs::resize_file(temp / "huge", cpio_max_file_size + 1);  // sparse: nothing is written
    Ramdisk ramdisk;
    ramdisk.add_file("/huge", temp / "huge");
    std::ostringstream out;
    try {
        ramdisk.write(out);
        FAIL() << "a 4 GiB file was accepted";
    } catch (const RamdiskError& error) {
        EXPECT_NE(std::string(error.what()).find("4 GiB"), std::string::npos) << error.what();
    }
}

TEST(Ramdisk, AddSpecFollowsSymlinksAndCreatesParents) {
    TemporaryDirectory temp;
    test::write_file(temp / "real", "payload");
    fs::permissions(temp / "real", fs::perms(0750));
    fs::create_symlink(temp / "real", temp / "link");
    Ramdisk ramdisk;
    ramdisk.add_spec("/deep/er/copy=" + (temp / "link").string());
    auto members = members_of(ramdisk);
    ASSERT_EQ(members.size(), 3u);
    EXPECT_EQ(members[0].name, "deep");
    EXPECT_EQ(members[0].header.mode, S_IFDIR | 0755u);
    EXPECT_EQ(members[1].name, "deep/er");
    EXPECT_EQ(members[2].name, "deep/er/copy");
    EXPECT_EQ(members[2].header.mode, S_IFREG | 0750u);
    EXPECT_EQ(members[2].data, "payload");
    EXPECT_THROW(ramdisk.add_spec("no-equals"), RamdiskError);
    EXPECT_THROW(ramdisk.add_spec("/x=" + (temp / "missing").string()), RamdiskError);
}

TEST(Ramdisk, ConflictsAreErrorsAndLaterAdditionsWin) {
    Ramdisk ramdisk;
    ramdisk.add_text("/etc/motd", "first");
    ramdisk.add_text("/etc/motd", "second");
    EXPECT_EQ(member(members_of(ramdisk), "etc/motd").data, "second");
    EXPECT_THROW(ramdisk.add_text("/etc/motd/inside", "x"), RamdiskError);  // parent is a file
    EXPECT_THROW(ramdisk.add_text("/etc", "x"), RamdiskError);              // directory with entries
    EXPECT_THROW(ramdisk.add_text("/", "x"), RamdiskError);
    ramdisk.add_directory("/etc", 0700);
    EXPECT_EQ(member(members_of(ramdisk), "etc").header.mode, S_IFDIR | 0700u);
}

TEST(Ramdisk, ManifestDirectives) {
    TemporaryDirectory temp;
    test::write_file(temp / "src/hello.txt", "hello");
    test::write_file(temp / "src/tree/a", "A");
    test::write_file(temp / "manifest",
                     "# a comment\n"
                     "\n"
                     "file /bin/hello src/hello.txt 0700\n"
                     "dir /tmp 1777\n"
                     "tree /opt src/tree\n"
                     "symlink /sbin/init /bin/hello\n"
                     "nod /dev/console 0600 c 5 1\n"
                     "nod /dev/sda 0660 b 8 0\n"
                     "fifo /run/pipe\n"
                     "text /etc/greeting two words\\nand\\sa line\n");
    Ramdisk ramdisk;
    ramdisk.add_manifest(temp / "manifest");
    auto members = members_of(ramdisk);
    EXPECT_EQ(member(members, "bin/hello").header.mode, S_IFREG | 0700u);
    EXPECT_EQ(member(members, "bin/hello").data, "hello");
    EXPECT_EQ(member(members, "tmp").header.mode, S_IFDIR | 01777u);
    EXPECT_EQ(member(members, "opt/a").data, "A");
    EXPECT_EQ(member(members, "sbin/init").data, "/bin/hello");
    const auto& console = member(members, "dev/console");
    EXPECT_EQ(console.header.mode, S_IFCHR | 0600u);
    EXPECT_EQ(console.header.rdev_major, 5u);
    EXPECT_EQ(console.header.rdev_minor, 1u);
    EXPECT_EQ(member(members, "dev/sda").header.mode, S_IFBLK | 0660u);
    EXPECT_EQ(member(members, "run/pipe").header.mode & S_IFMT, unsigned{S_IFIFO});
    EXPECT_EQ(member(members, "etc/greeting").data, "two words\nand a line");

    test::write_file(temp / "bad", "dir /ok\nnod /dev/x 0600 q 1 1\n");
    try {
        Ramdisk other;
        other.add_manifest(temp / "bad");
        FAIL() << "bad manifest accepted";
    } catch (const RamdiskError& error) {
        EXPECT_NE(std::string(error.what()).find(":2:"), std::string::npos) << error.what();
    }
    for (const char* line : {"file /x", "dir /x 9999", "bogus /x", "nod /x 0600 c five 1", "symlink /x"}) {
        Ramdisk other;
        EXPECT_THROW(apply_manifest_line(other, line, temp.path()), RamdiskError) << line;
    }
}

// GNU cpio is an independent reader: it must extract exactly what we packed.
TEST(Ramdisk, GnuCpioExtractsOurArchive) {
    TemporaryDirectory temp;
    make_tree(temp / "tree");
    Ramdisk ramdisk;
    ramdisk.add_tree(temp / "tree");
    test::write_file(temp / "archive.cpio", test::archive_bytes(ramdisk));
    fs::create_directories(temp / "out");
    int status = -1;
    std::string output =
        test::run("cd '" + (temp / "out").string() +
                      "' && cpio -i --quiet --make-directories --no-absolute-filenames < ../archive.cpio "
                      "2>&1",
                  &status);
    ASSERT_EQ(status, 0) << output;
    EXPECT_EQ(test::read_file(temp / "out/bin/tool"), "#!/bin/sh\necho tool\n");
    EXPECT_EQ(test::read_file(temp / "out/etc/with space & ünïcødé"), "odd");
    EXPECT_EQ(fs::file_size(temp / "out/etc/empty"), 0u);
    EXPECT_EQ(fs::read_symlink(temp / "out/etc/relative-link"), "../bin/tool");
    EXPECT_TRUE(fs::is_directory(temp / "out/var/empty/dir"));
    EXPECT_EQ(fs::status(temp / "out/etc/secret").permissions() & fs::perms::mask, fs::perms(0600));
}

// And we must read what GNU cpio writes in the newc format.
TEST(Ramdisk, ParsesGnuCpioArchive) {
    TemporaryDirectory temp;
    make_tree(temp / "tree");
    int status = -1;
    std::string output = test::run(
        "cd '" + (temp / "tree").string() + "' && find . | LC_ALL=C sort | cpio -o --quiet -H newc > ../gnu.cpio 2>&1",
        &status);
    ASSERT_EQ(status, 0) << output;
    // GNU cpio drops the leading "./" and keeps "." for the root.
    auto members = parse_cpio(test::read_file(temp / "gnu.cpio"));
    EXPECT_EQ(members.front().name, ".");
    EXPECT_EQ(member(members, "bin/tool").data, "#!/bin/sh\necho tool\n");
    EXPECT_EQ(member(members, "etc/relative-link").data, "../bin/tool");
    EXPECT_EQ(member(members, "etc/secret").header.mode, S_IFREG | 0600u);
}

}  // namespace
}  // namespace tessera::image
