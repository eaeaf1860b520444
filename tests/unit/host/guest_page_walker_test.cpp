#include "vmm/guest_page_walker.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ingot {
namespace {

constexpr uint64_t present = 1, writable = 2, large = 0x80;
constexpr uint64_t pml4 = 0x1000, pdpt = 0x2000, pd = 0x3000, pt = 0x4000;

size_t index_of(uint64_t address, int level) { return (address >> (12 + 9 * level)) & 511; }

// Guest RAM of 4 MiB with a hand-built table tree:
//   0x0000_0040_0000 -> 4 KiB pages 0x10000 (first) and 0x20000 (second: not contiguous)
//   0x0000_4000_0000 -> a 2 MiB page at 0x200000
//   0x0080_0000_0000 -> a 1 GiB page at 0 (PDPT-level large page)
class GuestPageWalkerTest : public ::testing::Test {
protected:
    static constexpr uint64_t small_page = 0x400000, large_page = 0x40000000, huge_page = 0x8000000000;

    GuestPageWalkerTest() : memory(4 << 20) {
        entry(pml4, index_of(small_page, 3), pdpt | present | writable);
        entry(pdpt, index_of(small_page, 2), pd | present | writable);
        entry(pd, index_of(small_page, 1), pt | present | writable);
        entry(pt, index_of(small_page, 0), 0x10000 | present);
        entry(pt, index_of(small_page + 0x1000, 0), 0x20000 | present);
        entry(pt, index_of(small_page + 0x2000, 0), 0x30000); // not present
        entry(pdpt, index_of(large_page, 2), 0x5000 | present);
        entry(0x5000, index_of(large_page, 1), 0x200000 | present | large);
        entry(pml4, index_of(huge_page, 3), 0x6000 | present);
        entry(0x6000, index_of(huge_page, 2), 0 | present | large);
    }

    void entry(uint64_t table, size_t index, uint64_t value) { ASSERT_TRUE(memory.write(table + index * 8, value)); }

    GuestMemory memory;
};

TEST_F(GuestPageWalkerTest, TranslatesSmallPages) {
    GuestPageWalker walker(memory, pml4);
    EXPECT_EQ(walker.translate(small_page), 0x10000u);
    EXPECT_EQ(walker.translate(small_page + 0x123), 0x10123u);
    EXPECT_EQ(walker.translate(small_page + 0x1fff), 0x20fffu);
    EXPECT_FALSE(walker.translate(small_page + 0x2000)); // entry not present
    EXPECT_FALSE(walker.translate(small_page + 0x3000)); // empty entry
    EXPECT_FALSE(walker.translate(0));
    EXPECT_FALSE(walker.translate(0xffff800000000000));
}

TEST_F(GuestPageWalkerTest, TranslatesLargePages) {
    GuestPageWalker walker(memory, pml4);
    EXPECT_EQ(walker.translate(large_page), 0x200000u);
    EXPECT_EQ(walker.translate(large_page + 0x1abcde), 0x200000u + 0x1abcde);
    EXPECT_FALSE(walker.translate(large_page + 0x200000)); // the next 2 MiB: not mapped
    EXPECT_EQ(walker.translate(huge_page + 0x3456789), 0x3456789u);
}

TEST_F(GuestPageWalkerTest, IgnoresFlagBitsInCr3) {
    GuestPageWalker walker(memory, pml4 | 0x18); // PWT | PCD
    EXPECT_EQ(walker.translate(small_page), 0x10000u);
}

TEST_F(GuestPageWalkerTest, ReadsAcrossNonContiguousPages) {
    ASSERT_TRUE(memory.write<uint32_t>(0x10ffc, 0x44332211));
    ASSERT_TRUE(memory.write<uint32_t>(0x20000, 0x88776655));
    GuestPageWalker walker(memory, pml4);
    EXPECT_EQ(walker.read_u64(small_page + 0xffc), 0x8877665544332211u);
    char text[6] = {};
    std::memcpy(memory.host_base() + 0x10100, "hello", 6);
    ASSERT_TRUE(walker.read(small_page + 0x100, text, sizeof text));
    EXPECT_STREQ(text, "hello");
    // Running into the unmapped third page fails.
    uint64_t value;
    EXPECT_FALSE(walker.read(small_page + 0x1ffc, &value, sizeof value));
    EXPECT_FALSE(walker.read_u64(small_page + 0x2000));
    EXPECT_TRUE(walker.read(small_page, nullptr, 0));
}

TEST_F(GuestPageWalkerTest, RefusesTablesAndFramesOutsideRam) {
    // Table pointers and leaf frames are guest data: outside RAM they must not be followed.
    entry(pt, index_of(small_page + 0x2000, 0), (8ull << 30) | present);
    entry(pml4, index_of(0x10000000000, 3), (1ull << 40) | present);
    GuestPageWalker walker(memory, pml4);
    // The translation itself is arithmetic; reading through it must fail.
    EXPECT_EQ(walker.translate(small_page + 0x2000), 8ull << 30);
    EXPECT_FALSE(walker.read_u64(small_page + 0x2000));
    EXPECT_FALSE(walker.translate(0x10000000000));
    GuestPageWalker outside(memory, 1ull << 40);
    EXPECT_FALSE(outside.translate(small_page));
    // A frame that ends exactly at the end of RAM is fine; crossing it is not.
    entry(pt, index_of(small_page + 0x2000, 0), ((4 << 20) - 0x1000) | present);
    EXPECT_TRUE(walker.read_u64(small_page + 0x2ff8));
}

TEST_F(GuestPageWalkerTest, LargeBitInPml4IsNotALeaf) {
    // PS is reserved in a PML4 entry: the walker follows it as a table pointer.
    entry(pml4, index_of(0x20000000000, 3), 0x7000 | present | large);
    GuestPageWalker walker(memory, pml4);
    EXPECT_FALSE(walker.translate(0x20000000000)); // table 0x7000 is empty
}

} // namespace
} // namespace ingot
