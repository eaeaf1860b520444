#include "kernel/kernel_test_support.h"

#include "linux/program_break.h"

namespace {

using kernel::Access;
using kernel::AddressSpace;
using kernel::FrameAllocator;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::Placement;
using kernel::ProgramBreak;
using kernel::RegionKind;
using kernel::Zeroed;
namespace protection = kernel::protection;
using kernel_test::GuestRam;
using kernel_test::value_of;

constexpr uint64_t page = 4096;
constexpr uint64_t memory_size = 8 << 20;
constexpr uint64_t program_start = 0x400000;
constexpr uint64_t start = 0x500000; // the page after the program

class ProgramBreakTest : public ::testing::Test {
protected:
    ProgramBreakTest() : ram(memory_size) {
        frames.initialize(ram.base(), memory_size, 1 << 20, true);
        root = value_of(frames.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(frames, root);
        space = std::make_unique<AddressSpace>(frames, *table, 0x10000, 0x7ffffffff000);
        EXPECT_EQ(kernel_test::outcome(space->add_region(program_start, start, protection::read,
                                                         RegionKind::Program)),
                  "OK");
        heap.set_start(start);
    }

    GuestRam ram;
    FrameAllocator frames;
    PhysicalAddress root = 0;
    std::unique_ptr<PageTable> table;
    std::unique_ptr<AddressSpace> space;
    ProgramBreak heap;
};

TEST_F(ProgramBreakTest, GrowsAndShrinks) {
    EXPECT_EQ(heap.move(*space, 0), start); // brk(0) asks where it is
    EXPECT_EQ(heap.move(*space, start + 3 * page + 5), start + 3 * page + 5);
    EXPECT_TRUE(space->is_accessible(start, 4 * page, Access::Write));
    EXPECT_EQ(space->find(start)->kind, RegionKind::Heap);
    EXPECT_EQ(heap.move(*space, start + page), start + page);
    EXPECT_TRUE(space->is_accessible(start, page, Access::Write));
    EXPECT_EQ(space->find(start + page), nullptr);
    EXPECT_EQ(heap.move(*space, start), start);
    EXPECT_EQ(space->find(start), nullptr);
}

// brk(0xfffffffffffffff0) used to round up to 0 and unmap everything from 0, the program
// included. Linux leaves the break where it is for any value it cannot set.
TEST_F(ProgramBreakTest, HostileValuesLeaveTheBreakUnchanged) {
    EXPECT_EQ(heap.move(*space, start + page), start + page);
    const uint64_t hostile[] = {0xfffffffffffffff0, UINT64_MAX,         0xfffffffffffff001,
                                0xffffffff80000000, 0x0000800000001000, uint64_t(1) << 63,
                                start - 1,          program_start};
    for (uint64_t wanted : hostile) {
        EXPECT_EQ(heap.move(*space, wanted), start + page) << std::hex << wanted;
        EXPECT_EQ(space->find(program_start)->kind, RegionKind::Program) << std::hex << wanted;
        EXPECT_TRUE(space->is_accessible(start, page, Access::Write)) << std::hex << wanted;
    }
    EXPECT_EQ(space->region_count(), 2u);
}

TEST_F(ProgramBreakTest, KeepsAPageFreeBeforeTheNextMapping) {
    uint64_t next = start + 8 * page;
    value_of(space->map_anonymous(next, page, protection::read, Placement::Fixed,
                                  RegionKind::Anonymous));
    EXPECT_EQ(heap.move(*space, next), start);            // would touch it
    EXPECT_EQ(heap.move(*space, next - 1), start);        // would end right before it
    EXPECT_EQ(heap.move(*space, next + 4 * page), start); // would cover it
    EXPECT_EQ(heap.move(*space, next - page), next - page);
    EXPECT_EQ(space->find(next)->kind, RegionKind::Anonymous);
}

} // namespace
