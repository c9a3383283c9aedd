#include "fs/tmpfs/tmpfs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fs/vfs/path.h"
#include "mm/memory_object.h"
#include "mm/test_physical.h"

namespace {

using fs::Vnode;
using fs::VnodeReference;

class TmpfsTest : public ::testing::Test {
protected:
    void SetUp() override {
        frames_ = mm::test::frames_in_use();
        tmpfs_ = fs::Tmpfs::create(0755).value();
    }
    void TearDown() override {
        lib::destroy(tmpfs_);
        EXPECT_EQ(mm::test::frames_in_use(), frames_);
    }
    Vnode* root() { return tmpfs_->root(); }
    VnodeReference make(Vnode* directory, const char* name, uint32_t mode) {
        return VnodeReference::adopt(directory->create(name, mode, 0).value());
    }
    lib::ErrorOr<VnodeReference> find(const char* path) {
        return fs::resolve(fs::Lookup{root(), root(), true}, path);
    }
    std::vector<std::string> names(Vnode* directory) {
        std::vector<std::string> result;
        fs::DirectoryEntry entry;
        for (uint64_t cookie = 0; directory->read_entry(cookie, entry).value(); cookie = entry.next_cookie)
            result.emplace_back(entry.name.data, entry.name.length);
        return result;
    }

    fs::Tmpfs* tmpfs_ = nullptr;
    int64_t frames_ = 0;
};

TEST_F(TmpfsTest, DirectoriesCountLinksAndRefuseToBeRemovedWhenFull) {
    VnodeReference a = make(root(), "a", fs::type_directory | 0755);
    EXPECT_EQ(root()->links, 3u);
    EXPECT_EQ(a->links, 2u);
    make(a.get(), "f", fs::type_regular | 0644);
    EXPECT_EQ(root()->unlink("a", true).error(), lib::Error::not_empty);
    EXPECT_EQ(root()->unlink("a", false).error(), lib::Error::is_directory);
    EXPECT_EQ(a->unlink("f", true).error(), lib::Error::not_directory);
    EXPECT_EQ(root()->create("a", fs::type_regular, 0).error(), lib::Error::exists);
    ASSERT_FALSE(a->unlink("f", false).is_error());
    ASSERT_FALSE(root()->unlink("a", true).is_error());
    EXPECT_EQ(root()->links, 2u);
    // The removed directory still works for who holds it, but is empty and closed to new names.
    EXPECT_EQ(a->links, 0u);
    EXPECT_EQ(a->create("g", fs::type_regular, 0).error(), lib::Error::not_found);
    EXPECT_TRUE(names(a.get()).empty());
}

TEST_F(TmpfsTest, UnlinkedFileLivesWhileReferenced) {
    VnodeReference file = make(root(), "f", fs::type_regular | 0644);
    ASSERT_FALSE(file->memory_object().value()->write(0, "hello", 5).is_error());
    ASSERT_FALSE(root()->link("g", *file).is_error());
    EXPECT_EQ(file->links, 2u);
    ASSERT_FALSE(root()->unlink("f", false).is_error());
    ASSERT_FALSE(root()->unlink("g", false).is_error());
    EXPECT_EQ(file->links, 0u);
    char back[5];
    ASSERT_FALSE(file->memory_object().value()->read(0, back, 5).is_error());
    EXPECT_EQ(std::string(back, 5), "hello");
    EXPECT_EQ(find("/f").error(), lib::Error::not_found);
}

TEST_F(TmpfsTest, RenameMovesReplacesAndExchanges) {
    VnodeReference a = make(root(), "a", fs::type_directory | 0755);
    VnodeReference b = make(root(), "b", fs::type_directory | 0755);
    VnodeReference x = make(a.get(), "x", fs::type_regular | 0644);
    VnodeReference y = make(b.get(), "y", fs::type_regular | 0644);
    ASSERT_FALSE(a->rename("x", *b, "y", 0).is_error());  // replaces y
    EXPECT_EQ(y->links, 0u);
    EXPECT_EQ(x->links, 1u);
    EXPECT_EQ(find("/b/y").value().get(), x.get());
    EXPECT_EQ(find("/a/x").error(), lib::Error::not_found);
    // A directory cannot go below itself; moving it changes link counts.
    EXPECT_EQ(root()->rename("a", *a, "inside", 0).error(), lib::Error::invalid_argument);
    ASSERT_FALSE(root()->rename("a", *b, "a2", 0).is_error());
    EXPECT_EQ(root()->links, 3u);
    EXPECT_EQ(b->links, 3u);
    EXPECT_EQ(a->parent, b.get());
    char path[64];
    ASSERT_FALSE(fs::directory_path(a.get(), root(), path, sizeof path).is_error());
    EXPECT_STREQ(path, "/b/a2");
    make(root(), "c", fs::type_regular | 0644);
    EXPECT_EQ(root()->rename("c", *root(), "b", fs::rename_noreplace).error(), lib::Error::exists);
    EXPECT_EQ(root()->rename("c", *root(), "b", 0).error(), lib::Error::is_directory);
    ASSERT_FALSE(root()->rename("c", *root(), "b", fs::rename_exchange).is_error());
    EXPECT_TRUE(find("/c").value()->is_directory());
    EXPECT_TRUE(find("/b").value()->is_regular());
    EXPECT_EQ(find("/c/a2").value().get(), a.get());
}

TEST_F(TmpfsTest, DirectoryCookiesSurviveChanges) {
    for (const char* name : {"one", "two", "three"}) make(root(), name, fs::type_regular | 0644);
    fs::DirectoryEntry entry;
    ASSERT_TRUE(root()->read_entry(0, entry).value());
    ASSERT_TRUE(root()->read_entry(entry.next_cookie, entry).value());  // ".."
    ASSERT_TRUE(root()->read_entry(entry.next_cookie, entry).value());
    EXPECT_EQ(std::string(entry.name.data, entry.name.length), "one");
    uint64_t resume = entry.next_cookie;
    ASSERT_FALSE(root()->unlink("one", false).is_error());
    ASSERT_FALSE(root()->unlink("two", false).is_error());
    make(root(), "four", fs::type_regular | 0644);
    ASSERT_TRUE(root()->read_entry(resume, entry).value());
    EXPECT_EQ(std::string(entry.name.data, entry.name.length), "three");
    EXPECT_EQ(names(root()), (std::vector<std::string>{".", "..", "three", "four"}));
}

TEST_F(TmpfsTest, SymlinksAndTrailingSlashes) {
    make(root(), "d", fs::type_directory | 0755);
    VnodeReference(VnodeReference::adopt(root()->create_symlink("l", "d").value()));
    VnodeReference(VnodeReference::adopt(root()->create_symlink("self", "self").value()));
    EXPECT_TRUE(find("/l/").value()->is_directory());
    EXPECT_EQ(find("/self").error(), lib::Error::too_many_links);
    EXPECT_EQ(fs::resolve(fs::Lookup{root(), root(), false}, "l").value()->link_target().value().length, 1u);
    auto place = fs::resolve_parent(fs::Lookup{root(), root(), true}, "/d/new/");
    ASSERT_FALSE(place.is_error());
    EXPECT_TRUE(place.value().trailing_slash);
    EXPECT_EQ(std::string(place.value().name.data, place.value().name.length), "new");
}

}  // namespace

namespace {

TEST_F(TmpfsTest, RenameSequencesKeepReferencesBalanced) {
    VnodeReference scratch = make(root(), "scratch", fs::type_directory | 0755);
    make(scratch.get(), "a", fs::type_regular | 0644);
    make(scratch.get(), "b", fs::type_regular | 0644);
    ASSERT_FALSE(scratch->rename("a", *scratch, "b", 0).is_error());
    VnodeReference d = make(scratch.get(), "d", fs::type_directory | 0755);
    ASSERT_FALSE(scratch->rename("b", *d, "b", 0).is_error());
    ASSERT_FALSE(d->rename("b", *d, "b", 0).is_error());
    ASSERT_FALSE(d->rename("b", *scratch, "back", 0).is_error());
    EXPECT_FALSE(find("/scratch/back").is_error());
    ASSERT_FALSE(scratch->unlink("back", false).is_error());
    ASSERT_FALSE(scratch->unlink("d", true).is_error());
    d.reset();
    VnodeReference a = make(scratch.get(), "a", fs::type_directory | 0755);
    make(a.get(), "sub", fs::type_directory | 0755);
    make(scratch.get(), "empty", fs::type_directory | 0755);
    VnodeReference full0 = make(scratch.get(), "full0", fs::type_directory | 0755);
    make(full0.get(), "x", fs::type_regular | 0644);
    make(scratch.get(), "file", fs::type_regular | 0644);
    VnodeReference sub = find("/scratch/a/sub").release_value();
    EXPECT_EQ(scratch->rename("a", *sub, "inside", 0).error(), lib::Error::invalid_argument);
    EXPECT_EQ(scratch->rename("a", *scratch, "full0", 0).error(), lib::Error::not_empty);
    EXPECT_EQ(scratch->rename("a", *scratch, "file", 0).error(), lib::Error::not_directory);
    EXPECT_EQ(scratch->rename("file", *scratch, "empty", 0).error(), lib::Error::is_directory);
    sub.reset();
    ASSERT_FALSE(scratch->rename("a", *scratch, "empty", 0).is_error());
    a.reset();
    EXPECT_FALSE(find("/scratch/empty/sub").is_error());
    EXPECT_FALSE(find("/scratch/empty/sub").is_error());
    VnodeReference full = make(scratch.get(), "full", fs::type_directory | 0755);
    ASSERT_FALSE(scratch->rename("empty", *full, "moved", 0).is_error());
    EXPECT_FALSE(find("/scratch/full/moved/sub").is_error());
    EXPECT_EQ(full->links, 3u);
}

}  // namespace
