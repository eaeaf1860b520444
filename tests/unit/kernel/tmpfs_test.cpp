#include "kernel/file_system_test_support.h"

namespace {

using kernel::RefPtr;
using kernel::StringView;
using kernel::vfs::AttributeChange;
using kernel::vfs::Inode;
using kernel::vfs::IoBuffer;
using kernel::vfs::NodeType;
using kernel_test::attributes_of;
using kernel_test::list;
using kernel_test::read_text;
using kernel_test::TmpfsHost;
using kernel_test::value_of;
using kernel_test::write_text;

constexpr uint64_t page = 4096;

class TmpfsTest : public ::testing::Test {
protected:
    RefPtr<Inode> make(Inode& directory, const char* name, NodeType type = NodeType::Regular,
                       uint32_t mode = 0644) {
        return value_of(directory.create(name, type, mode, 0));
    }
    RefPtr<Inode> root() { return host.file_system->root(); }

    TmpfsHost host;
};

TEST_F(TmpfsTest, WritesAndReadsBackAcrossPages) {
    auto file = make(*root(), "f");
    std::string text(3 * page + 100, 'x');
    for (size_t i = 0; i < text.size(); ++i)
        text[i] = static_cast<char>('a' + i % 26);
    EXPECT_EQ(write_text(*file, 0, text), text.size());
    EXPECT_EQ(read_text(*file, 0, text.size() + 10), text);
    EXPECT_EQ(read_text(*file, page - 3, 6), text.substr(page - 3, 6));
    EXPECT_EQ(read_text(*file, text.size(), 10), "");
    EXPECT_EQ(read_text(*file, text.size() + 5000, 10), "");
    auto attributes = attributes_of(*file);
    EXPECT_EQ(attributes.size, text.size());
    EXPECT_EQ(attributes.blocks, 4 * page / 512);
    EXPECT_EQ(attributes.mode, 0100644u);
    EXPECT_EQ(attributes.link_count, 1u);
}

TEST_F(TmpfsTest, HolesReadAsZerosAndCostNoPages) {
    auto file = make(*root(), "sparse");
    size_t free_before = host.allocator.free_frames();
    EXPECT_EQ(write_text(*file, 10 * page + 5, "end"), 3u);
    EXPECT_EQ(attributes_of(*file).size, 10 * page + 8);
    EXPECT_EQ(attributes_of(*file).blocks, page / 512);
    EXPECT_EQ(read_text(*file, 3 * page, 4), std::string(4, '\0'));
    EXPECT_EQ(read_text(*file, 10 * page, 8), std::string("\0\0\0\0\0end", 8));
    // One data page plus the table's three levels come from the kernel heap, not frames.
    EXPECT_EQ(host.allocator.free_frames(), free_before - 1);
}

TEST_F(TmpfsTest, FarOffsetsWorkSparselyAndTheLimitIsEfbig) {
    auto file = make(*root(), "far");
    EXPECT_EQ(write_text(*file, 100ull << 30, "x"), 1u);
    EXPECT_EQ(attributes_of(*file).size, (100ull << 30) + 1);
    EXPECT_EQ(read_text(*file, 100ull << 30, 2), "x");
    const char byte = 'y';
    EXPECT_ERRNO(file->write(1ull << 50, IoBuffer::kernel(&byte), 1), EFBIG);
    EXPECT_ERRNO(file->write(~0ull - 1, IoBuffer::kernel(&byte), 4), EFBIG);
}

TEST_F(TmpfsTest, TruncateFreesPagesAndZeroesTheKeptTail) {
    auto file = make(*root(), "t");
    size_t free_before = host.allocator.free_frames();
    write_text(*file, 0, std::string(3 * page, 'q'));
    EXPECT_EQ(host.allocator.free_frames(), free_before - 3);
    AttributeChange change;
    change.fields = AttributeChange::Size;
    change.size = 10;
    ASSERT_OK(file->change_attributes(change));
    EXPECT_EQ(host.allocator.free_frames(), free_before - 1);
    EXPECT_EQ(attributes_of(*file).size, 10u);
    change.size = 2 * page;
    ASSERT_OK(file->change_attributes(change));
    std::string expected = std::string(10, 'q') + std::string(2 * page - 10, '\0');
    EXPECT_EQ(read_text(*file, 0, 3 * page), expected);
    change.size = 0;
    ASSERT_OK(file->change_attributes(change));
    EXPECT_EQ(host.allocator.free_frames(), free_before);
    auto directory = make(*root(), "d", NodeType::Directory, 0755);
    EXPECT_ERRNO(directory->change_attributes(change), EISDIR);
}

TEST_F(TmpfsTest, FullIsEnospcWithAShortWriteFirstAndNeverACrash) {
    TmpfsHost small(64, 8);
    auto file = value_of(small.file_system->root()->create("big", NodeType::Regular, 0644, 0));
    std::string chunk(page, 'z');
    size_t total = 0;
    for (;;) {
        auto written = file->write(total, IoBuffer::kernel(chunk.data()), chunk.size());
        if (written.is_error()) {
            EXPECT_ERRNO(written, ENOSPC);
            break;
        }
        total += written.value();
        ASSERT_LT(total, 64 * page) << "wrote more than the memory holds";
    }
    EXPECT_EQ(small.allocator.free_frames(), 8u);
    // A write straddling the end writes what fits: the page it already has.
    EXPECT_EQ(value_of(file->write(total - 10, IoBuffer::kernel(chunk.data()), 100)), 10u);
    auto other = value_of(small.file_system->root()->create("other", NodeType::Regular, 0644, 0));
    EXPECT_ERRNO(other->write(0, IoBuffer::kernel(chunk.data()), 1), ENOSPC);
    kernel::vfs::FileSystemStatistics statistics;
    ASSERT_OK(small.file_system->statistics(statistics));
    EXPECT_EQ(statistics.type, kernel::tmpfs::tmpfs_magic);
    EXPECT_EQ(statistics.free_blocks, 0u);
    // Space comes back when the last reference to the removed file goes.
    ASSERT_OK(small.file_system->root()->remove("big", false));
    EXPECT_EQ(small.allocator.free_frames(), 8u);
    file = nullptr;
    EXPECT_GT(small.allocator.free_frames(), 8u);
    EXPECT_EQ(value_of(other->write(0, IoBuffer::kernel(chunk.data()), 1)), 1u);
}

TEST_F(TmpfsTest, WriteFromAnUnmappedUserAddressIsEfault) {
    auto file = make(*root(), "f");
    EXPECT_ERRNO(file->write(0, IoBuffer::user(16), 10), EFAULT);
    EXPECT_EQ(attributes_of(*file).size, 0u);
    write_text(*file, 0, "abc");
    EXPECT_ERRNO(file->read(0, IoBuffer::user(16), 3), EFAULT);
}

TEST_F(TmpfsTest, PageLendsTheFilesOwnFrame) {
    auto file = make(*root(), "mapped");
    write_text(*file, 0, std::string(page + 1, 'm'));
    auto frame = value_of(file->page(0, true));
    uint8_t* bytes = host.allocator.to_virtual(frame);
    EXPECT_EQ(bytes[0], 'm');
    bytes[1] = 'W'; // a store through a shared mapping
    EXPECT_EQ(read_text(*file, 0, 3), "mWm");
    EXPECT_EQ(value_of(file->page(0, false)), frame);
    EXPECT_NE(value_of(file->page(page, false)), 0u);
    EXPECT_ERRNO(file->page(2 * page, false), ENXIO);
    EXPECT_ERRNO(file->page(1, false), EINVAL);
}

TEST_F(TmpfsTest, DirectoriesCountLinksAndRefuseWhatLinuxRefuses) {
    auto directory = make(*root(), "d", NodeType::Directory, 0755);
    EXPECT_EQ(attributes_of(*directory).link_count, 2u);
    EXPECT_EQ(attributes_of(*root()).link_count, 3u);
    make(*directory, "sub", NodeType::Directory, 0700);
    EXPECT_EQ(attributes_of(*directory).link_count, 3u);
    auto file = make(*directory, "file");
    EXPECT_ERRNO(directory->create("file", NodeType::Regular, 0644, 0), EEXIST);
    EXPECT_ERRNO(file->create("x", NodeType::Regular, 0644, 0), ENOTDIR);
    EXPECT_ERRNO(file->lookup("x"), ENOTDIR);
    EXPECT_ERRNO(directory->lookup("missing"), ENOENT);
    EXPECT_ERRNO(directory->remove("file", true), ENOTDIR);
    EXPECT_ERRNO(directory->remove("sub", false), EISDIR);
    EXPECT_ERRNO(root()->remove("d", true), ENOTEMPTY);
    EXPECT_ERRNO(directory->remove("missing", false), ENOENT);
    char byte;
    EXPECT_ERRNO(directory->read(0, IoBuffer::kernel(&byte), 1), EISDIR);
    ASSERT_OK(directory->remove("sub", true));
    EXPECT_EQ(attributes_of(*directory).link_count, 2u);
    ASSERT_OK(directory->remove("file", false));
    ASSERT_OK(root()->remove("d", true));
    EXPECT_EQ(attributes_of(*directory).link_count, 0u);
    // A removed directory, still referred to, takes no new entries.
    EXPECT_ERRNO(directory->create("late", NodeType::Regular, 0644, 0), ENOENT);
    EXPECT_EQ(attributes_of(*root()).link_count, 2u);
}

TEST_F(TmpfsTest, HardLinksShareTheFileAndCountNames) {
    auto file = make(*root(), "a");
    write_text(*file, 0, "shared");
    ASSERT_OK(root()->link("b", *file));
    EXPECT_EQ(attributes_of(*file).link_count, 2u);
    auto other = value_of(root()->lookup("b"));
    EXPECT_EQ(other.get(), file.get());
    EXPECT_ERRNO(root()->link("b", *file), EEXIST);
    auto directory = make(*root(), "d", NodeType::Directory, 0755);
    EXPECT_ERRNO(root()->link("e", *directory), EPERM);
    ASSERT_OK(root()->remove("a", false));
    EXPECT_EQ(read_text(*value_of(root()->lookup("b"))), "shared");
    ASSERT_OK(root()->remove("b", false));
    EXPECT_EQ(attributes_of(*file).link_count, 0u);
    EXPECT_ERRNO(root()->link("c", *file), ENOENT);
    TmpfsHost elsewhere;
    auto foreign = value_of(elsewhere.file_system->root()->create("f", NodeType::Regular, 0644, 0));
    EXPECT_ERRNO(root()->link("f", *foreign), EXDEV);
}

TEST_F(TmpfsTest, SymlinksKeepTheirTarget) {
    auto link = value_of(root()->create_symlink("l", "../some/where"));
    EXPECT_EQ(link->type(), NodeType::Symlink);
    char buffer[64];
    EXPECT_EQ(value_of(link->read_link(buffer, sizeof buffer)), 13u);
    EXPECT_EQ(std::string(buffer, 13), "../some/where");
    EXPECT_EQ(value_of(link->read_link(buffer, 4)), 4u);
    EXPECT_EQ(attributes_of(*link).size, 13u);
    EXPECT_EQ(attributes_of(*link).mode, 0120777u);
    EXPECT_ERRNO(root()->create_symlink("l", "x"), EEXIST);
    EXPECT_ERRNO(root()->create_symlink("long", std::string(4096, 'a').c_str()), ENAMETOOLONG);
    auto file = make(*root(), "f");
    EXPECT_ERRNO(file->read_link(buffer, sizeof buffer), EINVAL);
}

TEST_F(TmpfsTest, RenameMovesReplacesAndRefuses) {
    auto a = make(*root(), "a", NodeType::Directory, 0755);
    auto b = make(*root(), "b", NodeType::Directory, 0755);
    auto file = make(*a, "f");
    write_text(*file, 0, "one");
    auto other = make(*b, "g");
    ASSERT_OK(a->rename("f", *b, "g", 0));
    EXPECT_EQ(read_text(*value_of(b->lookup("g"))), "one");
    EXPECT_ERRNO(a->lookup("f"), ENOENT);
    EXPECT_EQ(attributes_of(*other).link_count, 0u);
    EXPECT_ERRNO(a->rename("missing", *b, "x", 0), ENOENT);

    auto sub = make(*a, "sub", NodeType::Directory, 0755);
    EXPECT_EQ(attributes_of(*a).link_count, 3u);
    ASSERT_OK(a->rename("sub", *b, "sub", 0));
    EXPECT_EQ(attributes_of(*a).link_count, 2u);
    EXPECT_EQ(attributes_of(*b).link_count, 3u);
    EXPECT_ERRNO(root()->rename("b", *sub, "inside", 0), EINVAL);
    EXPECT_ERRNO(root()->rename("b", *b, "self", 0), EINVAL);

    make(*a, "file");
    make(*a, "full", NodeType::Directory, 0755);
    make(*value_of(a->lookup("full")), "x");
    make(*a, "empty", NodeType::Directory, 0755);
    EXPECT_ERRNO(a->rename("file", *a, "empty", 0), EISDIR);
    EXPECT_ERRNO(a->rename("empty", *a, "file", 0), ENOTDIR);
    EXPECT_ERRNO(b->rename("sub", *a, "full", 0), ENOTEMPTY);
    ASSERT_OK(b->rename("sub", *a, "empty", 0));
    EXPECT_EQ(value_of(a->lookup("empty")).get(), sub.get());
    EXPECT_EQ(attributes_of(*b).link_count, 2u);
    EXPECT_EQ(attributes_of(*a).link_count, 4u); // full, empty (now sub), and its own two

    EXPECT_ERRNO(a->rename("file", *a, "full", kernel::vfs::rename_noreplace), EEXIST);
    EXPECT_ERRNO(a->rename("file", *a, "new", kernel::vfs::rename_exchange), ENOENT);
    EXPECT_ERRNO(a->rename("file", *a, "new", 3), EINVAL);
    EXPECT_ERRNO(a->rename("file", *a, "new", 8), EINVAL);

    // Two names of one file: nothing happens.
    ASSERT_OK(a->link("alias", *value_of(a->lookup("file"))));
    ASSERT_OK(a->rename("file", *a, "alias", 0));
    EXPECT_EQ(attributes_of(*value_of(a->lookup("file"))).link_count, 2u);
}

TEST_F(TmpfsTest, RenameExchangeSwapsEvenADirectoryAndAFile) {
    auto a = make(*root(), "a", NodeType::Directory, 0755);
    auto b = make(*root(), "b", NodeType::Directory, 0755);
    auto directory = make(*a, "x", NodeType::Directory, 0755);
    auto file = make(*b, "y");
    ASSERT_OK(a->rename("x", *b, "y", kernel::vfs::rename_exchange));
    EXPECT_EQ(value_of(a->lookup("x")).get(), file.get());
    EXPECT_EQ(value_of(b->lookup("y")).get(), directory.get());
    EXPECT_EQ(attributes_of(*a).link_count, 2u);
    EXPECT_EQ(attributes_of(*b).link_count, 3u);
    EXPECT_ERRNO(root()->rename("a", *directory, "z", kernel::vfs::rename_exchange), ENOENT);
    make(*directory, "z");
    EXPECT_ERRNO(b->rename("y", *directory, "z", kernel::vfs::rename_exchange), EINVAL);
}

TEST_F(TmpfsTest, DirectoryCookiesSurviveRemovals) {
    for (const char* name : {"one", "two", "three", "four"})
        make(*root(), name);
    EXPECT_EQ(list(*root()), (std::vector<std::string>{".", "..", "one", "two", "three", "four"}));
    struct TakeTwo final : kernel::vfs::DirectoryVisitor {
        bool visit(const kernel::vfs::DirectoryEntry& entry) override {
            if (names.size() == 2)
                return false;
            names.emplace_back(entry.name.data, entry.name.length);
            return true;
        }
        std::vector<std::string> names;
    };
    uint64_t cookie = 0;
    TakeTwo first;
    ASSERT_OK(root()->read_directory(cookie, first));
    TakeTwo second;
    ASSERT_OK(root()->read_directory(cookie, second));
    EXPECT_EQ(second.names, (std::vector<std::string>{"one", "two"}));
    ASSERT_OK(root()->remove("one", false));
    ASSERT_OK(root()->remove("two", false));
    TakeTwo third;
    ASSERT_OK(root()->read_directory(cookie, third));
    EXPECT_EQ(third.names, (std::vector<std::string>{"three", "four"}));
    TakeTwo done;
    ASSERT_OK(root()->read_directory(cookie, done));
    EXPECT_TRUE(done.names.empty());
}

TEST_F(TmpfsTest, AttributesChangeAndTimesMove) {
    auto file = make(*root(), "f", NodeType::Regular, 0640);
    auto before = attributes_of(*file);
    write_text(*file, 0, "x");
    auto after = attributes_of(*file);
    EXPECT_GT(after.modify_time.seconds, before.modify_time.seconds);
    AttributeChange change;
    change.fields = AttributeChange::Mode | AttributeChange::Uid | AttributeChange::Gid |
                    AttributeChange::AccessTime | AttributeChange::ModifyTime;
    change.mode = 04755 | 0170000;
    change.uid = 5;
    change.gid = 6;
    change.access_time = {7, 8};
    change.modify_time = {9, 10};
    ASSERT_OK(file->change_attributes(change));
    auto changed = attributes_of(*file);
    EXPECT_EQ(changed.mode, 0104755u);
    EXPECT_EQ(changed.uid, 5u);
    EXPECT_EQ(changed.gid, 6u);
    EXPECT_EQ(changed.access_time.seconds, 7);
    EXPECT_EQ(changed.modify_time.nanoseconds, 10u);
    EXPECT_GT(changed.change_time.seconds, after.change_time.seconds);
    auto device = value_of(root()->create("null", NodeType::CharacterDevice, 0666, 0x103));
    EXPECT_EQ(attributes_of(*device).device, 0x103u);
    EXPECT_EQ(attributes_of(*device).mode, 020666u);
}

} // namespace
