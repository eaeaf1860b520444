// What the address space tells the TLB: every present entry an operation changes is reported
// stale, and each operation commits at most once, after its last change (on hvt in ring 3 a
// commit is one exit to the monitor).
#include "kernel/kernel_test_support.h"

#include "mm/address_space.h"

#include <set>

namespace {

using kernel::AddressSpace;
using kernel::FrameAllocator;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::Placement;
using kernel::RegionKind;
using kernel::Zeroed;
namespace protection = kernel::protection;
using kernel_test::GuestRam;
using kernel_test::value_of;

constexpr uint64_t page = 4096;
constexpr uint64_t memory_size = 8 << 20;
constexpr uint64_t base = 0x40000000;
constexpr uint32_t read_write = protection::read | protection::write;

class RecordingTlb final : public kernel::TlbInvalidator {
public:
    void stale(uint64_t virtual_address) override { pending.insert(virtual_address); }
    void commit() override {
        ++commits;
        // Committing with nothing stale would be an exit for nothing.
        EXPECT_FALSE(pending.empty());
        flushed.insert(pending.begin(), pending.end());
        pending.clear();
    }

    std::set<uint64_t> pending;
    std::set<uint64_t> flushed;
    int commits = 0;
};

class TlbInvalidationTest : public ::testing::Test {
protected:
    TlbInvalidationTest() : ram(memory_size) {
        frames.initialize(ram.base(), memory_size, 1 << 20, true);
        root = value_of(frames.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(frames, root, &tlb);
        space = std::make_unique<AddressSpace>(frames, *table, 0x10000, 0x800000000000);
    }

    void map(uint64_t address, uint64_t pages, uint32_t prot) {
        value_of(space->map_anonymous(address, pages * page, prot, Placement::Fixed,
                                      RegionKind::Anonymous));
    }
    // Forgets what setting up reported.
    void reset() {
        tlb.flushed.clear();
        tlb.commits = 0;
    }
    std::set<uint64_t> pages(uint64_t address, uint64_t count) {
        std::set<uint64_t> result;
        for (uint64_t i = 0; i < count; ++i)
            result.insert(address + i * page);
        return result;
    }

    GuestRam ram;
    FrameAllocator frames;
    PhysicalAddress root = 0;
    RecordingTlb tlb;
    std::unique_ptr<PageTable> table;
    std::unique_ptr<AddressSpace> space;
};

TEST_F(TlbInvalidationTest, FreshMappingsInvalidateNothing) {
    map(base, 64, read_write);
    EXPECT_EQ(tlb.commits, 0);
    EXPECT_TRUE(tlb.pending.empty());
}

TEST_F(TlbInvalidationTest, UnmapOfManyPagesCommitsOnce) {
    map(base, 300, read_write);
    reset();
    ASSERT_OK(space->unmap(base, 300 * page));
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base, 300));
    EXPECT_TRUE(tlb.pending.empty());
}

TEST_F(TlbInvalidationTest, UnmapOfReservationsCommitsNothing) {
    map(base, 300, protection::none);
    reset();
    ASSERT_OK(space->unmap(base, 300 * page));
    EXPECT_EQ(tlb.commits, 0);
}

TEST_F(TlbInvalidationTest, ProtectCommitsOnceForTheChangedPages) {
    map(base, 16, read_write);
    reset();
    ASSERT_OK(space->protect(base + 4 * page, 8 * page, protection::read));
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base + 4 * page, 8));
    reset();
    ASSERT_OK(space->protect(base, 16 * page, protection::none));
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base, 16));
}

TEST_F(TlbInvalidationTest, FixedMappingOverAnotherCommitsOnce) {
    map(base, 8, read_write);
    reset();
    map(base + 2 * page, 4, protection::read);
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base + 2 * page, 4));
}

TEST_F(TlbInvalidationTest, MovingRemapCommitsOnceForTheOldAddresses) {
    map(base, 8, read_write);
    map(base + 8 * page, 1, protection::read); // blocks growing in place
    reset();
    uint64_t moved = value_of(space->resize(base, 8 * page, 32 * page, true));
    ASSERT_NE(moved, base);
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base, 8));
}

TEST_F(TlbInvalidationTest, ShrinkingRemapCommitsOnce) {
    map(base, 8, read_write);
    reset();
    EXPECT_EQ(value_of(space->resize(base, 8 * page, 2 * page, false)), base);
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base + 2 * page, 6));
}

TEST_F(TlbInvalidationTest, EditsOutsideABatchCommitAtOnce) {
    ASSERT_OK(table->map(base, value_of(frames.allocate(Zeroed::Yes)), kernel::pte::present));
    EXPECT_EQ(tlb.commits, 0);
    table->unmap(base);
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base, 1));
}

// Patching code the program runs (the syscall rewriter): a lent page is copied and remapped,
// which leaves its old translation stale; a page of the mapping's own is written in place.
TEST_F(TlbInvalidationTest, PrivateByteCopiesALentPageOnce) {
    PhysicalAddress lent = value_of(frames.allocate(Zeroed::Yes));
    frames.to_virtual(lent)[5] = 0xb8;
    ASSERT_OK(space->add_region(base, base + page, protection::read | protection::execute,
                                RegionKind::Program));
    ASSERT_OK(table->map(base, lent,
                         AddressSpace::entry_flags(protection::read | protection::execute) |
                             kernel::pte::borrowed));
    reset();
    uint8_t* byte = value_of(space->private_byte(base + 5));
    EXPECT_EQ(*byte, 0xb8);
    *byte = 0xe9;
    EXPECT_EQ(frames.to_virtual(lent)[5], 0xb8) << "the lender's page stays as it was";
    EXPECT_EQ(tlb.commits, 1);
    EXPECT_EQ(tlb.flushed, pages(base, 1));
    uint64_t entry = *table->leaf(base);
    EXPECT_FALSE(entry & kernel::pte::borrowed);
    EXPECT_EQ(entry & ~kernel::pte::address_mask,
              AddressSpace::entry_flags(protection::read | protection::execute));

    reset();
    EXPECT_EQ(value_of(space->private_byte(base + 6)), byte + 1);
    EXPECT_EQ(tlb.commits, 0);
    EXPECT_ERRNO(space->private_byte(base + page), EFAULT);
}

TEST_F(TlbInvalidationTest, PrivateByteRefusesSharedMappings) {
    value_of(space->map_shared_anonymous(base, page, read_write, Placement::Fixed,
                                         RegionKind::Anonymous));
    EXPECT_ERRNO(space->private_byte(base), EFAULT);
}

TEST_F(TlbInvalidationTest, PlacementBelowTakesTheHighestRangeUnderTheAddress) {
    map(base, 1, read_write);
    uint64_t below = value_of(space->map_anonymous(base, page, protection::read, Placement::Below,
                                                   RegionKind::SyscallStubs));
    EXPECT_EQ(below, base - page);
    uint64_t next = value_of(space->map_anonymous(base + page / 2, page, protection::read,
                                                  Placement::Below, RegionKind::SyscallStubs));
    EXPECT_EQ(next, base - 2 * page);
}

} // namespace
