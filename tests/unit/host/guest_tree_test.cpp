#include "image/guest_tree.h"

#include "host/closure_test_support.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

namespace ingot {
namespace {

using ingot_test::ScratchTree;

TEST(GuestTree, FollowsSymlinksAsTheGuestWill) {
    ScratchTree root;
    root.write_text("usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "z");
    root.symlink("usr/lib/x86_64-linux-gnu/libz.so.1", "libz.so.1.2.13");
    root.symlink("lib", "usr/lib");
    root.symlink("lib64/ld.so", "/lib/x86_64-linux-gnu/../x86_64-linux-gnu/libz.so.1");
    GuestTree tree(root.root(), {});
    auto entry = tree.find_file("/lib64/ld.so");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->guest_path, "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13");
    EXPECT_EQ(entry->host_path, root.host("usr/lib/x86_64-linux-gnu/libz.so.1.2.13"));
    ASSERT_EQ(entry->symlinks.size(), 3u);
    EXPECT_EQ(entry->symlinks[0].guest_path, "/lib64/ld.so");
    EXPECT_EQ(entry->symlinks[1].guest_path, "/lib");
    EXPECT_EQ(entry->symlinks[1].target, "usr/lib");
    EXPECT_EQ(entry->symlinks[2].guest_path, "/usr/lib/x86_64-linux-gnu/libz.so.1");
    EXPECT_TRUE(S_ISREG(entry->mode));
}

TEST(GuestTree, DotDotAfterASymlinkLeavesItsTarget) {
    ScratchTree root;
    root.write_text("real/dir/file", "x");
    root.write_text("real/other", "y");
    root.symlink("link", "real/dir");
    GuestTree tree(root.root(), {});
    auto entry = tree.find_file("/link/../other");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->guest_path, "/real/other");
    EXPECT_TRUE(tree.find_file("//link/./file"));
    EXPECT_TRUE(tree.find_file("/../../link/file")); // ".." at the root stays there
}

TEST(GuestTree, MissingLoopsAndNonDirectoriesAreNothing) {
    ScratchTree root;
    root.write_text("file", "x");
    root.symlink("a", "b");
    root.symlink("b", "a");
    root.symlink("self", "self");
    root.symlink("dangling", "/nowhere");
    GuestTree tree(root.root(), {});
    EXPECT_FALSE(tree.resolve("/a"));
    EXPECT_FALSE(tree.resolve("/self/x"));
    EXPECT_FALSE(tree.resolve("/dangling"));
    EXPECT_FALSE(tree.resolve("/file/x"));
    EXPECT_FALSE(tree.resolve("/missing"));
    EXPECT_FALSE(tree.find_file("/")); // a directory, not a file
    EXPECT_TRUE(tree.resolve("/"));
}

TEST(GuestTree, MappingsComeFirstLongestPrefixWinning) {
    ScratchTree system, app, data;
    system.write_text("opt/app/bin/tool", "system");
    app.write_text("bin/tool", "app");
    data.write_text("tool", "data");
    GuestTree tree(system.root(), {{app.root(), "/opt/app/"}, {data.root() + "/", "/opt/app/bin"}});
    EXPECT_EQ(tree.host_path("/opt/app/bin/tool"), data.root() + "/tool");
    EXPECT_EQ(tree.host_path("/opt/app/lib"), app.root() + "/lib");
    EXPECT_EQ(tree.host_path("/opt/app"), app.root());
    EXPECT_EQ(tree.host_path("/opt/application"), system.root() + "/opt/application");
    EXPECT_TRUE(tree.is_added("/opt/app/x"));
    EXPECT_FALSE(tree.is_added("/opt/apple"));
    EXPECT_FALSE(tree.is_added("/opt"));
    EXPECT_EQ(tree.find_file("/opt/app/bin/tool")->host_path, data.root() + "/tool");
}

TEST(GuestTree, ListsDirectories) {
    ScratchTree root;
    root.write_text("d/b", "");
    root.write_text("d/a", "");
    root.symlink("l", "d");
    GuestTree tree(root.root(), {});
    EXPECT_EQ(tree.list_directory("/l"), (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(tree.list_directory("/d/a").empty());
    EXPECT_TRUE(tree.list_directory("/none").empty());
}

TEST(GuestTree, ParentDirectory) {
    EXPECT_EQ(parent_directory("/a/b/c"), "/a/b");
    EXPECT_EQ(parent_directory("/a"), "/");
    EXPECT_EQ(parent_directory("/"), "/");
    EXPECT_EQ(parent_directory("name"), "/");
}

} // namespace
} // namespace ingot
