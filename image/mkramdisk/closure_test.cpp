#include "closure.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "test_support.h"

namespace tessera::image {
namespace {

namespace fs = std::filesystem;
const fs::path fixture = CLOSURE_FIXTURE_DIR;

std::set<std::string> added_paths(const ClosureResult& result) {
    std::set<std::string> paths;
    for (const auto& added : result.added) paths.insert(added.image_path);
    return paths;
}

TEST(Closure, ExpandsDynamicStringTokens) {
    EXPECT_EQ(expand_dynamic_string_tokens("$ORIGIN/../lib", "/app/bin"), "/app/bin/../lib");
    EXPECT_EQ(expand_dynamic_string_tokens("${ORIGIN}/x:$ORIGINAL", "/o"), "/o/x:$ORIGINAL");
    EXPECT_EQ(expand_dynamic_string_tokens("/usr/$LIB/$PLATFORM", "/o"), "/usr/lib/x86_64-linux-gnu/x86_64");
}

// RUNPATH with $ORIGIN on the executable, RPATH with $ORIGIN on a library,
// system libraries, and the interpreter.
TEST(Closure, CopiesFixtureClosureWhereTheLoaderWillLook) {
    Ramdisk ramdisk;
    ramdisk.add_file("/app/bin/app", fixture / "bin/closure_fixture_app");
    auto result = add_shared_library_closure(ramdisk);
    EXPECT_EQ(added_paths(result), (std::set<std::string>{
                                       "app/lib/libclosure_fixture_a.so",
                                       "app/lib/private/libclosure_fixture_b.so",
                                       "lib64/ld-linux-x86-64.so.2",
                                       "lib/x86_64-linux-gnu/libc.so.6",
                                       "lib/x86_64-linux-gnu/libm.so.6",
                                   }));
    EXPECT_TRUE(result.warnings.empty());
    // Copies are regular files with the real contents (symlinks followed).
    const Entry* libc = ramdisk.find("/lib/x86_64-linux-gnu/libc.so.6");
    ASSERT_NE(libc, nullptr);
    EXPECT_EQ(libc->kind, EntryKind::file);
    EXPECT_EQ(fs::file_size(libc->source), fs::file_size(fs::canonical("/lib/x86_64-linux-gnu/libc.so.6")));
    // A second pass finds everything in place.
    EXPECT_TRUE(add_shared_library_closure(ramdisk).added.empty());
}

TEST(Closure, PrefersLibrariesAlreadyInTheImage) {
    Ramdisk ramdisk;
    ramdisk.add_tree(fixture, "/app");
    ramdisk.add_symlink("/app/lib/liblink.so", "libclosure_fixture_a.so");
    auto paths = added_paths(add_shared_library_closure(ramdisk));
    EXPECT_FALSE(paths.contains("app/lib/libclosure_fixture_a.so"));
    EXPECT_FALSE(paths.contains("app/lib/private/libclosure_fixture_b.so"));
    EXPECT_TRUE(paths.contains("lib/x86_64-linux-gnu/libm.so.6"));  // libb's need, found through the image copy
}

TEST(Closure, NamesWhatIsMissing) {
    test::TemporaryDirectory empty_root;
    Ramdisk ramdisk;
    ramdisk.add_file("/bin/app", fixture / "bin/closure_fixture_app");
    ClosureOptions options;
    options.host_root = empty_root.path();
    try {
        add_shared_library_closure(ramdisk, options);
        FAIL() << "no error for a missing interpreter";
    } catch (const RamdiskError& error) {
        EXPECT_NE(std::string(error.what()).find("ld-linux-x86-64.so.2"), std::string::npos) << error.what();
    }
    // Interpreter present, but the executable moved away from its $ORIGIN/../lib.
    Ramdisk moved;
    moved.add_text("/lib64/ld-linux-x86-64.so.2", test::read_file("/lib64/ld-linux-x86-64.so.2"));
    moved.add_text("/bin/app", test::read_file(fixture / "bin/closure_fixture_app"));
    try {
        add_shared_library_closure(moved, options);
        FAIL() << "no error for a missing library";
    } catch (const RamdiskError& error) {
        EXPECT_NE(std::string(error.what()).find("libclosure_fixture_a.so"), std::string::npos) << error.what();
    }
}

TEST(Closure, StaticProgramsNeedNothing) {
    Ramdisk ramdisk;
    ramdisk.add_file("/bin/busybox", "/bin/busybox");
    EXPECT_TRUE(add_shared_library_closure(ramdisk).added.empty());
}

// glibc's own loader is the oracle: `ldd` lists what the closure must hold.
TEST(Closure, MatchesLddForDebianBinaries) {
    for (const char* program : {"/usr/bin/ls", "/usr/bin/qemu-system-x86_64", "/usr/bin/cmake"}) {
        int status = -1;
        std::string listing = test::run(std::string("ldd ") + program + " 2>&1", &status);
        ASSERT_EQ(status, 0) << listing;
        std::set<std::string> expected;
        std::regex library(R"(\t(\S+) => (\S+))");
        for (std::sregex_iterator it(listing.begin(), listing.end(), library), end; it != end; ++it) {
            expected.insert((*it)[1]);
        }
        Ramdisk ramdisk;
        ramdisk.add_file("/bin/program", program);
        auto result = add_shared_library_closure(ramdisk);
        std::set<std::string> actual;
        for (const auto& added : result.added) {
            std::string name = fs::path(added.image_path).filename();
            if (name != "ld-linux-x86-64.so.2") actual.insert(name);
        }
        EXPECT_EQ(actual, expected) << program;
        EXPECT_GT(actual.size(), 1u);
    }
}

// The command line end to end: --add, --text, --closure, then --list.
TEST(Closure, CommandLinePacksAndLists) {
    test::TemporaryDirectory temp;
    std::string tool = MKRAMDISK_PATH;
    int status = -1;
    std::string output = test::run(tool + " -o '" + (temp / "out.cpio").string() +
                                       "' --add /app/bin/app=" + (fixture / "bin/closure_fixture_app").string() +
                                       " --text /etc/motd=hello --closure 2>&1",
                                   &status);
    ASSERT_EQ(status, 0) << output;
    std::string listing = test::run(tool + " --list '" + (temp / "out.cpio").string() + "'", &status);
    ASSERT_EQ(status, 0);
    EXPECT_NE(listing.find(" app/lib/private/libclosure_fixture_b.so\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find(" lib64/ld-linux-x86-64.so.2\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find("-0644 0/0          5 etc/motd\n"), std::string::npos) << listing;
    EXPECT_FALSE(fs::exists(temp / "out.cpio.partial"));
    output = test::run(tool + " -o '" + (temp / "bad.cpio").string() + "' --add /x=/nonexistent 2>&1", &status);
    EXPECT_EQ(status, 1);
    EXPECT_NE(output.find("/nonexistent"), std::string::npos) << output;
    EXPECT_FALSE(fs::exists(temp / "bad.cpio"));
}

}  // namespace
}  // namespace tessera::image
