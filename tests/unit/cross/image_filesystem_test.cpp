// The image's file system as the host builds it and the kernel reads it: every kind of entry
// read back through the kernel's vfs::Inode interface, and hostile metadata (every byte of it
// changed in turn, and random changes) never crashing the reader, only failing it.
#include "host/filesystem_test_tree.h"
#include "image/filesystem_builder.h"

#include <unistd.h>

#include "kernel/kernel_test_support.h"

#include "fs/imagefs/image_file_system.h"

#include <ingot/abi/image_filesystem.h>

namespace {

using kernel::RefPtr;
using kernel::StringView;
using kernel::vfs::Inode;
using kernel::vfs::NodeType;

constexpr uint64_t physical = 0x4000000; // where the section would lie in guest memory

StringView view(const std::string& text) {
    return StringView(text.data(), text.size());
}

// Takes up to `limit` entries per call, as a small getdents64 buffer does.
class Collector final : public kernel::vfs::DirectoryVisitor {
public:
    explicit Collector(size_t limit) : m_limit(limit) {}
    bool visit(const kernel::vfs::DirectoryEntry& entry) override {
        if (m_taken == m_limit)
            return false;
        ++m_taken;
        names.emplace_back(entry.name.data, entry.name.length);
        inodes.push_back(entry.inode);
        types.push_back(entry.type);
        return true;
    }
    void reset() { m_taken = 0; }
    size_t taken() const { return m_taken; }

    std::vector<std::string> names;
    std::vector<uint64_t> inodes;
    std::vector<NodeType> types;

private:
    size_t m_limit;
    size_t m_taken = 0;
};

// Every entry of a directory, as many at a time as the collector takes; the error of the first
// failing call, if any.
kernel::ErrorOr<void> list(Inode& directory, Collector& collector) {
    uint64_t cookie = 0;
    for (int calls = 0; calls < 100000; ++calls) {
        collector.reset();
        TRY(directory.read_directory(cookie, collector));
        if (collector.taken() == 0)
            return {};
    }
    ADD_FAILURE() << "read_directory never ends";
    return {};
}

std::string read_all(Inode& file) {
    std::string contents;
    char buffer[1000];
    for (;;) {
        auto count =
            file.read(contents.size(), kernel::vfs::IoBuffer::kernel(buffer), sizeof buffer);
        if (count.is_error() || count.value() == 0)
            return contents;
        contents.append(buffer, count.value());
    }
}

RefPtr<Inode> walk_to(RefPtr<Inode> inode, const std::vector<std::string>& path) {
    for (const auto& name : path) {
        auto next = inode->lookup(view(name));
        if (next.is_error()) {
            ADD_FAILURE() << "lookup of " << name << ": "
                          << kernel::errno_name(kernel_test::error_of(next));
            return nullptr;
        }
        inode = next.release_value();
    }
    return inode;
}

class ImageFileSystemTest : public ::testing::Test {
protected:
    void SetUp() override {
        ingot::FilesystemBuilder builder;
        builder.add_tree(tree.path(), "/");
        image = builder.build();
        file_system = kernel_test::value_of(
            kernel::imagefs::open(image.bytes.data(), image.bytes.size(), physical));
        ASSERT_TRUE(file_system);
        root = file_system->root();
        ASSERT_TRUE(root);
    }

    ingot_test::FilesystemTestTree tree;
    ingot::FilesystemImage image;
    RefPtr<kernel::vfs::FileSystem> file_system;
    RefPtr<Inode> root;
};

TEST_F(ImageFileSystemTest, ReadsFilesBack) {
    auto hostname = walk_to(root, {"etc", "hostname"});
    ASSERT_TRUE(hostname);
    EXPECT_EQ(hostname->type(), NodeType::Regular);
    EXPECT_EQ(read_all(*hostname), ingot_test::FilesystemTestTree::hostname());
    char buffer[8] = {};
    EXPECT_EQ(kernel_test::value_of(hostname->read(2, kernel::vfs::IoBuffer::kernel(buffer), 2)),
              2u);
    EXPECT_EQ(std::string(buffer, 2), "go");
    EXPECT_EQ(kernel_test::value_of(hostname->read(100, kernel::vfs::IoBuffer::kernel(buffer), 8)),
              0u);

    auto big = walk_to(root, {"data", "big.bin"});
    ASSERT_TRUE(big);
    EXPECT_EQ(read_all(*big), ingot_test::FilesystemTestTree::big_contents());
    auto program = walk_to(root, {"bin", "prog"});
    ASSERT_TRUE(program);
    auto expected = ingot_test::read_file(ingot_test::static_program_path());
    EXPECT_EQ(read_all(*program), std::string(expected.begin(), expected.end()));
    auto empty = walk_to(root, {"data", "empty"});
    ASSERT_TRUE(empty);
    EXPECT_EQ(read_all(*empty), "");
}

TEST_F(ImageFileSystemTest, LooksUpEveryNameAndNothingElse) {
    auto many = walk_to(root, {"many"});
    ASSERT_TRUE(many);
    for (int i = 0; i < ingot_test::FilesystemTestTree::many_files; ++i) {
        char name[8];
        std::snprintf(name, sizeof name, "f%02d", i);
        auto file = walk_to(many, {name});
        ASSERT_TRUE(file) << name;
        EXPECT_EQ(read_all(*file), name);
    }
    for (const char* missing : {"f", "f0", "f000", "f40", "e99", "g00", "F00"})
        EXPECT_ERRNO(many->lookup(missing), ENOENT) << missing;
    auto file = walk_to(many, {"f00"});
    EXPECT_ERRNO(file->lookup("x"), ENOTDIR);
}

TEST_F(ImageFileSystemTest, ListsDirectoriesWithCookies) {
    Collector all(1000);
    ASSERT_OK(list(*root, all));
    std::vector<std::string> expected = {".",   "..",  "bin",  "data", "emptydir",
                                         "etc", "lib", "many", "usr"};
    EXPECT_EQ(all.names, expected);
    EXPECT_EQ(all.inodes[0], 1u);
    EXPECT_EQ(all.inodes[1], 1u); // the root's ".." is itself
    EXPECT_EQ(all.types[6], NodeType::Symlink);
    EXPECT_EQ(all.types[2], NodeType::Directory);
    // One entry at a time resumes where it stopped.
    Collector one(1);
    ASSERT_OK(list(*root, one));
    EXPECT_EQ(one.names, expected);
    // A cookie past the end reads nothing.
    uint64_t cookie = 1000;
    Collector after(10);
    ASSERT_OK(root->read_directory(cookie, after));
    EXPECT_TRUE(after.names.empty());

    auto etc = walk_to(root, {"etc"});
    Collector in_etc(1000);
    ASSERT_OK(list(*etc, in_etc));
    EXPECT_EQ(in_etc.names, (std::vector<std::string>{".", "..", "hostname", "nginx"}));
    kernel::vfs::Attributes attributes;
    ASSERT_OK(etc->attributes(attributes));
    EXPECT_EQ(in_etc.inodes[0], attributes.inode);
    EXPECT_EQ(in_etc.inodes[1], 1u);
    auto emptydir = walk_to(root, {"emptydir"});
    Collector nothing(1000);
    ASSERT_OK(list(*emptydir, nothing));
    EXPECT_EQ(nothing.names, (std::vector<std::string>{".", ".."}));
}

TEST_F(ImageFileSystemTest, KeepsLinksAndAttributes) {
    auto lib = walk_to(root, {"lib"});
    ASSERT_TRUE(lib);
    EXPECT_EQ(lib->type(), NodeType::Symlink);
    char target[16];
    EXPECT_EQ(kernel_test::value_of(lib->read_link(target, sizeof target)), 7u);
    EXPECT_EQ(std::string(target, 7), "usr/lib");
    EXPECT_EQ(kernel_test::value_of(lib->read_link(target, 3)), 3u);
    EXPECT_ERRNO(walk_to(root, {"etc"})->read_link(target, sizeof target), EINVAL);

    auto big = walk_to(root, {"data", "big.bin"});
    auto link = walk_to(root, {"data", "big-link.bin"});
    EXPECT_EQ(big.get(), link.get()); // one inode, one object
    kernel::vfs::Attributes attributes;
    ASSERT_OK(big->attributes(attributes));
    EXPECT_EQ(attributes.mode, 0100640u);
    EXPECT_EQ(attributes.link_count, 2u);
    EXPECT_EQ(attributes.size, 10000u);
    EXPECT_EQ(attributes.blocks, 20u);
    EXPECT_EQ(attributes.uid, ::getuid());
    EXPECT_EQ(attributes.modify_time.seconds, ingot_test::FilesystemTestTree::mtime);
    EXPECT_EQ(attributes.modify_time.nanoseconds, 500u);
    ASSERT_OK(walk_to(root, {"bin", "setuid"})->attributes(attributes));
    EXPECT_EQ(attributes.mode, 0104755u);
    ASSERT_OK(lib->attributes(attributes));
    EXPECT_EQ(attributes.size, 7u); // a link's size is its target's length, as lstat says

    EXPECT_ERRNO(root->read(0, kernel::vfs::IoBuffer::kernel(target), 1), EISDIR);
}

TEST_F(ImageFileSystemTest, IsReadOnly) {
    EXPECT_TRUE(file_system->is_read_only());
    char byte = 0;
    EXPECT_ERRNO(
        walk_to(root, {"etc", "hostname"})->write(0, kernel::vfs::IoBuffer::kernel(&byte), 1),
        EROFS);
    EXPECT_ERRNO(root->create("new", NodeType::Regular, 0644, 0), EROFS);
    EXPECT_ERRNO(root->remove("etc", true), EROFS);
    kernel::vfs::FileSystemStatistics statistics;
    ASSERT_OK(file_system->statistics(statistics));
    EXPECT_EQ(statistics.type, ingot::abi::image_fs_statfs_type);
    EXPECT_EQ(statistics.flags & 1, 1u); // ST_RDONLY
    EXPECT_EQ(statistics.blocks, (image.bytes.size() + 4095) / 4096);
    EXPECT_GT(statistics.files, 50u);
}

TEST_F(ImageFileSystemTest, LendsPagesOfInPlaceFiles) {
    auto program = walk_to(root, {"bin", "prog"});
    auto expected = ingot_test::read_file(ingot_test::static_program_path());
    for (uint64_t offset = 0; offset < expected.size(); offset += 4096) {
        uint64_t page = kernel_test::value_of(program->page(offset, false));
        ASSERT_EQ(page % 4096, 0u);
        ASSERT_GE(page, physical);
        size_t length = std::min<size_t>(4096, expected.size() - offset);
        ASSERT_EQ(
            std::memcmp(image.bytes.data() + (page - physical), expected.data() + offset, length),
            0)
            << offset;
    }
    EXPECT_ERRNO(program->page((expected.size() + 4095) & ~4095ull, false), ENXIO);
    EXPECT_ERRNO(program->page(1, false), EINVAL);
    EXPECT_ERRNO(program->page(0, true), EROFS);
    auto tiny = walk_to(root, {"usr", "lib", "libtiny.so"}); // an ELF, however small
    EXPECT_EQ(kernel_test::value_of(tiny->page(0, false)) % 4096, 0u);
    EXPECT_ERRNO(walk_to(root, {"etc", "hostname"})->page(0, false), ENODEV); // packed
    EXPECT_ERRNO(root->page(0, false), ENODEV);
}

TEST(ImageFileSystemOpen, RefusesWhatIsNotOne) {
    std::vector<uint8_t> junk(4096, 0);
    EXPECT_ERRNO(kernel::imagefs::open(junk.data(), junk.size(), physical), EINVAL);
    EXPECT_ERRNO(kernel::imagefs::open(junk.data(), 10, physical), EINVAL);
    ingot_test::FilesystemTestTree tree;
    ingot::FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    auto bytes = builder.build().bytes;
    EXPECT_ERRNO(kernel::imagefs::open(bytes.data(), bytes.size(), physical + 8), EINVAL);
    EXPECT_ERRNO(kernel::imagefs::open(bytes.data(), bytes.size() - 8, physical), EINVAL);
    ASSERT_OK(kernel::imagefs::open(bytes.data(), bytes.size(), physical));
}

// Everything a program could do to the tree: list, look up, read, read links, map pages.
struct WalkCounts {
    size_t entries = 0, errors = 0;
};

void walk(RefPtr<Inode> directory, int depth, std::set<uint64_t>& visited, WalkCounts& counts) {
    Collector names(3);
    if (list(*directory, names).is_error())
        ++counts.errors;
    for (const auto& name : names.names) {
        if (name == "." || name == "..")
            continue;
        ++counts.entries;
        auto child = directory->lookup(view(name));
        if (child.is_error()) {
            ++counts.errors;
            continue;
        }
        RefPtr<Inode> inode = child.release_value();
        kernel::vfs::Attributes attributes;
        if (inode->attributes(attributes).is_error())
            ++counts.errors;
        char target[4096];
        switch (inode->type()) {
        case NodeType::Regular: {
            // Its start, middle and end: the reader checks a file's range as a whole.
            char buffer[4096];
            for (uint64_t offset : {uint64_t(0), attributes.size / 2, attributes.size - 1}) {
                (void)inode->read(offset, kernel::vfs::IoBuffer::kernel(buffer), sizeof buffer);
                (void)inode->page(offset & ~4095ull, false);
            }
            break;
        }
        case NodeType::Symlink:
            (void)inode->read_link(target, sizeof target);
            break;
        case NodeType::Directory:
            if (depth < 8 && visited.insert(attributes.inode).second)
                walk(inode, depth + 1, visited, counts);
            break;
        default:
            ADD_FAILURE() << "a type the image cannot hold";
        }
    }
}

WalkCounts open_and_walk(const std::vector<uint8_t>& bytes) {
    WalkCounts counts;
    auto opened = kernel::imagefs::open(bytes.data(), bytes.size(), physical);
    if (opened.is_error()) {
        EXPECT_TRUE(kernel_test::error_of(opened) == int(kernel::EINVAL) ||
                    kernel_test::error_of(opened) == int(kernel::EIO));
        return counts;
    }
    RefPtr<kernel::vfs::FileSystem> file_system = opened.release_value();
    std::set<uint64_t> visited;
    walk(file_system->root(), 0, visited, counts);
    return counts;
}

TEST(ImageFileSystemHostile, EveryMetadataByteChanged) {
    ingot_test::FilesystemTestTree tree;
    ingot::FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    const auto bytes = builder.build().bytes;
    WalkCounts clean = open_and_walk(bytes);
    EXPECT_EQ(clean.errors, 0u);
    EXPECT_GT(clean.entries, 50u);

    ingot::abi::ImageFsSuperblock superblock;
    std::memcpy(&superblock, bytes.data(), sizeof superblock);
    size_t metadata = superblock.names_offset + superblock.names_size;
    size_t failures = 0;
    auto copy = bytes; // exactly the section's size: ASan sees any stray read
    for (size_t offset = 0; offset < metadata; ++offset) {
        for (int value : {bytes[offset] ^ 0xff, bytes[offset] ^ 0x01, 0x00, 0x80}) {
            if (value == bytes[offset])
                continue;
            copy[offset] = uint8_t(value);
            failures += open_and_walk(copy).errors != 0;
        }
        copy[offset] = bytes[offset];
    }
    // Most changes are noticed (the rest change a name, a mode or a time).
    EXPECT_GT(failures, metadata / 4);
}

TEST(ImageFileSystemHostile, RandomChanges) {
    ingot_test::FilesystemTestTree tree;
    ingot::FilesystemBuilder builder;
    builder.add_tree(tree.path(), "/");
    const auto bytes = builder.build().bytes;
    ingot::abi::ImageFsSuperblock superblock;
    std::memcpy(&superblock, bytes.data(), sizeof superblock);
    size_t metadata = superblock.names_offset + superblock.names_size;
    uint64_t state = 0x9e3779b97f4a7c15;
    auto next = [&] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    auto copy = bytes;
    for (int round = 0; round < 2000; ++round) {
        std::memcpy(copy.data(), bytes.data(), metadata);
        // A few whole words, as a hostile builder would write: huge counts and offsets.
        for (int change = 0; change < 1 + round % 4; ++change) {
            size_t offset = next() % (metadata - 3);
            uint32_t value = round % 2 ? uint32_t(next()) : uint32_t(0xffffffff - next() % 16);
            std::memcpy(copy.data() + offset, &value, sizeof value);
        }
        open_and_walk(copy);
    }
}

} // namespace
