#include "kernel/kernel_test_support.h"

#include "lib/string.h"

namespace {

TEST(KernelString, Equals) {
    EXPECT_TRUE(kernel::string_equals("", ""));
    EXPECT_TRUE(kernel::string_equals("abc", "abc"));
    EXPECT_FALSE(kernel::string_equals("abc", "abd"));
    EXPECT_FALSE(kernel::string_equals("abc", "ab"));
    EXPECT_FALSE(kernel::string_equals("ab", "abc"));
    EXPECT_FALSE(kernel::string_equals("", "a"));
}

TEST(KernelString, MemchrBounded) {
    const char text[] = {'a', 'b', 0, 'c', 0};
    EXPECT_EQ(kernel::memchr_bounded(text, 5), text + 2);
    EXPECT_EQ(kernel::memchr_bounded(text, 3), text + 2);
    EXPECT_EQ(kernel::memchr_bounded(text, 2), nullptr);
    EXPECT_EQ(kernel::memchr_bounded(text, 0), nullptr);
    EXPECT_EQ(kernel::memchr_bounded(text + 3, 2), text + 4);
}

TEST(KernelErrno, Names) {
    EXPECT_STREQ(kernel::errno_name(kernel::ENOMEM), "ENOMEM");
    EXPECT_STREQ(kernel::errno_name(kernel::E2BIG), "E2BIG");
    EXPECT_STREQ(kernel::errno_name(kernel::ENOEXEC), "ENOEXEC");
    EXPECT_STREQ(kernel::errno_name(9999), "E?");
    // The values are Linux's.
    EXPECT_EQ(int(kernel::ENOMEM), 12);
    EXPECT_EQ(int(kernel::EINVAL), 22);
    EXPECT_EQ(int(kernel::ETIMEDOUT), 110);
}

} // namespace
