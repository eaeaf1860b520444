#include "kernel/file_system_test_support.h"

namespace {

using kernel::RefPtr;
using kernel::StringView;
using kernel::vfs::FileTree;
using kernel::vfs::Inode;
using kernel::vfs::LastComponent;
using kernel::vfs::Location;
using kernel::vfs::NodeType;
using kernel::vfs::WalkResult;
using kernel_test::attributes_of;
using kernel_test::TmpfsHost;
using kernel_test::value_of;
using kernel_test::view;

// "/" is a tmpfs with /dir/sub, /dir/file, /file and links; a second tmpfs is on /mnt.
class PathWalkTest : public ::testing::Test {
protected:
    PathWalkTest() {
        auto mounted_host = std::make_unique<TmpfsHost>();
        mounted = std::move(mounted_host);
        EXPECT_EQ(kernel_test::outcome(tree.mount(host.file_system, "/")), "OK");
        auto root = host.file_system->root();
        directory = value_of(root->create("dir", NodeType::Directory, 0755, 0));
        sub = value_of(directory->create("sub", NodeType::Directory, 0755, 0));
        file = value_of(directory->create("file", NodeType::Regular, 0644, 0));
        value_of(root->create("file", NodeType::Regular, 0644, 0));
        value_of(root->create("mnt", NodeType::Directory, 0755, 0));
        EXPECT_EQ(kernel_test::outcome(tree.mount(mounted->file_system, "/mnt")), "OK");
        value_of(mounted->file_system->root()->create("inside", NodeType::Directory, 0755, 0));
    }
    ~PathWalkTest() override { directory = sub = file = nullptr; }

    Inode* resolve(const std::string& path, bool follow = true, Location* base = nullptr) {
        auto result = tree.resolve_at(base, view(path), follow);
        if (result.is_error())
            return nullptr;
        return &result.value()->inode();
    }
    std::string error(const std::string& path, bool follow = true, Location* base = nullptr) {
        return kernel_test::outcome(tree.resolve_at(base, view(path), follow));
    }
    void symlink(Inode& directory_inode, const char* name, const std::string& target) {
        value_of(directory_inode.create_symlink(name, view(target)));
    }

    TmpfsHost host;
    std::unique_ptr<TmpfsHost> mounted;
    FileTree tree;
    RefPtr<Inode> directory, sub, file;
};

TEST_F(PathWalkTest, AbsoluteRelativeDotAndDotDot) {
    EXPECT_EQ(resolve("/dir/sub"), sub.get());
    EXPECT_EQ(resolve("//dir///sub//"), sub.get());
    EXPECT_EQ(resolve("/dir/./sub/../sub/."), sub.get());
    EXPECT_EQ(resolve("/"), host.file_system->root().get());
    EXPECT_EQ(resolve("/.."), host.file_system->root().get());
    EXPECT_EQ(resolve("/../../dir"), directory.get());
    EXPECT_EQ(resolve("dir/file"), file.get()); // from the working directory, "/"
    tree.set_working_directory(value_of(tree.resolve_at(nullptr, "/dir/sub", true)));
    EXPECT_EQ(resolve(".."), directory.get());
    EXPECT_EQ(resolve("../file"), file.get());
    EXPECT_EQ(resolve("."), sub.get());
    EXPECT_EQ(error(""), "ENOENT");
    EXPECT_EQ(error("missing"), "ENOENT");
    EXPECT_EQ(error("/dir/missing/x"), "ENOENT");
}

TEST_F(PathWalkTest, RelativeToADirectoryLocation) {
    auto base = value_of(tree.resolve_at(nullptr, "/dir", true));
    EXPECT_EQ(resolve("sub", true, base.get()), sub.get());
    EXPECT_EQ(resolve("..", true, base.get()), host.file_system->root().get());
    EXPECT_EQ(resolve("/mnt", true, base.get()), mounted->file_system->root().get());
}

TEST_F(PathWalkTest, MountPointsAreCrossedBothWays) {
    auto mounted_root = mounted->file_system->root();
    EXPECT_EQ(resolve("/mnt"), mounted_root.get());
    EXPECT_EQ(resolve("/mnt/inside/.."), mounted_root.get());
    EXPECT_EQ(resolve("/mnt/.."), host.file_system->root().get());
    EXPECT_EQ(resolve("/mnt/inside/../../dir"), directory.get());
    auto inside = value_of(tree.resolve_at(nullptr, "/mnt/inside", true));
    EXPECT_EQ(resolve("../../dir/sub", true, inside.get()), sub.get());
    // Each mounted file system has its own st_dev.
    EXPECT_NE(host.file_system->device_id(), 0u);
    EXPECT_NE(mounted->file_system->device_id(), 0u);
    EXPECT_NE(host.file_system->device_id(), mounted->file_system->device_id());
    auto covered = value_of(host.file_system->root()->lookup("mnt"));
    EXPECT_TRUE(tree.is_mount_point(*covered));
    EXPECT_FALSE(tree.is_mount_point(*directory));
    EXPECT_ERRNO(tree.mount(host.file_system, "/"), EBUSY);
    EXPECT_ERRNO(tree.mount(host.file_system, "/dir/file"), ENOTDIR);
    EXPECT_ERRNO(tree.mount(host.file_system, "relative"), EINVAL);
}

TEST_F(PathWalkTest, SymbolicLinksAbsoluteAndRelative) {
    symlink(*directory, "to_sub", "sub");
    symlink(*directory, "to_mnt", "/mnt/inside");
    symlink(*directory, "up", "../dir/./sub/..");
    symlink(*directory, "chain", "to_sub");
    symlink(*directory, "dangling", "nowhere");
    symlink(*directory, "empty", "");
    symlink(*sub, "back", "..");
    EXPECT_EQ(resolve("/dir/to_sub"), sub.get());
    EXPECT_EQ(resolve("/dir/chain/back/file"), file.get());
    EXPECT_EQ(resolve("/dir/to_mnt/.."), mounted->file_system->root().get());
    EXPECT_EQ(resolve("/dir/up/file"), file.get());
    EXPECT_EQ(error("/dir/dangling"), "ENOENT");
    EXPECT_EQ(error("/dir/empty"), "ENOENT");
    // Without following the last link: the link itself (O_NOFOLLOW, lstat).
    Inode* link = resolve("/dir/to_sub", false);
    ASSERT_NE(link, nullptr);
    EXPECT_EQ(link->type(), NodeType::Symlink);
    EXPECT_EQ(resolve("/dir/dangling", false)->type(), NodeType::Symlink);
    // A trailing slash follows the last link anyway.
    EXPECT_EQ(resolve("/dir/to_sub/", false), sub.get());
    // ".." after a link is the parent of where the link led.
    EXPECT_EQ(resolve("/dir/to_mnt/../.."), host.file_system->root().get());
}

TEST_F(PathWalkTest, FortyLinksAreFollowedNotFortyOne) {
    // l40 -> file, l39 -> l40, ..., l0 -> l1: l0 takes 41 steps, l1 takes 40.
    symlink(*directory, "l40", "file");
    for (int i = 39; i >= 0; --i)
        symlink(*directory, ("l" + std::to_string(i)).c_str(), "l" + std::to_string(i + 1));
    EXPECT_EQ(resolve("/dir/l1"), file.get());
    EXPECT_EQ(error("/dir/l0"), "ELOOP");
    symlink(*directory, "self", "self");
    symlink(*directory, "ping", "pong");
    symlink(*directory, "pong", "ping");
    EXPECT_EQ(error("/dir/self"), "ELOOP");
    EXPECT_EQ(error("/dir/ping/x"), "ELOOP");
    EXPECT_EQ(resolve("/dir/self", false)->type(), NodeType::Symlink);
}

TEST_F(PathWalkTest, NameAndPathLengthLimits) {
    std::string longest(255, 'n');
    EXPECT_EQ(error("/dir/" + longest), "ENOENT");
    EXPECT_EQ(error("/dir/" + longest + "n"), "ENAMETOOLONG");
    std::string path = "/dir";
    while (path.size() + 2 <= 4094)
        path += "/.";
    while (path.size() < 4095)
        path += "/";
    EXPECT_EQ(resolve(path), directory.get());
    EXPECT_EQ(error(path + "/"), "ENAMETOOLONG");
    // A link's own target counts against PATH_MAX; what the walk builds from it does not.
    std::string long_target = "/dir/";
    while (long_target.size() < 4000)
        long_target += "./";
    long_target += "sub";
    symlink(*directory, "long", long_target);
    std::string longer_target = "long/";
    while (longer_target.size() < 4000)
        longer_target += "./";
    symlink(*directory, "longer", longer_target);
    EXPECT_EQ(resolve("/dir/longer"), sub.get());
}

TEST_F(PathWalkTest, NotADirectoryAndTrailingSlashes) {
    EXPECT_EQ(error("/dir/file/x"), "ENOTDIR");
    EXPECT_EQ(error("/dir/file/"), "ENOTDIR");
    EXPECT_EQ(error("/dir/file/."), "ENOTDIR");
    EXPECT_EQ(error("/dir/file/.."), "ENOTDIR");
    EXPECT_EQ(resolve("/dir/sub/"), sub.get());
    symlink(*directory, "to_file", "file");
    EXPECT_EQ(error("/dir/to_file/"), "ENOTDIR");
    EXPECT_EQ(error("/dir/to_file/", false), "ENOTDIR");
    EXPECT_EQ(resolve("/dir/to_file", false)->type(), NodeType::Symlink);
}

TEST_F(PathWalkTest, ParentWalkNamesTheLastComponent) {
    WalkResult result;
    ASSERT_OK(tree.resolve_parent_at(nullptr, "/dir/new", result));
    EXPECT_EQ(&result.parent->inode(), directory.get());
    EXPECT_EQ(std::string(result.name), "new");
    EXPECT_EQ(result.last, LastComponent::Normal);
    EXPECT_FALSE(result.trailing_slash);
    EXPECT_FALSE(result.target);

    WalkResult slashed;
    ASSERT_OK(tree.resolve_parent_at(nullptr, "/dir/sub//", slashed));
    EXPECT_EQ(std::string(slashed.name), "sub");
    EXPECT_TRUE(slashed.trailing_slash);

    WalkResult dot;
    ASSERT_OK(tree.resolve_parent_at(nullptr, "/dir/.", dot));
    EXPECT_EQ(dot.last, LastComponent::Dot);
    WalkResult dot_dot;
    ASSERT_OK(tree.resolve_parent_at(nullptr, "/dir/..", dot_dot));
    EXPECT_EQ(dot_dot.last, LastComponent::DotDot);
    WalkResult root;
    ASSERT_OK(tree.resolve_parent_at(nullptr, "///", root));
    EXPECT_EQ(root.last, LastComponent::Root);

    // The last component is not followed even when a link; earlier ones are.
    symlink(*directory, "to_sub", "sub");
    WalkResult link;
    ASSERT_OK(tree.resolve_parent_at(nullptr, "/dir/to_sub/x", link));
    EXPECT_EQ(&link.parent->inode(), sub.get());
    WalkResult itself;
    ASSERT_OK(tree.resolve_parent_at(nullptr, "/dir/to_sub", itself));
    EXPECT_EQ(&itself.parent->inode(), directory.get());
    EXPECT_EQ(std::string(itself.name), "to_sub");

    WalkResult missing;
    EXPECT_ERRNO(tree.resolve_parent_at(nullptr, "/nowhere/x", missing), ENOENT);
    EXPECT_ERRNO(tree.resolve_parent_at(nullptr, "/dir/file/x", missing), ENOTDIR);
}

TEST_F(PathWalkTest, CreateWalkFollowsADanglingLinkToItsTarget) {
    symlink(*directory, "dangling", "sub/made");
    WalkResult result;
    ASSERT_OK(tree.resolve_for_create_at(nullptr, "/dir/dangling", true, result));
    EXPECT_FALSE(result.target);
    EXPECT_EQ(&result.parent->inode(), sub.get());
    EXPECT_EQ(std::string(result.name), "made");

    WalkResult unfollowed;
    ASSERT_OK(tree.resolve_for_create_at(nullptr, "/dir/dangling", false, unfollowed));
    ASSERT_TRUE(unfollowed.target);
    EXPECT_EQ(unfollowed.target->inode().type(), NodeType::Symlink);

    WalkResult existing;
    ASSERT_OK(tree.resolve_for_create_at(nullptr, "/dir/file", true, existing));
    EXPECT_EQ(&existing.target->inode(), file.get());

    WalkResult fresh;
    ASSERT_OK(tree.resolve_for_create_at(nullptr, "/dir/fresh/", true, fresh));
    EXPECT_FALSE(fresh.target);
    EXPECT_TRUE(fresh.trailing_slash);
}

TEST_F(PathWalkTest, LocationsNameTheirAbsolutePath) {
    auto inside = value_of(tree.resolve_at(nullptr, "/dir/../mnt/inside", true));
    char buffer[64];
    size_t length = value_of(inside->absolute_path(buffer, sizeof buffer));
    EXPECT_EQ(std::string(buffer, length), "/mnt/inside");
    EXPECT_ERRNO(inside->absolute_path(buffer, 5), ERANGE);
    auto root = value_of(tree.resolve_at(nullptr, "/mnt/..", true));
    length = value_of(root->absolute_path(buffer, sizeof buffer));
    EXPECT_EQ(std::string(buffer, length), "/");
}

TEST_F(PathWalkTest, MakeDirectoriesAndWriteFile) {
    auto made = value_of(tree.make_directories("/etc/ssl/certs", 0755));
    EXPECT_EQ(made->type(), NodeType::Directory);
    EXPECT_EQ(resolve("/etc/ssl/certs"), made.get());
    EXPECT_EQ(attributes_of(*made).mode, 040755u);
    EXPECT_EQ(value_of(tree.make_directories("/etc/ssl", 0700)).get(), resolve("/etc/ssl"));
    EXPECT_ERRNO(tree.make_directories("/dir/file/x", 0755), ENOTDIR);
    ASSERT_OK(tree.write_file("/etc/hostname", "first\n", 6, 0644));
    ASSERT_OK(tree.write_file("/etc/hostname", "two\n", 4, 0600));
    Inode* written = resolve("/etc/hostname");
    ASSERT_NE(written, nullptr);
    EXPECT_EQ(kernel_test::read_text(*written), "two\n");
    EXPECT_EQ(attributes_of(*written).mode, 0100600u);
    EXPECT_ERRNO(tree.write_file("/etc", "x", 1, 0644), EISDIR);
}

} // namespace
