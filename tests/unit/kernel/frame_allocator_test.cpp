#include "kernel/kernel_test_support.h"

#include "mm/frame_allocator.h"

namespace {

using kernel::FrameAllocator;
using kernel::PhysicalAddress;
using kernel::Zeroed;
using kernel_test::GuestRam;
using kernel_test::value_of;

constexpr uint64_t frame = 4096;
constexpr uint64_t memory_size = 4 << 20;   // 1024 frames
constexpr uint64_t first_free = 1 << 20;    // 256 frames reserved
constexpr size_t reserved_frames = 256 + 1; // plus one page of bitmaps

class FrameAllocatorTest : public ::testing::Test {
protected:
    FrameAllocatorTest() : ram(memory_size) { frames.initialize(ram.base(), memory_size, first_free, true); }
    GuestRam ram;
    FrameAllocator frames;
};

TEST_F(FrameAllocatorTest, CountsFreeFramesAfterReservedAndBitmaps) {
    EXPECT_EQ(frames.total_frames(), memory_size / frame);
    EXPECT_EQ(frames.free_frames(), memory_size / frame - reserved_frames);
    EXPECT_EQ(frames.lowest_free_frames(), frames.free_frames());
    EXPECT_EQ(frames.to_virtual(0x5000), ram.base() + 0x5000);
}

TEST_F(FrameAllocatorTest, HandsOutEveryFreeFrameOnceThenEnomem) {
    std::set<PhysicalAddress> seen;
    size_t available = frames.free_frames();
    for (size_t i = 0; i < available; ++i) {
        auto result = frames.allocate(Zeroed::No);
        ASSERT_FALSE(result.is_error()) << "allocation " << i;
        PhysicalAddress address = result.value();
        EXPECT_EQ(address % frame, 0u);
        EXPECT_GE(address, reserved_frames * frame) << "handed out a reserved frame";
        EXPECT_LT(address, memory_size);
        EXPECT_TRUE(seen.insert(address).second) << "handed out twice: " << address;
    }
    EXPECT_EQ(frames.free_frames(), 0u);
    EXPECT_EQ(frames.lowest_free_frames(), 0u);
    EXPECT_ERRNO(frames.allocate(Zeroed::No), ENOMEM);
    EXPECT_ERRNO(frames.allocate(Zeroed::Yes), ENOMEM);
    EXPECT_ERRNO(frames.allocate_contiguous(1, Zeroed::No), ENOMEM);

    PhysicalAddress returned = *std::next(seen.begin(), 10);
    frames.free(returned);
    EXPECT_EQ(frames.free_frames(), 1u);
    EXPECT_EQ(frames.lowest_free_frames(), 0u); // the low-water mark stays
    EXPECT_EQ(value_of(frames.allocate(Zeroed::No)), returned);
}

TEST_F(FrameAllocatorTest, FreeIgnoresDoubleFreeAndOutOfRange) {
    PhysicalAddress address = value_of(frames.allocate(Zeroed::No));
    size_t free_before = frames.free_frames();
    frames.free(address);
    frames.free(address);
    EXPECT_EQ(frames.free_frames(), free_before + 1);
    frames.free(memory_size);
    frames.free(UINT64_MAX & ~(frame - 1));
    EXPECT_EQ(frames.free_frames(), free_before + 1);
}

TEST_F(FrameAllocatorTest, ReusedFramesAreZeroedOnRequest) {
    std::vector<PhysicalAddress> all;
    while (frames.free_frames())
        all.push_back(value_of(frames.allocate(Zeroed::No)));
    PhysicalAddress address = all[all.size() / 2];
    std::memset(frames.to_virtual(address), 0x5a, frame);
    frames.free(address); // now the only free frame, and dirty
    PhysicalAddress again = value_of(frames.allocate(Zeroed::Yes));
    ASSERT_EQ(again, address);
    for (uint64_t i = 0; i < frame; ++i)
        ASSERT_EQ(frames.to_virtual(again)[i], 0) << i;
    // The same through allocate_contiguous.
    std::memset(frames.to_virtual(address), 0x5a, frame);
    frames.free(address);
    ASSERT_EQ(value_of(frames.allocate_contiguous(1, Zeroed::Yes)), address);
    EXPECT_EQ(*std::max_element(frames.to_virtual(address), frames.to_virtual(address) + frame), 0);
}

TEST_F(FrameAllocatorTest, ReusedFramesKeepContentsWithoutZeroing) {
    std::vector<PhysicalAddress> all;
    while (frames.free_frames())
        all.push_back(value_of(frames.allocate(Zeroed::No)));
    PhysicalAddress address = all[7];
    std::memset(frames.to_virtual(address), 0x5a, frame);
    frames.free(address);
    ASSERT_EQ(value_of(frames.allocate(Zeroed::No)), address);
    EXPECT_EQ(frames.to_virtual(address)[100], 0x5a);
}

TEST(FrameAllocator, FreshFramesAreNotTouchedWhenMemoryIsKnownZero) {
    // With fresh_memory_is_zero, a never-used frame is trusted to be zero: the allocator does
    // not write it (keeping host memory untouched). Fill RAM to observe that.
    GuestRam ram(memory_size, 0x77);
    FrameAllocator frames;
    frames.initialize(ram.base(), memory_size, first_free, true);
    PhysicalAddress address = value_of(frames.allocate(Zeroed::Yes));
    EXPECT_EQ(frames.to_virtual(address)[0], 0x77);
}

TEST(FrameAllocator, DirtyMemoryIsZeroedWhenNotKnownZero) {
    GuestRam ram(memory_size, 0x77);
    FrameAllocator frames;
    frames.initialize(ram.base(), memory_size, first_free, false);
    for (int i = 0; i < 3; ++i) {
        PhysicalAddress address = value_of(frames.allocate(Zeroed::Yes));
        for (uint64_t j = 0; j < frame; ++j)
            ASSERT_EQ(frames.to_virtual(address)[j], 0);
    }
    auto run = frames.allocate_contiguous(4, Zeroed::Yes);
    ASSERT_FALSE(run.is_error());
    for (uint64_t j = 0; j < 4 * frame; ++j)
        ASSERT_EQ(frames.to_virtual(run.value())[j], 0);
}

TEST(FrameAllocator, ReservedRangeIncludesBitmapsPlacedAtFirstFree) {
    // first_free is rounded up to a page; the bitmaps live there and are reserved too.
    GuestRam ram(memory_size);
    FrameAllocator frames;
    frames.initialize(ram.base(), memory_size, first_free + 1, true);
    EXPECT_EQ(frames.free_frames(), memory_size / frame - (256 + 1 + 1));
    PhysicalAddress lowest = UINT64_MAX;
    while (frames.free_frames())
        lowest = std::min(lowest, value_of(frames.allocate(Zeroed::No)));
    EXPECT_EQ(lowest, (256 + 2) * frame);
}

TEST(FrameAllocator, MemoryNotAMultipleOfWordsOrFrames) {
    // 100 frames and a bit: the bitmap's last word is partial and the partial frame unusable.
    uint64_t size = 100 * frame + 123;
    GuestRam ram(101 * frame);
    FrameAllocator frames;
    frames.initialize(ram.base(), size, 4 * frame, true);
    EXPECT_EQ(frames.total_frames(), 100u);
    EXPECT_EQ(frames.free_frames(), 100u - 5);
    std::set<PhysicalAddress> seen;
    while (frames.free_frames())
        seen.insert(value_of(frames.allocate(Zeroed::No)));
    EXPECT_EQ(seen.size(), 95u);
    EXPECT_EQ(*seen.rbegin(), 99 * frame);
    EXPECT_ERRNO(frames.allocate(Zeroed::No), ENOMEM);
}

TEST(FrameAllocator, NoFreeMemoryAtAll) {
    GuestRam ram(16 * frame);
    FrameAllocator frames;
    frames.initialize(ram.base(), 16 * frame, 15 * frame, true);
    EXPECT_EQ(frames.free_frames(), 0u);
    EXPECT_ERRNO(frames.allocate(Zeroed::Yes), ENOMEM);
}

TEST_F(FrameAllocatorTest, ContiguousRuns) {
    EXPECT_ERRNO(frames.allocate_contiguous(0, Zeroed::No), ENOMEM);
    EXPECT_ERRNO(frames.allocate_contiguous(frames.free_frames() + 1, Zeroed::No), ENOMEM);
    size_t before = frames.free_frames();
    PhysicalAddress run = value_of(frames.allocate_contiguous(100, Zeroed::Yes));
    EXPECT_EQ(run % frame, 0u);
    EXPECT_GE(run, reserved_frames * frame);
    EXPECT_EQ(frames.free_frames(), before - 100);
    // None of the run is handed out again.
    std::set<PhysicalAddress> rest;
    while (frames.free_frames())
        rest.insert(value_of(frames.allocate(Zeroed::No)));
    for (size_t i = 0; i < 100; ++i)
        EXPECT_EQ(rest.count(run + i * frame), 0u);
    frames.free_contiguous(run, 100);
    EXPECT_EQ(frames.free_frames(), 100u);
    EXPECT_EQ(value_of(frames.allocate_contiguous(100, Zeroed::No)), run);
}

TEST_F(FrameAllocatorTest, ContiguousFailsWhenFragmented) {
    std::vector<PhysicalAddress> all;
    while (frames.free_frames())
        all.push_back(value_of(frames.allocate(Zeroed::No)));
    std::sort(all.begin(), all.end());
    for (size_t i = 0; i < all.size(); i += 2)
        frames.free(all[i]);
    EXPECT_GT(frames.free_frames(), 300u);
    EXPECT_ERRNO(frames.allocate_contiguous(2, Zeroed::No), ENOMEM);
    EXPECT_EQ(value_of(frames.allocate_contiguous(1, Zeroed::No)), all[0]); // the lowest free frame
    frames.free(all[3]); // now all[2..4] is a run of three
    EXPECT_EQ(value_of(frames.allocate_contiguous(3, Zeroed::No)), all[2]);
}

TEST_F(FrameAllocatorTest, ContiguousRunAcrossBitmapWords) {
    // Leave free exactly frames 60..69 (crossing the 64-frame word boundary) in a full allocator.
    std::vector<PhysicalAddress> all;
    while (frames.free_frames())
        all.push_back(value_of(frames.allocate(Zeroed::No)));
    for (PhysicalAddress address = 60 * frame + 512 * frame; address < 70 * frame + 512 * frame; address += frame)
        frames.free(address);
    EXPECT_ERRNO(frames.allocate_contiguous(11, Zeroed::No), ENOMEM);
    EXPECT_EQ(value_of(frames.allocate_contiguous(10, Zeroed::No)), 572 * frame);
}

} // namespace
