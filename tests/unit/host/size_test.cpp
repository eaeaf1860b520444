#include "support/size.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace ingot {
namespace {

TEST(ParseSize, PlainNumbersAreBytes) {
    EXPECT_EQ(parse_size("0"), 0u);
    EXPECT_EQ(parse_size("4096"), 4096u);
    EXPECT_EQ(parse_size("4096B"), 4096u);
    EXPECT_EQ(parse_size("18446744073709551615"), UINT64_MAX);
}

TEST(ParseSize, BinarySuffixesInAnyCase) {
    EXPECT_EQ(parse_size("8k"), 8u << 10);
    EXPECT_EQ(parse_size("8K"), 8u << 10);
    EXPECT_EQ(parse_size("8KB"), 8u << 10);
    EXPECT_EQ(parse_size("8kib"), 8u << 10);
    EXPECT_EQ(parse_size("64M"), 64ull << 20);
    EXPECT_EQ(parse_size("512MiB"), 512ull << 20);
    EXPECT_EQ(parse_size("512mb"), 512ull << 20);
    EXPECT_EQ(parse_size("1G"), 1ull << 30);
    EXPECT_EQ(parse_size("3GiB"), 3ull << 30);
    EXPECT_EQ(parse_size("2gb"), 2ull << 30);
}

TEST(ParseSize, RejectsMalformedText) {
    EXPECT_EQ(parse_size(""), std::nullopt);
    EXPECT_EQ(parse_size("M"), std::nullopt);
    EXPECT_EQ(parse_size("-1"), std::nullopt);
    EXPECT_EQ(parse_size(" 64M"), std::nullopt);
    EXPECT_EQ(parse_size("64 M"), std::nullopt);
    EXPECT_EQ(parse_size("64T"), std::nullopt);
    EXPECT_EQ(parse_size("64MM"), std::nullopt);
    EXPECT_EQ(parse_size("1.5G"), std::nullopt);
    EXPECT_EQ(parse_size("0x100"), std::nullopt);
}

TEST(ParseSize, RejectsOverflow) {
    EXPECT_EQ(parse_size("18446744073709551616"), std::nullopt);
    EXPECT_EQ(parse_size("17179869184G"), std::nullopt); // 2^34 GiB = 2^64
    EXPECT_EQ(parse_size("17179869183G"), (17179869183ull << 30));
    EXPECT_EQ(parse_size("18014398509481984K"), std::nullopt); // 2^54 KiB
}

TEST(FormatSize, PicksTheLargestExactUnit) {
    EXPECT_EQ(format_size(0), "0 B");
    EXPECT_EQ(format_size(1023), "1023 B");
    EXPECT_EQ(format_size(1024), "1.0 KiB");
    EXPECT_EQ(format_size(1536), "1.5 KiB");
    EXPECT_EQ(format_size(1ull << 20), "1 MiB");
    EXPECT_EQ(format_size(64ull << 20), "64 MiB");
    EXPECT_EQ(format_size((1ull << 20) + (1ull << 19)), "1.5 MiB");
    EXPECT_EQ(format_size(1ull << 30), "1 GiB");
    EXPECT_EQ(format_size(3ull << 30), "3 GiB");
    EXPECT_EQ(format_size((3ull << 30) + (1ull << 20)), "3073 MiB");
}

TEST(FormatSize, RoundTripsThroughParseSize) {
    for (uint64_t size : {1ull << 20, 64ull << 20, 1ull << 30, 5ull << 30}) {
        std::string text = format_size(size);
        text.erase(text.find(' '), 1);
        EXPECT_EQ(parse_size(text), size) << text;
    }
}

} // namespace
} // namespace ingot
