#include "kernel/file_system_test_support.h"

#include "fs/file_locks.h"

namespace {

using kernel::file_locks::LockTable;
using kernel::file_locks::LockType;
using kernel::file_locks::process_owner;
using kernel::file_locks::to_end_of_file;

class FileLocksTest : public ::testing::Test {
protected:
    FileLocksTest() {
        file = kernel_test::value_of(
            host.file_system->root()->create("f", kernel::vfs::NodeType::Regular, 0644, 0));
        other = kernel_test::value_of(
            host.file_system->root()->create("g", kernel::vfs::NodeType::Regular, 0644, 0));
    }
    ~FileLocksTest() override { file = other = nullptr; }

    bool conflicts(const void* owner, LockType type, uint64_t start, uint64_t end) {
        return table.find_conflict(*file, owner, type, start, end) != nullptr;
    }

    kernel_test::TmpfsHost host;
    kernel::RefPtr<kernel::vfs::Inode> file, other;
    LockTable table;
    const char first_owner = 0, second_owner = 0;
    const void* first = &first_owner;
    const void* second = &second_owner;
};

TEST_F(FileLocksTest, OnlyOtherOwnersConflictAndReadersShare) {
    ASSERT_OK(table.set(*file, first, LockType::Write, 0, 10));
    EXPECT_FALSE(conflicts(first, LockType::Write, 0, 10));
    EXPECT_TRUE(conflicts(second, LockType::Read, 9, 20));
    EXPECT_FALSE(conflicts(second, LockType::Write, 10, 20));
    EXPECT_TRUE(conflicts(process_owner, LockType::Read, 0, 1));
    EXPECT_FALSE(table.find_conflict(*other, second, LockType::Write, 0, 10));
    ASSERT_OK(table.set(*file, first, LockType::Read, 0, 10));
    EXPECT_FALSE(conflicts(second, LockType::Read, 0, 10));
    EXPECT_TRUE(conflicts(second, LockType::Write, 5, 6));
    EXPECT_FALSE(conflicts(second, LockType::Unlock, 0, 10));
}

TEST_F(FileLocksTest, UnlockingTheMiddleSplitsALock) {
    ASSERT_OK(table.set(*file, first, LockType::Write, 0, to_end_of_file));
    ASSERT_OK(table.set(*file, first, LockType::Unlock, 100, 200));
    EXPECT_TRUE(conflicts(second, LockType::Read, 99, 100));
    EXPECT_FALSE(conflicts(second, LockType::Write, 100, 200));
    EXPECT_TRUE(conflicts(second, LockType::Read, 200, 201));
    EXPECT_TRUE(conflicts(second, LockType::Read, 1ull << 40, 1ull << 41));
    // Trimming both ends and replacing a part with another type.
    ASSERT_OK(table.set(*file, first, LockType::Read, 50, 250));
    EXPECT_FALSE(conflicts(second, LockType::Read, 50, 250));
    EXPECT_TRUE(conflicts(second, LockType::Write, 50, 51));
    EXPECT_TRUE(conflicts(second, LockType::Read, 49, 50));
    EXPECT_TRUE(conflicts(second, LockType::Read, 250, 251));
}

TEST_F(FileLocksTest, ReleaseDropsAnOwnersLocks) {
    ASSERT_OK(table.set(*file, first, LockType::Write, 0, 10));
    ASSERT_OK(table.set(*other, first, LockType::Write, 0, 10));
    ASSERT_OK(table.set(*file, process_owner, LockType::Write, 20, 30));
    table.release(file.get(), first);
    EXPECT_FALSE(conflicts(second, LockType::Write, 0, 10));
    EXPECT_TRUE(table.find_conflict(*other, second, LockType::Write, 0, 10));
    EXPECT_TRUE(conflicts(second, LockType::Write, 20, 30));
    table.release(nullptr, first);
    EXPECT_FALSE(table.find_conflict(*other, second, LockType::Write, 0, 10));
}

} // namespace
