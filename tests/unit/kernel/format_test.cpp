#include "kernel/kernel_test_support.h"

#include "lib/format.h"

namespace {

using kernel::format;

// Not format-checked on purpose: some tests pass patterns printf would warn about.
std::string formatted(const char* pattern, ...) {
    char buffer[256];
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = kernel::vformat(buffer, sizeof buffer, pattern, arguments);
    va_end(arguments);
    EXPECT_EQ(length, std::strlen(buffer));
    return buffer;
}

TEST(KernelFormat, Integers) {
    EXPECT_EQ(formatted("%d", 0), "0");
    EXPECT_EQ(formatted("%d", 42), "42");
    EXPECT_EQ(formatted("%i", -42), "-42");
    EXPECT_EQ(formatted("%d", INT32_MIN), "-2147483648");
    EXPECT_EQ(formatted("%u", 4000000000u), "4000000000");
    EXPECT_EQ(formatted("%ld", INT64_MIN), "-9223372036854775808");
    EXPECT_EQ(formatted("%lld", (long long)INT64_MAX), "9223372036854775807");
    EXPECT_EQ(formatted("%lu", UINT64_MAX), "18446744073709551615");
    EXPECT_EQ(formatted("%zu", size_t(123456789012)), "123456789012");
    EXPECT_EQ(formatted("%x", 0xdeadbeefu), "deadbeef");
    EXPECT_EQ(formatted("%lx", 0xffffffff80000000ul), "ffffffff80000000");
    EXPECT_EQ(formatted("%llx", 0x0ull), "0");
    EXPECT_EQ(formatted("%X", 0xdeadbeefu), "DEADBEEF");
    EXPECT_EQ(formatted("%08X", 0x10200c0u), "010200C0");
}

TEST(KernelFormat, WidthAndPadding) {
    EXPECT_EQ(formatted("[%5d]", 42), "[   42]");
    EXPECT_EQ(formatted("[%05d]", 42), "[00042]");
    EXPECT_EQ(formatted("[%5d]", -42), "[  -42]");
    EXPECT_EQ(formatted("[%05d]", -42), "[-0042]");
    EXPECT_EQ(formatted("[%2d]", 12345), "[12345]");
    EXPECT_EQ(formatted("[%016lx]", 0x1234ul), "[0000000000001234]");
    EXPECT_EQ(formatted("[%8s]", "abc"), "[     abc]");
    EXPECT_EQ(formatted("[%2s]", "abcdef"), "[abcdef]");
}

TEST(KernelFormat, StringsCharactersPointers) {
    EXPECT_EQ(formatted("%s and %s", "this", "that"), "this and that");
    EXPECT_EQ(formatted("%s", static_cast<const char*>(nullptr)), "(null)");
    EXPECT_EQ(formatted("%s", ""), "");
    EXPECT_EQ(formatted("%c%c%c", 'a', 'b', 'c'), "abc");
    EXPECT_EQ(formatted("%p", reinterpret_cast<void*>(0x1000)), "0x1000");
    EXPECT_EQ(formatted("%p", static_cast<void*>(nullptr)), "0x0");
    EXPECT_EQ(formatted("100%%"), "100%");
}

TEST(KernelFormat, UnknownConversionsAreKept) {
    EXPECT_EQ(formatted("%q"), "%q");
    EXPECT_EQ(formatted("a%"), "a"); // a lone % at the end
}

TEST(KernelFormat, TruncatesAndReportsTheFullLength) {
    char buffer[8];
    std::memset(buffer, '#', sizeof buffer);
    EXPECT_EQ(format(buffer, 4, "hello %d", 12345), 11u);
    EXPECT_STREQ(buffer, "hel");
    EXPECT_EQ(buffer[4], '#'); // nothing past the given size
    EXPECT_EQ(format(buffer, 1, "hello"), 5u);
    EXPECT_STREQ(buffer, "");
    buffer[0] = '#';
    EXPECT_EQ(format(buffer, 0, "hello"), 5u);
    EXPECT_EQ(buffer[0], '#');
    EXPECT_EQ(format(nullptr, 0, "%d", 1234), 4u);
    EXPECT_EQ(format(buffer, 6, "%s", "hello"), 5u); // exactly fits
    EXPECT_STREQ(buffer, "hello");
}

TEST(KernelFormatBuffer, AppendsUntilFull) {
    char buffer[16];
    kernel::FormatBuffer text(buffer, sizeof buffer);
    EXPECT_STREQ(text.text(), "");
    EXPECT_EQ(text.length(), 0u);
    text.append("pid=%d", 7);
    text.append(" %s", "ok");
    EXPECT_STREQ(text.text(), "pid=7 ok");
    EXPECT_EQ(text.length(), 8u);
    text.append(" and then some more");
    EXPECT_EQ(text.length(), 15u);
    EXPECT_STREQ(text.text(), "pid=7 ok and th");
    text.append("ignored");
    EXPECT_STREQ(text.text(), "pid=7 ok and th");
}

TEST(KernelFormatBuffer, ExactFillThenMore) {
    char buffer[8];
    kernel::FormatBuffer text(buffer, sizeof buffer);
    text.append("1234567");
    EXPECT_STREQ(text.text(), "1234567");
    text.append("89");
    EXPECT_STREQ(text.text(), "1234567");
    EXPECT_EQ(text.length(), 7u);
}

} // namespace
