// File seals on tmpfs files (memfd_create(2), fcntl(2) "File Sealing"): a file system that makes
// memfds starts its files unsealed; elsewhere files start with F_SEAL_SEAL. Each seal refuses
// its change with EPERM, as Linux's shmem does.
#include "kernel/file_system_test_support.h"

namespace {

using kernel::RefPtr;
using kernel::vfs::AttributeChange;
using kernel::vfs::Inode;
using kernel::vfs::IoBuffer;
using kernel::vfs::NodeType;
namespace seal = kernel::vfs::seal;
using kernel_test::attributes_of;
using kernel_test::read_text;
using kernel_test::TmpfsHost;
using kernel_test::value_of;
using kernel_test::write_text;

constexpr uint64_t page = 4096;

class TmpfsSealsTest : public ::testing::Test {
protected:
    TmpfsSealsTest() { host.file_system->make_files_sealable(); }
    RefPtr<Inode> make_file(uint64_t size) {
        auto file = value_of(host.file_system->root()->create("f", NodeType::Regular, 0600, 0));
        resize(*file, size);
        return file;
    }
    static kernel::ErrorOr<void> change_size(Inode& file, uint64_t size) {
        AttributeChange change;
        change.fields = AttributeChange::Size;
        change.size = size;
        return file.change_attributes(change);
    }
    static void resize(Inode& file, uint64_t size) { ASSERT_OK(change_size(file, size)); }
    static kernel::ErrorOr<size_t> write(Inode& file, uint64_t offset, const char* text) {
        return file.write(offset, IoBuffer::kernel(text), strlen(text));
    }

    TmpfsHost host;
};

TEST(TmpfsSeals, OrdinaryFilesAreSealedAgainstSeals) {
    TmpfsHost host;
    auto file = value_of(host.file_system->root()->create("f", NodeType::Regular, 0600, 0));
    EXPECT_EQ(value_of(file->seals()), seal::seal);
    EXPECT_ERRNO(file->add_seals(seal::write), EPERM);
    auto directory = value_of(host.file_system->root()->create("d", NodeType::Directory, 0700, 0));
    EXPECT_ERRNO(directory->seals(), EINVAL);
}

TEST_F(TmpfsSealsTest, ShrinkAndGrowRefuseTheirTruncates) {
    auto file = make_file(2 * page);
    EXPECT_EQ(value_of(file->seals()), 0u);
    EXPECT_ERRNO(file->add_seals(0x100), EINVAL);
    ASSERT_OK(file->add_seals(seal::shrink));
    EXPECT_ERRNO(change_size(*file, page), EPERM);
    resize(*file, 2 * page);
    resize(*file, 3 * page);
    ASSERT_OK(file->add_seals(seal::grow));
    EXPECT_ERRNO(change_size(*file, 4 * page), EPERM);
    EXPECT_EQ(attributes_of(*file).size, 3 * page);
    // A write stops at the end: the page's worth that would pass it is refused.
    EXPECT_EQ(value_of(write(*file, 3 * page - 1, "abc")), 1u);
    EXPECT_ERRNO(write(*file, 3 * page, "abc"), EPERM);
    EXPECT_EQ(value_of(write(*file, 3 * page - 2, "abc")), 2u);
    EXPECT_EQ(value_of(write(*file, 0, "abc")), 3u);
    EXPECT_EQ(value_of(file->seals()), seal::shrink | seal::grow);
}

TEST_F(TmpfsSealsTest, WriteSealsRefuseWritesButNotTruncates) {
    for (uint32_t which : {seal::write, seal::future_write}) {
        auto file = make_file(page);
        write_text(*file, 0, "kept");
        ASSERT_OK(file->add_seals(which));
        EXPECT_ERRNO(write(*file, 0, "x"), EPERM);
        EXPECT_EQ(read_text(*file, 0, 4), "kept");
        resize(*file, 2 * page);
        ASSERT_OK(host.file_system->root()->remove("f", false));
    }
}

TEST_F(TmpfsSealsTest, SealSealEndsTheAddingAndExecKeepsTheExecuteBits) {
    auto file = make_file(0);
    ASSERT_OK(file->add_seals(seal::exec | seal::seal));
    EXPECT_ERRNO(file->add_seals(seal::shrink), EPERM);
    AttributeChange change;
    change.fields = AttributeChange::Mode;
    change.mode = 0700;
    EXPECT_ERRNO(file->change_attributes(change), EPERM);
    change.mode = 0400;
    ASSERT_OK(file->change_attributes(change));
    EXPECT_EQ(attributes_of(*file).mode & 07777, 0400u);
}

} // namespace
