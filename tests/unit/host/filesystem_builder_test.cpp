// The image's file system as the host builds it: what --add and --rootfs put where, the
// layout the kernel relies on (sorted entries, in-place files on page boundaries), hard and
// symbolic links, determinism, the errors a user gets, and an image carrying it.
#include "host/filesystem_test_tree.h"
#include "image/filesystem_builder.h"
#include "image/filesystem_listing.h"
#include "image/image.h"
#include "support/error.h"
#include "test_support.h"

#include <ingot/abi/image_filesystem.h>
#include <ingot/abi/memory_layout.h>

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

namespace ingot {
namespace {

using ingot_test::FilesystemTestTree;

std::map<std::string, FilesystemEntry> by_path(const FilesystemImage& image) {
    std::map<std::string, FilesystemEntry> entries;
    for (auto& entry : list_filesystem(image.bytes, "test"))
        entries[entry.path] = entry;
    return entries;
}

std::string contents_of(const FilesystemImage& image, const FilesystemEntry& entry) {
    return std::string(reinterpret_cast<const char*>(image.bytes.data()) + entry.data_offset,
                       entry.size);
}

std::string message_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const UserError& error) {
        return error.what();
    }
    return "(no error)";
}

TEST(FilesystemBuilder, NothingAddedIsNoSection) {
    FilesystemBuilder builder;
    EXPECT_TRUE(builder.empty());
    EXPECT_TRUE(builder.build().bytes.empty());
}

TEST(FilesystemBuilder, KeepsTheTreeWithItsAttributes) {
    FilesystemTestTree tree;
    FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    FilesystemImage image = builder.build();
    auto entries = by_path(image);

    ASSERT_TRUE(entries.count("/etc/hostname"));
    const auto& hostname = entries["/etc/hostname"];
    EXPECT_EQ(hostname.mode, S_IFREG | 0644u);
    EXPECT_EQ(hostname.uid, ::getuid());
    EXPECT_EQ(hostname.mtime_seconds, FilesystemTestTree::mtime);
    EXPECT_EQ(contents_of(image, hostname), FilesystemTestTree::hostname());
    EXPECT_FALSE(hostname.in_place); // small and not an ELF: packed

    EXPECT_EQ(entries["/etc/nginx/nginx.conf"].mode, S_IFREG | 0600u);
    EXPECT_EQ(entries["/bin/setuid"].mode, S_IFREG | 04755u);
    EXPECT_EQ(entries["/emptydir"].mode, S_IFDIR | 0700u);
    EXPECT_EQ(entries["/lib"].mode & S_IFMT, unsigned(S_IFLNK));
    EXPECT_EQ(entries["/lib"].target, "usr/lib");
    EXPECT_EQ(entries["/data/hostname-link"].target, "../etc/hostname");
    EXPECT_EQ(entries["/data/empty"].size, 0u);

    // Every ELF file and every file of a page or more starts on a page boundary.
    for (const char* path : {"/bin/prog", "/usr/lib/libtiny.so", "/data/big.bin"}) {
        EXPECT_TRUE(entries[path].in_place) << path;
        EXPECT_EQ(entries[path].data_offset % abi::page_size, 0u) << path;
    }
    EXPECT_EQ(contents_of(image, entries["/data/big.bin"]), FilesystemTestTree::big_contents());
    // The tail of an in-place file's last page is zeros.
    const auto& big = entries["/data/big.bin"];
    for (uint64_t i = big.data_offset + big.size; i % abi::page_size != 0; ++i)
        ASSERT_EQ(image.bytes[i], 0) << i;

    // Hard links share an inode and count their names.
    EXPECT_EQ(entries["/data/big.bin"].inode, entries["/data/big-link.bin"].inode);
    EXPECT_EQ(entries["/data/big.bin"].link_count, 2u);
    // A directory: ".", its name in its parent, ".." of each subdirectory.
    EXPECT_EQ(entries["/etc"].link_count, 3u);
    EXPECT_EQ(entries["/many"].link_count, 2u);

    // The program lookup sees every regular file, hard links included.
    ASSERT_TRUE(image.files.count("/data/big-link.bin"));
    EXPECT_EQ(image.files["/data/big-link.bin"].offset, big.data_offset);
    EXPECT_FALSE(image.files.count("/lib"));
}

TEST(FilesystemBuilder, FindsFilesThroughTheImagesLinks) {
    FilesystemTestTree tree;
    ASSERT_EQ(::symlink("loop", (tree.path() + "/loop").c_str()), 0);
    ASSERT_EQ(::symlink("/usr/lib/libtiny.so", (tree.path() + "/bin/tiny").c_str()), 0);
    FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    FilesystemImage image = builder.build();
    const FileExtent* tiny = image.find("/usr/lib/libtiny.so");
    ASSERT_NE(tiny, nullptr);
    EXPECT_EQ(tiny->size, 9u);
    EXPECT_EQ(image.find("/lib/libtiny.so"), tiny); // a relative link to a directory
    EXPECT_EQ(image.find("/bin/tiny"), tiny);       // an absolute link to the file
    EXPECT_EQ(image.find("/bin/../lib/./libtiny.so"), tiny);
    EXPECT_EQ(image.find("/data/hostname-link"), image.find("/etc/hostname"));
    EXPECT_EQ(image.find("/etc"), nullptr);
    EXPECT_EQ(image.find("/loop"), nullptr);
    EXPECT_EQ(image.find("/loop/x"), nullptr);
    EXPECT_EQ(image.find("/nothing"), nullptr);
}

TEST(FilesystemBuilder, DirectoryEntriesAreSortedForBinarySearch) {
    FilesystemTestTree tree;
    FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    FilesystemImage image = builder.build();
    abi::ImageFsSuperblock superblock;
    std::memcpy(&superblock, image.bytes.data(), sizeof superblock);
    for (uint32_t i = 0; i < superblock.inode_count; ++i) {
        abi::ImageFsInode inode;
        std::memcpy(&inode, image.bytes.data() + superblock.inodes_offset + i * sizeof inode,
                    sizeof inode);
        if ((inode.mode & S_IFMT) != S_IFDIR)
            continue;
        std::string previous;
        for (uint64_t e = 0; e < inode.size; ++e) {
            abi::ImageFsEntry entry;
            std::memcpy(&entry,
                        image.bytes.data() + superblock.entries_offset +
                            (inode.offset + e) * sizeof entry,
                        sizeof entry);
            std::string name(reinterpret_cast<const char*>(image.bytes.data()) +
                                 superblock.names_offset + entry.name_offset,
                             entry.name_length);
            EXPECT_LT(previous, name);
            previous = name;
        }
    }
}

TEST(FilesystemBuilder, OutputIsDeterministic) {
    FilesystemTestTree first, second;
    FilesystemBuilder a, b;
    a.add_tree(first.path(), "/");
    b.add_tree(second.path(), "/");
    EXPECT_EQ(a.build().bytes, b.build().bytes);
    EXPECT_EQ(a.build().bytes, a.build().bytes);
}

TEST(FilesystemBuilder, AddPlacesFilesAndCreatesParents) {
    FilesystemTestTree tree;
    FilesystemBuilder builder;
    builder.add_argument(tree.path() + "/etc/hostname:/srv/config/name");
    builder.add_argument(tree.path() + "/many:/opt/many");
    builder.add_argument(tree.path() + "/data/empty"); // GUEST: the same absolute path
    auto entries = by_path(builder.build());
    EXPECT_EQ(entries["/srv"].mode, S_IFDIR | 0755u);
    EXPECT_EQ(entries["/srv"].uid, 0u);
    EXPECT_EQ(entries["/srv/config/name"].size, FilesystemTestTree::hostname().size());
    EXPECT_EQ(entries["/opt/many/f39"].size, 3u);
    EXPECT_TRUE(entries.count(tree.path() + "/data/empty"));
    EXPECT_FALSE(entries.count("/etc"));
}

TEST(FilesystemBuilder, LaterAdditionsWin) {
    FilesystemTestTree tree;
    FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    builder.add_file(tree.path() + "/data/big.bin", "/etc/hostname");
    builder.add_tree(tree.path() + "/many", "/etc"); // merges into the directory
    FilesystemImage image = builder.build();
    auto entries = by_path(image);
    EXPECT_EQ(contents_of(image, entries["/etc/hostname"]), FilesystemTestTree::big_contents());
    EXPECT_TRUE(entries.count("/etc/nginx/nginx.conf"));
    EXPECT_TRUE(entries.count("/etc/f00"));
}

TEST(FilesystemBuilder, SkipsSpecialFilesWithAWarning) {
    FilesystemTestTree tree;
    ASSERT_EQ(::mkfifo((tree.path() + "/data/fifo").c_str(), 0644), 0);
    FilesystemBuilder builder;
    ingot_test::RedirectedDescriptor stderr_capture(2);
    builder.add_tree(tree.path(), "/");
    auto entries = by_path(builder.build());
    EXPECT_FALSE(entries.count("/data/fifo"));
    std::string warning = stderr_capture.contents();
    EXPECT_NE(warning.find("FIFO"), std::string::npos) << warning;
    EXPECT_EQ(std::count(warning.begin(), warning.end(), '\n'), 1);
}

TEST(FilesystemBuilder, RefusesBadInputWithOneLine) {
    FilesystemTestTree tree;
    FilesystemBuilder builder;
    EXPECT_NE(
        message_of([&] { builder.add_argument(tree.path() + "/missing"); }).find("No such file"),
        std::string::npos);
    EXPECT_NE(message_of([&] {
                  builder.add_argument(tree.path() + "/etc:relative/etc");
              }).find("not absolute"),
              std::string::npos);
    EXPECT_NE(message_of([&] { builder.add_argument(tree.path() + "/etc:"); }).find("HOST[:GUEST]"),
              std::string::npos);
    EXPECT_NE(message_of([&] {
                  builder.add_tree(tree.path() + "/etc/hostname", "/x");
              }).find("not a directory"),
              std::string::npos);
    builder.add_file(tree.path() + "/etc/hostname", "/f");
    EXPECT_NE(message_of([&] {
                  builder.add_file(tree.path() + "/etc/hostname", "/f/g");
              }).find("not a directory"),
              std::string::npos);
    EXPECT_NE(message_of([&] {
                  builder.add_file(tree.path() + "/bin/prog", "/");
              }).find("not a directory"),
              std::string::npos);
}

TEST(FilesystemBuilder, NormalizesGuestPaths) {
    EXPECT_EQ(normal_guest_path("/a/./b//c/../d/", "p"), "/a/b/d");
    EXPECT_EQ(normal_guest_path("/..", "p"), "/");
    EXPECT_THROW(normal_guest_path("a/b", "p"), UserError);
    EXPECT_THROW(normal_guest_path("", "p"), UserError);
    EXPECT_THROW(normal_guest_path("/" + std::string(256, 'x'), "p"), UserError);
}

TEST(FilesystemListing, LooksLikeLsLong) {
    FilesystemTestTree tree;
    FilesystemBuilder builder;
    builder.add_tree(tree.path() + "/data", "/data");
    std::string listing = format_filesystem_listing(list_filesystem(builder.build().bytes, "t"));
    auto uid = std::to_string(::getuid()), gid = std::to_string(::getgid());
    EXPECT_NE(listing.find("-rw-r-----   2 " + std::string(5 - uid.size(), ' ') + uid),
              std::string::npos)
        << listing;
    EXPECT_NE(listing.find("10000 2023-11-14 22:13 /data/big.bin\n"), std::string::npos) << listing;
    EXPECT_NE(listing.find("/data/hostname-link -> ../etc/hostname\n"), std::string::npos)
        << listing;
    // Sorted, the root first.
    EXPECT_EQ(listing.rfind("drwxr-xr-x   3     0     0", 0), 0u) << listing;
    EXPECT_LT(listing.find("/data/big-link.bin"), listing.find("/data/big.bin"));
}

TEST(FilesystemListing, NamesCorruption) {
    FilesystemTestTree tree;
    FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    std::vector<uint8_t> bytes = builder.build().bytes;
    auto copy = bytes;
    auto corrupted = [&](size_t offset, uint8_t value) {
        copy[offset] = value;
        std::string message = message_of([&] { list_filesystem(copy, "x.img"); });
        copy[offset] = bytes[offset];
        return message;
    };
    EXPECT_NE(corrupted(0, 'X').find("INGOFS1"), std::string::npos);
    EXPECT_NE(corrupted(offsetof(abi::ImageFsSuperblock, total_size), 1).find("layout"),
              std::string::npos);
    // Every byte of the metadata, changed: a clean error or a tree, never a crash.
    abi::ImageFsSuperblock superblock;
    std::memcpy(&superblock, bytes.data(), sizeof superblock);
    for (size_t offset = 0; offset < superblock.names_offset + superblock.names_size; ++offset) {
        for (uint8_t value : {uint8_t(bytes[offset] ^ 0xff), uint8_t(bytes[offset] + 1)}) {
            std::string message = corrupted(offset, value);
            EXPECT_EQ(message.find('\n'), std::string::npos);
        }
    }
}

class FilesystemImageTest : public ::testing::Test {
protected:
    static Manifest manifest() {
        Manifest manifest;
        manifest.arguments = {"prog"};
        manifest.memory_size = 64ull << 20;
        manifest.stack_size = abi::default_stack_size;
        return manifest;
    }
};

TEST_F(FilesystemImageTest, AStaticProgramWithoutFilesCarriesNoSection) {
    auto kernel = ingot_test::read_file(ingot_test::kernel_elf_path());
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    auto bytes = build_image(kernel, program, manifest());
    Image image = read_image(bytes, "plain.img");
    EXPECT_EQ(image.payload.filesystem_offset, 0u);
    EXPECT_EQ(image.payload.filesystem_size, 0u);
    EXPECT_TRUE(image.filesystem.empty());
    EXPECT_EQ(image.payload.total_size, image.payload.program_offset + program.size());
}

TEST_F(FilesystemImageTest, TheProgramInsideTheFileSystemIsStoredOnce) {
    FilesystemTestTree tree;
    auto kernel = ingot_test::read_file(ingot_test::kernel_elf_path());
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    FilesystemImage files = builder.build();
    auto apart = build_image(kernel, program, manifest(), files.bytes);
    auto once = build_image(kernel, program, manifest(), files.bytes, files.files.at("/bin/prog"));
    EXPECT_EQ(apart.size(), once.size() + ((program.size() + 4095) & ~4095ull));

    Image image = read_image(once, "once.img");
    ASSERT_EQ(image.filesystem.size(), files.bytes.size());
    EXPECT_TRUE(std::equal(image.filesystem.begin(), image.filesystem.end(), files.bytes.begin()));
    EXPECT_EQ(image.payload.program_offset,
              image.payload.filesystem_offset + files.files.at("/bin/prog").offset);
    EXPECT_EQ(image.payload.program_offset % abi::page_size, 0u);
    ASSERT_EQ(image.program.size(), program.size());
    EXPECT_TRUE(std::equal(image.program.begin(), image.program.end(), program.begin()));
    Image separate = read_image(apart, "apart.img");
    EXPECT_EQ(separate.payload.filesystem_offset % abi::page_size, 0u);
    EXPECT_LT(separate.payload.program_offset, separate.payload.filesystem_offset);
}

TEST_F(FilesystemImageTest, ReadImageRejectsACorruptedSection) {
    FilesystemTestTree tree;
    auto kernel = ingot_test::read_file(ingot_test::kernel_elf_path());
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    FilesystemImage files = builder.build();
    files.bytes[0] ^= 0xff; // the superblock's magic; the checksum is computed over it
    auto bytes = build_image(kernel, program, manifest(), files.bytes);
    EXPECT_NE(message_of([&] { read_image(bytes, "bad.img"); }).find("file system"),
              std::string::npos);
}

} // namespace
} // namespace ingot
