#include "kernel/file_system_test_support.h"

#include "fs/overlay/overlay.h"

#include <map>

namespace {

using kernel::RefPtr;
using kernel::overlay::OverlayFileSystem;
using kernel::overlay::OverlayInode;
using kernel::vfs::AttributeChange;
using kernel::vfs::Inode;
using kernel::vfs::IoBuffer;
using kernel::vfs::NodeType;
using kernel_test::attributes_of;
using kernel_test::inode_number;
using kernel_test::list;
using kernel_test::read_text;
using kernel_test::TmpfsHost;
using kernel_test::value_of;
using kernel_test::write_text;

using Names = std::vector<std::string>;

// A tmpfs stands in for the image's read-only lower layer: /etc/conf, /etc/deep/er/file,
// /lib/a, /lib/b, /empty, /link -> etc/conf. The tests check it never changes.
class OverlayTest : public ::testing::Test {
protected:
    OverlayTest() {
        auto root = lower.file_system->root();
        auto etc = value_of(root->create("etc", NodeType::Directory, 0755, 0));
        write_text(*value_of(etc->create("conf", NodeType::Regular, 0640, 0)), 0, "original");
        auto deep = value_of(etc->create("deep", NodeType::Directory, 0700, 0));
        auto er = value_of(deep->create("er", NodeType::Directory, 0750, 0));
        write_text(*value_of(er->create("file", NodeType::Regular, 0600, 0)), 0, "deep");
        auto lib = value_of(root->create("lib", NodeType::Directory, 0755, 0));
        value_of(lib->create("a", NodeType::Regular, 0644, 0));
        value_of(lib->create("b", NodeType::Regular, 0644, 0));
        value_of(root->create("empty", NodeType::Directory, 0755, 0));
        value_of(root->create_symlink("link", "etc/conf"));
        overlay = OverlayFileSystem::create(lower.file_system, upper.file_system);
    }
    ~OverlayTest() override { overlay = nullptr; }

    RefPtr<Inode> at(Inode& directory, const char* name) {
        return value_of(directory.lookup(name));
    }
    RefPtr<Inode> root() { return overlay->root(); }
    RefPtr<Inode> lower_at(const char* first, const char* second = nullptr) {
        auto inode = value_of(lower.file_system->root()->lookup(first));
        return second ? value_of(inode->lookup(second)) : inode;
    }
    bool upper_has(const char* first, const char* second = nullptr) {
        auto inode = upper.file_system->root()->lookup(first);
        if (inode.is_error() || !second)
            return !inode.is_error();
        return !inode.value()->lookup(second).is_error();
    }

    TmpfsHost lower;
    TmpfsHost upper;
    RefPtr<OverlayFileSystem> overlay;
};

TEST_F(OverlayTest, ReadsTheLowerLayerUntilSomethingChanges) {
    ASSERT_TRUE(overlay);
    EXPECT_EQ(list(*root()), (Names{".", "..", "etc", "lib", "empty", "link"}));
    auto conf = at(*at(*root(), "etc"), "conf");
    EXPECT_EQ(read_text(*conf), "original");
    EXPECT_EQ(attributes_of(*conf).mode, 0100640u);
    EXPECT_EQ(inode_number(*conf), inode_number(*lower_at("etc", "conf")));
    EXPECT_FALSE(upper_has("etc"));
    char target[16];
    EXPECT_EQ(value_of(at(*root(), "link")->read_link(target, sizeof target)), 8u);
    EXPECT_EQ(&conf->file_system(), overlay.get());
    EXPECT_ERRNO(root()->lookup("missing"), ENOENT);
    kernel::vfs::FileSystemStatistics statistics;
    ASSERT_OK(overlay->statistics(statistics));
    EXPECT_EQ(statistics.type, kernel::overlay::overlay_magic);
}

TEST_F(OverlayTest, AWriteCopiesTheFileAndItsParentsUp) {
    auto conf = at(*at(*root(), "etc"), "conf");
    uint64_t number = inode_number(*conf);
    EXPECT_EQ(write_text(*conf, 0, "CHANGED!!"), 9u);
    EXPECT_EQ(read_text(*conf), "CHANGED!!");
    EXPECT_EQ(read_text(*lower_at("etc", "conf")), "original");
    EXPECT_TRUE(upper_has("etc", "conf"));
    EXPECT_EQ(attributes_of(*value_of(upper.file_system->root()->lookup("etc"))).mode, 040755u);
    // The same inode for every path to it, keeping its number across the copy-up.
    EXPECT_EQ(at(*at(*root(), "etc"), "conf").get(), conf.get());
    EXPECT_EQ(inode_number(*conf), number);
    EXPECT_EQ(attributes_of(*conf).mode, 0100640u);

    auto deep = at(*at(*at(*at(*root(), "etc"), "deep"), "er"), "file");
    AttributeChange change;
    change.fields = AttributeChange::Mode;
    change.mode = 0444;
    ASSERT_OK(deep->change_attributes(change));
    EXPECT_EQ(read_text(*deep), "deep");
    EXPECT_EQ(attributes_of(*deep).mode, 0100444u);
    EXPECT_EQ(attributes_of(*lower_at("etc", "deep")).mode, 040700u);
    auto upper_deep = value_of(value_of(upper.file_system->root()->lookup("etc"))->lookup("deep"));
    EXPECT_EQ(attributes_of(*upper_deep).mode, 040700u);
}

TEST_F(OverlayTest, TruncatingToNothingSkipsTheCopy) {
    auto conf = at(*at(*root(), "etc"), "conf");
    AttributeChange change;
    change.fields = AttributeChange::Size;
    change.size = 0;
    ASSERT_OK(conf->change_attributes(change));
    EXPECT_EQ(read_text(*conf), "");
    EXPECT_EQ(read_text(*lower_at("etc", "conf")), "original");
    change.size = 3;
    ASSERT_OK(conf->change_attributes(change));
    EXPECT_EQ(read_text(*conf), std::string(3, '\0'));
}

TEST_F(OverlayTest, RemovingALowerEntryLeavesAWhiteout) {
    auto lib = at(*root(), "lib");
    ASSERT_OK(lib->remove("a", false));
    EXPECT_ERRNO(lib->lookup("a"), ENOENT);
    EXPECT_EQ(list(*lib), (Names{".", "..", "b"}));
    EXPECT_TRUE(kernel::overlay::is_whiteout(
        *value_of(value_of(upper.file_system->root()->lookup("lib"))->lookup("a"))));
    EXPECT_EQ(lower_at("lib", "a")->type(), NodeType::Regular);
    EXPECT_ERRNO(lib->remove("a", false), ENOENT);
    // A new file of that name hides nothing: it is new.
    auto again = value_of(lib->create("a", NodeType::Regular, 0600, 0));
    EXPECT_EQ(read_text(*again), "");
    EXPECT_EQ(list(*lib), (Names{".", "..", "a", "b"}));
    EXPECT_NE(inode_number(*again), inode_number(*lower_at("lib", "a")));
}

TEST_F(OverlayTest, RemovingACopiedUpFileHidesTheLowerOneToo) {
    write_text(*at(*at(*root(), "lib"), "a"), 0, "copied");
    // No overlay inode for it lives now: the upper copy is all a lookup sees.
    auto lib = at(*root(), "lib");
    ASSERT_OK(lib->remove("a", false));
    EXPECT_ERRNO(lib->lookup("a"), ENOENT);
    EXPECT_EQ(list(*lib), (Names{".", "..", "b"}));
}

TEST_F(OverlayTest, ADirectoryMadeOverARemovedOneIsOpaque) {
    auto lib = at(*root(), "lib");
    EXPECT_ERRNO(root()->remove("lib", true), ENOTEMPTY);
    ASSERT_OK(lib->remove("a", false));
    ASSERT_OK(lib->remove("b", false));
    EXPECT_EQ(list(*lib), (Names{".", ".."}));
    ASSERT_OK(root()->remove("lib", true));
    EXPECT_ERRNO(root()->lookup("lib"), ENOENT);
    auto made = value_of(root()->create("lib", NodeType::Directory, 0700, 0));
    EXPECT_EQ(list(*made), (Names{".", ".."}));
    EXPECT_ERRNO(made->lookup("a"), ENOENT);
    EXPECT_EQ(list(*lower_at("lib")), (Names{".", "..", "a", "b"}));
    EXPECT_ERRNO(root()->remove("etc", false), EISDIR);
    EXPECT_ERRNO(at(*root(), "etc")->remove("conf", true), ENOTDIR);
}

TEST_F(OverlayTest, MergedListingsResumeAtTheirCookie) {
    auto lib = at(*root(), "lib");
    value_of(lib->create("c", NodeType::Regular, 0644, 0));
    write_text(*at(*lib, "a"), 0, "copied");
    EXPECT_EQ(list(*lib), (Names{".", "..", "c", "a", "b"}));
    struct OneAtATime final : kernel::vfs::DirectoryVisitor {
        bool visit(const kernel::vfs::DirectoryEntry& entry) override {
            if (taken)
                return false;
            name.assign(entry.name.data, entry.name.length);
            taken = true;
            return true;
        }
        std::string name;
        bool taken = false;
    };
    uint64_t cookie = 0;
    Names names;
    for (;;) {
        OneAtATime one;
        ASSERT_OK(lib->read_directory(cookie, one));
        if (!one.taken)
            break;
        names.push_back(one.name);
        ASSERT_LT(names.size(), 10u);
    }
    EXPECT_EQ(names, (Names{".", "..", "c", "a", "b"}));
}

TEST_F(OverlayTest, RenamingALowerDirectoryMovesItsWholeTree) {
    uint64_t number = inode_number(*at(*root(), "etc"));
    ASSERT_OK(at(*root(), "lib")->remove("a", false));
    ASSERT_OK(root()->rename("etc", *root(), "etc2", 0));
    ASSERT_OK(root()->rename("lib", *root(), "lib2", 0));
    EXPECT_ERRNO(root()->lookup("etc"), ENOENT);
    EXPECT_ERRNO(root()->lookup("lib"), ENOENT);
    auto moved = at(*root(), "etc2");
    EXPECT_EQ(inode_number(*moved), number);
    EXPECT_EQ(list(*moved), (Names{".", "..", "conf", "deep"}));
    EXPECT_EQ(read_text(*at(*moved, "conf")), "original");
    EXPECT_EQ(read_text(*at(*at(*at(*moved, "deep"), "er"), "file")), "deep");
    // A removed entry stays removed, and the image is untouched.
    EXPECT_EQ(list(*at(*root(), "lib2")), (Names{".", "..", "b"}));
    EXPECT_EQ(read_text(*lower_at("etc", "conf")), "original");
    // (lib went up first, when "a" was removed.)
    EXPECT_EQ(list(*root()), (Names{".", "..", "lib2", "etc2", "empty", "link"}));
    // Not into itself; and back again.
    EXPECT_ERRNO(root()->rename("etc2", *at(*moved, "deep"), "x", 0), EINVAL);
    ASSERT_OK(root()->rename("etc2", *root(), "etc", 0));
    EXPECT_EQ(list(*at(*root(), "etc")), (Names{".", "..", "conf", "deep"}));
}

TEST_F(OverlayTest, CopiedUpEntriesListTheNumberStatGives) {
    auto etc = at(*root(), "etc");
    write_text(*at(*etc, "conf"), 0, "changed");
    value_of(etc->create("new", NodeType::Regular, 0644, 0));
    struct Numbers final : kernel::vfs::DirectoryVisitor {
        bool visit(const kernel::vfs::DirectoryEntry& entry) override {
            numbers[std::string(entry.name.data, entry.name.length)] = entry.inode;
            return true;
        }
        std::map<std::string, uint64_t> numbers;
    };
    for (auto directory : {root(), etc}) {
        Numbers listed;
        uint64_t cookie = 0;
        ASSERT_OK(directory->read_directory(cookie, listed));
        for (auto& [name, number] : listed.numbers)
            if (name != "." && name != "..") {
                EXPECT_EQ(number, inode_number(*at(*directory, name.c_str()))) << name;
            }
    }
    // Still so once nothing holds the copied-up inode (a fresh lookup finds only the copy).
    uint64_t lower_number = inode_number(*lower_at("etc", "conf"));
    etc = nullptr;
    EXPECT_EQ(inode_number(*at(*at(*root(), "etc"), "conf")), lower_number);
}

TEST_F(OverlayTest, RenamingALowerFileCopiesItUp) {
    auto lib = at(*root(), "lib");
    auto etc = at(*root(), "etc");
    ASSERT_OK(at(*etc, "conf")->change_attributes({}));
    ASSERT_OK(etc->rename("conf", *lib, "moved", 0));
    EXPECT_ERRNO(etc->lookup("conf"), ENOENT);
    EXPECT_EQ(read_text(*at(*lib, "moved")), "original");
    EXPECT_EQ(list(*etc), (Names{".", "..", "deep"}));
    EXPECT_EQ(read_text(*lower_at("etc", "conf")), "original");
    // Over an existing lower file, and refusing what Linux refuses.
    ASSERT_OK(lib->rename("moved", *lib, "a", 0));
    EXPECT_EQ(read_text(*at(*lib, "a")), "original");
    EXPECT_EQ(list(*lib), (Names{".", "..", "a", "b"}));
    EXPECT_ERRNO(lib->rename("a", *root(), "empty", 0), EISDIR);
    EXPECT_ERRNO(lib->rename("a", *lib, "b", kernel::vfs::rename_noreplace), EEXIST);
    EXPECT_ERRNO(lib->rename("missing", *lib, "x", 0), ENOENT);
    // A directory only the upper layer has moves.
    auto fresh = value_of(root()->create("fresh", NodeType::Directory, 0755, 0));
    value_of(fresh->create("inside", NodeType::Regular, 0644, 0));
    ASSERT_OK(root()->rename("fresh", *lib, "moved_dir", 0));
    EXPECT_EQ(list(*at(*lib, "moved_dir")), (Names{".", "..", "inside"}));
    EXPECT_ERRNO(root()->lookup("fresh"), ENOENT);
}

TEST_F(OverlayTest, LinksAndSymlinksGoToTheUpperLayer) {
    auto lib = at(*root(), "lib");
    ASSERT_OK(lib->link("hard", *at(*lib, "b")));
    EXPECT_EQ(attributes_of(*at(*lib, "hard")).link_count, 2u);
    EXPECT_ERRNO(lib->link("b", *at(*lib, "a")), EEXIST);
    EXPECT_ERRNO(lib->link("d", *at(*root(), "etc")), EPERM);
    auto link = value_of(lib->create_symlink("soft", "../etc"));
    char target[16];
    EXPECT_EQ(value_of(link->read_link(target, sizeof target)), 6u);
    EXPECT_ERRNO(lib->create_symlink("a", "x"), EEXIST);
    EXPECT_ERRNO(lib->create("b", NodeType::Regular, 0644, 0), EEXIST);
    // A lower symlink copied up keeps its target.
    AttributeChange change;
    ASSERT_OK(at(*root(), "link")->change_attributes(change));
    EXPECT_EQ(value_of(at(*root(), "link")->read_link(target, sizeof target)), 8u);
    EXPECT_EQ(std::string(target, 8), "etc/conf");
}

TEST_F(OverlayTest, AWritableMappingCopiesUpFirst) {
    auto conf = at(*at(*root(), "etc"), "conf");
    auto lower_frame = value_of(conf->page(0, false));
    EXPECT_EQ(lower_frame, value_of(lower_at("etc", "conf")->page(0, false)));
    auto upper_frame = value_of(conf->page(0, true));
    ASSERT_TRUE(upper_has("etc", "conf"));
    auto upper_conf = value_of(value_of(upper.file_system->root()->lookup("etc"))->lookup("conf"));
    EXPECT_EQ(upper_frame, value_of(upper_conf->page(0, false)));
    EXPECT_EQ(std::string(reinterpret_cast<char*>(upper.allocator.to_virtual(upper_frame)), 8),
              "original");
}

} // namespace
