#include "kernel/kernel_test_support.h"

#include "arch/x86_64/page_table.h"

namespace {

using kernel::FrameAllocator;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::Zeroed;
namespace pte = kernel::pte;
using kernel_test::GuestRam;
using kernel_test::value_of;

constexpr uint64_t memory_size = 4 << 20;
constexpr uint64_t page = 4096;

class PageTableTest : public ::testing::Test {
protected:
    PageTableTest() : ram(memory_size) {
        frames.initialize(ram.base(), memory_size, 1 << 20, true);
        root = value_of(frames.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(frames, root);
    }
    GuestRam ram;
    FrameAllocator frames;
    PhysicalAddress root = 0;
    std::unique_ptr<PageTable> table;
};

TEST_F(PageTableTest, MapThenTranslate) {
    PhysicalAddress frame = value_of(frames.allocate(Zeroed::Yes));
    size_t before = frames.free_frames();
    ASSERT_OK(table->map(0x400000, frame, pte::present | pte::user));
    EXPECT_EQ(frames.free_frames(), before - 3); // PDPT, PD, PT
    PhysicalAddress physical = 0;
    ASSERT_TRUE(table->translate(0x400123, physical));
    EXPECT_EQ(physical, frame + 0x123);
    EXPECT_FALSE(table->translate(0x401000, physical));
    EXPECT_FALSE(table->translate(0x7fff00000000, physical));
    uint64_t* leaf = table->leaf(0x400000);
    ASSERT_NE(leaf, nullptr);
    EXPECT_EQ(*leaf, frame | pte::present | pte::user);
    // A neighbour in the same table shares it: no new table frames.
    ASSERT_OK(table->map(0x401000, value_of(frames.allocate(Zeroed::Yes)), pte::present));
    EXPECT_EQ(frames.free_frames(), before - 3 - 1);
}

TEST_F(PageTableTest, IntermediateEntriesAreUserWritable) {
    ASSERT_OK(table->map(0x7ffffffff000, 0x200000, pte::present));
    uint64_t* pml4 = reinterpret_cast<uint64_t*>(frames.to_virtual(root));
    uint64_t entry = pml4[(0x7ffffffff000ull >> 39) & 511];
    EXPECT_EQ(entry & (pte::present | pte::writable | pte::user), pte::present | pte::writable | pte::user);
}

TEST_F(PageTableTest, MapRefusesAnOccupiedSlot) {
    ASSERT_OK(table->map(0x400000, 0x200000, pte::present));
    EXPECT_ERRNO(table->map(0x400000, 0x201000, pte::present), EEXIST);
    // A kept (PROT_NONE but backed) entry also occupies its slot.
    table->set_entry(0x400000, 0x200000 | pte::kept);
    EXPECT_ERRNO(table->map(0x400000, 0x201000, pte::present), EEXIST);
    PhysicalAddress physical;
    EXPECT_FALSE(table->translate(0x400000, physical)); // kept is not present
}

TEST_F(PageTableTest, UnmapReturnsTheOldEntry) {
    ASSERT_OK(table->map(0x400000, 0x200000, pte::present | pte::writable));
    EXPECT_EQ(table->unmap(0x400000), 0x200000 | pte::present | pte::writable);
    EXPECT_EQ(table->unmap(0x400000), 0u);
    PhysicalAddress physical;
    EXPECT_FALSE(table->translate(0x400000, physical));
    EXPECT_EQ(table->unmap(0x12340000000), 0u); // no table reaches it
    ASSERT_OK(table->map(0x400000, 0x300000, pte::present)); // the slot is free again
}

TEST_F(PageTableTest, SetEntryOnlyWhereATableExists) {
    table->set_entry(0x400000, 0x200000 | pte::present);
    EXPECT_EQ(table->leaf(0x400000), nullptr);
    ASSERT_OK(table->map(0x401000, 0x200000, pte::present));
    table->set_entry(0x400000, 0x300000 | pte::present);
    PhysicalAddress physical;
    ASSERT_TRUE(table->translate(0x400000, physical));
    EXPECT_EQ(physical, 0x300000u);
}

TEST_F(PageTableTest, OutOfFramesForTables) {
    while (frames.free_frames() > 1)
        (void)value_of(frames.allocate(Zeroed::No));
    // Three tables needed, one frame left.
    EXPECT_ERRNO(table->map(0x400000, 0x200000, pte::present), ENOMEM);
    EXPECT_EQ(frames.free_frames(), 0u);
}

TEST_F(PageTableTest, LargePagesTranslateButCannotBeSplit) {
    uint64_t* pml4 = reinterpret_cast<uint64_t*>(frames.to_virtual(root));
    PhysicalAddress pdpt = value_of(frames.allocate(Zeroed::Yes));
    PhysicalAddress pd = value_of(frames.allocate(Zeroed::Yes));
    pml4[0] = pdpt | pte::present | pte::writable;
    reinterpret_cast<uint64_t*>(frames.to_virtual(pdpt))[1] = 0x40000000 | pte::present | pte::large; // 1 GiB at 1 GiB
    reinterpret_cast<uint64_t*>(frames.to_virtual(pdpt))[0] = pd | pte::present;
    reinterpret_cast<uint64_t*>(frames.to_virtual(pd))[3] = 0x600000 | pte::present | pte::large; // 2 MiB at 6 MiB
    PhysicalAddress physical;
    ASSERT_TRUE(table->translate(0x600000 + 0x12345, physical));
    EXPECT_EQ(physical, 0x600000u + 0x12345);
    ASSERT_TRUE(table->translate(0x40000000 + 0x1234567, physical));
    EXPECT_EQ(physical, 0x40000000u + 0x1234567);
    EXPECT_ERRNO(table->map(0x601000, 0x200000, pte::present), EEXIST);
    EXPECT_EQ(table->leaf(0x601000), nullptr);
    EXPECT_EQ(table->leaf(0x40001000), nullptr);
}

TEST_F(PageTableTest, NextCandidateSkipsAbsentTables) {
    const uint64_t end = 0x800000000000;
    EXPECT_EQ(table->next_candidate(0, end), end); // empty tree
    ASSERT_OK(table->map(0x40000000 + 5 * page, 0x200000, pte::present));
    // Everything before the one page table is skipped to its start.
    EXPECT_EQ(table->next_candidate(0, end), 0x40000000u);
    EXPECT_EQ(table->next_candidate(0x40000000 + 7 * page, end), 0x40000000u + 7 * page); // same table
    EXPECT_EQ(table->next_candidate(0x40200000, end), end); // past it
    EXPECT_EQ(table->next_candidate(0, 0x3ffff000), 0x3ffff000u); // bounded by end
    EXPECT_EQ(table->next_candidate(end - page, end), end);
    EXPECT_EQ(table->next_candidate(UINT64_MAX & ~(page - 1), UINT64_MAX), UINT64_MAX); // no wrap-around loop
}

} // namespace
