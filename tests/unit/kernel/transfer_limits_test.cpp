#include "kernel/kernel_test_support.h"

#include "fs/transfer_limits.h"

namespace {

using kernel::IoVector;
using kernel::limit_io_vectors;
using kernel::max_transfer;
using kernel::transfer_length;
using kernel::within_user_space;
using kernel_test::value_of;

constexpr uint64_t top = 0x7ffffffff000; // TASK_SIZE_MAX

TEST(TransferLimits, WithinUserSpaceIsAccessOk) {
    EXPECT_TRUE(within_user_space(0x1000, 0x1000));
    EXPECT_TRUE(within_user_space(0, 0));
    EXPECT_TRUE(within_user_space(top - 8, 8));
    EXPECT_TRUE(within_user_space(top, 0));
    EXPECT_FALSE(within_user_space(top - 8, 9));
    EXPECT_FALSE(within_user_space(top + 1, 0));
    EXPECT_FALSE(within_user_space(0xffffffff80000000, 8));
    EXPECT_FALSE(within_user_space(0x1000, UINT64_MAX)); // wraps
    EXPECT_FALSE(within_user_space(UINT64_MAX, 2));
}

// Linux's vfs_read/vfs_write: EFAULT outside user space, then at most MAX_RW_COUNT.
TEST(TransferLimits, ReadWriteCountsAreClampedToMaxRwCount) {
    EXPECT_EQ(max_transfer, 0x7ffff000u);
    EXPECT_EQ(value_of(transfer_length(0x400000, 0)), 0u);
    EXPECT_EQ(value_of(transfer_length(0x400000, 100)), 100u);
    EXPECT_EQ(value_of(transfer_length(0x400000, max_transfer)), max_transfer);
    EXPECT_EQ(value_of(transfer_length(0x400000, max_transfer + 1)), max_transfer);
    EXPECT_EQ(value_of(transfer_length(0x400000, 1ull << 32)), max_transfer);
    EXPECT_ERRNO(transfer_length(0x400000, UINT64_MAX), EFAULT);
    EXPECT_ERRNO(transfer_length(0x400000, 1ull << 63), EFAULT);
    EXPECT_ERRNO(transfer_length(0xffffffff80000000, 8), EFAULT);
    EXPECT_ERRNO(transfer_length(top - 100, 101), EFAULT);
}

TEST(TransferLimits, IoVectorLengthsMustFitSsize) {
    IoVector vectors[] = {{0x1000, 4}, {0xffffffff80000000, 4}, {0x1000, 1ull << 63}};
    // EINVAL for the length wins over EFAULT for the earlier kernel buffer, as in Linux.
    EXPECT_ERRNO(limit_io_vectors(vectors, 3), EINVAL);
    EXPECT_ERRNO(limit_io_vectors(vectors, 2), EFAULT);
    IoVector huge[] = {{0x1000, 1ull << 62}, {0x1000, (1ull << 62) + 16}};
    EXPECT_ERRNO(limit_io_vectors(huge, 2), EFAULT); // past the top of user space
}

TEST(TransferLimits, IoVectorTotalsAreClamped) {
    IoVector vectors[] = {
        {0x1000, 0x40000000}, {0x1000, 0x40000000}, {0x1000, 0x1000}, {0x1000, 0}};
    EXPECT_EQ(value_of(limit_io_vectors(vectors, 4)), max_transfer);
    EXPECT_EQ(vectors[0].length, 0x40000000u);
    EXPECT_EQ(vectors[1].length, max_transfer - 0x40000000);
    EXPECT_EQ(vectors[2].length, 0u);
    IoVector small[] = {{0x1000, 5}, {0x2000, 3}};
    EXPECT_EQ(value_of(limit_io_vectors(small, 2)), 8u);
    EXPECT_EQ(value_of(limit_io_vectors(small, 0)), 0u);
}

} // namespace
