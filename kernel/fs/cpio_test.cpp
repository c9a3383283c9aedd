#include "fs/cpio.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "fs/ramdisk.h"
#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs/path.h"
#include "mm/memory_object.h"

namespace {

void add_entry(std::string& archive, const std::string& name, unsigned mode, const std::string& data) {
    char header[111];
    std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", 1u, mode, 0u,
                  0u, 1u, 0u, data.size(), 0u, 0u, 0u, 0u, name.size() + 1, 0u);
    archive += header;
    archive += name;
    archive += '\0';
    while (archive.size() % 4) archive += '\0';
    archive += data;
    while (archive.size() % 4) archive += '\0';
}

std::string sample() {
    std::string archive;
    add_entry(archive, ".", 0040755, "");
    add_entry(archive, "bin", 0040755, "");
    add_entry(archive, "bin/hello", 0100755, "hi!\n");
    add_entry(archive, "etc/motd", 0100644, "welcome");
    add_entry(archive, "sh", 0120777, "bin/hello");
    add_entry(archive, "TRAILER!!!", 0, "");
    return archive;
}

TEST(Cpio, ReadsEntriesUntilTheTrailer) {
    std::string archive = sample();
    fs::CpioReader reader(reinterpret_cast<const uint8_t*>(archive.data()), archive.size());
    fs::CpioEntry entry;
    int count = 0;
    for (;;) {
        auto more = reader.next(entry);
        ASSERT_FALSE(more.is_error());
        if (!more.value()) break;
        ++count;
        if (std::string(entry.name.data, entry.name.length) == "bin/hello") {
            EXPECT_EQ(std::string(reinterpret_cast<const char*>(entry.data), entry.size), "hi!\n");
            EXPECT_EQ(entry.mode, 0100755u);
        }
    }
    EXPECT_EQ(count, 5);
}

TEST(Cpio, RejectsTruncatedAndCorruptArchives) {
    std::string archive = sample();
    for (size_t cut : {size_t(50), size_t(130), archive.size() - 120}) {
        fs::CpioReader reader(reinterpret_cast<const uint8_t*>(archive.data()), cut);
        fs::CpioEntry entry;
        bool failed = false;
        for (int i = 0; i < 10; ++i) {
            auto more = reader.next(entry);
            if (more.is_error()) {
                failed = true;
                break;
            }
            if (!more.value()) break;
        }
        EXPECT_TRUE(failed) << "cut at " << cut;
    }
    std::string bad = archive;
    bad[10] = 'z';  // not hex
    fs::CpioReader reader(reinterpret_cast<const uint8_t*>(bad.data()), bad.size());
    fs::CpioEntry entry;
    EXPECT_TRUE(reader.next(entry).is_error());
}

// A tmpfs for the tests, released at scope end.
struct Root {
    fs::Tmpfs* tmpfs = fs::Tmpfs::create(0755).value();
    ~Root() { lib::destroy(tmpfs); }
    fs::Vnode* root() { return tmpfs->root(); }
};

TEST(Ramdisk, UnpacksIntoATmpfsThatPathLookupWalks) {
    std::string archive = sample();
    Root tree;
    fs::Vnode* root = tree.root();
    auto result = fs::unpack_cpio(*root, reinterpret_cast<const uint8_t*>(archive.data()), archive.size());
    ASSERT_FALSE(result.is_error());
    fs::Lookup lookup{root, root, true};
    auto hello = fs::resolve(lookup, "/bin//hello");
    ASSERT_FALSE(hello.is_error());
    EXPECT_EQ(hello.value()->size(), 4u);
    char bytes[4];
    ASSERT_FALSE(hello.value()->memory_object().value()->read(0, bytes, 4).is_error());
    auto through_link = fs::resolve(lookup, "sh");
    ASSERT_FALSE(through_link.is_error());
    EXPECT_EQ(through_link.value().get(), hello.value().get());
    fs::Lookup no_follow{root, root, false};
    EXPECT_TRUE(fs::resolve(no_follow, "sh").value()->is_symlink());
    EXPECT_EQ(fs::resolve(lookup, "/etc/../bin/./hello").value().get(), hello.value().get());
    EXPECT_EQ(fs::resolve(lookup, "/../../etc/motd").value()->size(), 7u);
    EXPECT_EQ(fs::resolve(lookup, "/bin/hello/x").error(), lib::Error::not_directory);
    EXPECT_EQ(fs::resolve(lookup, "/bin/hello/").error(), lib::Error::not_directory);
    EXPECT_EQ(fs::resolve(lookup, "/nope").error(), lib::Error::not_found);
    EXPECT_EQ(fs::resolve(lookup, std::string(300, 'a').c_str()).error(), lib::Error::name_too_long);
    auto bin = fs::resolve(lookup, "/bin/");
    ASSERT_FALSE(bin.is_error());
    char path[64];
    auto length = fs::directory_path(bin.value().get(), root, path, sizeof path);
    ASSERT_FALSE(length.is_error());
    EXPECT_STREQ(path, "/bin");
}

TEST(Ramdisk, SymlinkLoopsEndWithTooManyLinks) {
    std::string archive;
    add_entry(archive, "a", 0120777, "b");
    add_entry(archive, "b", 0120777, "a");
    add_entry(archive, "TRAILER!!!", 0, "");
    Root tree;
    ASSERT_FALSE(fs::unpack_cpio(*tree.root(), reinterpret_cast<const uint8_t*>(archive.data()), archive.size()).is_error());
    fs::Lookup lookup{tree.root(), tree.root(), true};
    EXPECT_EQ(fs::resolve(lookup, "/a").error(), lib::Error::too_many_links);
}

}  // namespace
