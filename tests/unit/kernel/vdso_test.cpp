#include "kernel/kernel_test_support.h"

#include "linux/vdso/vdso_data.h"
#include "loader/vdso_loader.h"

#include <atomic>
#include <thread>
#include <vector>

namespace {

using kernel::AddressSpace;
using kernel::FrameAllocator;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::RegionKind;
using kernel::Zeroed;
namespace protection = kernel::protection;
namespace pte = kernel::pte;
namespace vdso = kernel::vdso;
using kernel_test::GuestRam;
using kernel_test::value_of;

constexpr uint64_t page = 4096;

vdso::ClockParameters parameters_of(uint64_t base, uint64_t offset) {
    return {
        vdso::flag_tsc_usable, 0, 0, base, kernel::tsc_clock::multiplier_for(1'000'000), offset};
}

TEST(VdsoData, PublishedParametersAreWhatAReaderSees) {
    vdso::Data data{};
    vdso::publish(data, parameters_of(1000, 5'000'000'000));
    EXPECT_EQ(data.sequence % 2, 0u);
    vdso::ClockParameters read{};
    ASSERT_TRUE(vdso::try_read(data, read));
    EXPECT_EQ(read.tsc_base, 1000u);
    EXPECT_EQ(read.realtime_offset_ns, 5'000'000'000u);
    EXPECT_EQ(vdso::monotonic_ns(read, 1500), 500u); // 1 GHz: a tick is a nanosecond
    EXPECT_EQ(vdso::realtime_ns(read, 1500), 5'000'000'500u);
}

TEST(VdsoData, EachPublicationAdvancesTheSequenceByTwo) {
    vdso::Data data{};
    vdso::publish(data, parameters_of(1, 2));
    uint32_t first = data.sequence;
    vdso::publish(data, parameters_of(3, 4));
    EXPECT_EQ(data.sequence, first + 2);
}

TEST(VdsoData, AReadDuringAnUpdateIsRefused) {
    vdso::Data data{};
    vdso::publish(data, parameters_of(1, 2));
    data.sequence += 1; // the kernel is half-way through an update
    vdso::ClockParameters read{};
    EXPECT_FALSE(vdso::try_read(data, read));
    data.sequence += 1;
    EXPECT_TRUE(vdso::try_read(data, read));
}

TEST(VdsoData, AReaderNeverMixesTwoPublications) {
    // The kernel publishes pairs whose fields agree while a reader copies them out: every
    // read that succeeds holds one pair whole, as vdso.cpp relies on.
    vdso::Data data{};
    vdso::publish(data, parameters_of(0, 0));
    std::atomic<bool> done{false};
    std::thread writer([&] {
        for (uint64_t i = 1; i <= 200'000; ++i)
            vdso::publish(data, parameters_of(i, i));
        done = true;
    });
    size_t reads = 0, refused = 0;
    while (!done) {
        vdso::ClockParameters read{};
        if (!vdso::try_read(data, read)) {
            ++refused;
            continue;
        }
        ++reads;
        ASSERT_EQ(read.tsc_base, read.realtime_offset_ns);
    }
    writer.join();
    EXPECT_GT(reads + refused, 0u);
}

class VdsoLoaderTest : public ::testing::Test {
protected:
    static constexpr uint64_t memory_size = 8 << 20;
    static constexpr uint64_t user_lowest = 0x10000, user_highest = 0x7ffffffff000;

    VdsoLoaderTest() : ram(memory_size) {
        frames.initialize(ram.base(), memory_size, page, true);
        root = value_of(frames.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(frames, root);
        space = std::make_unique<AddressSpace>(frames, *table, user_lowest, user_highest);
    }
    ~VdsoLoaderTest() override {
        space.reset();
        table.reset();
    }

    const uint8_t* guest(uint64_t address) {
        PhysicalAddress physical;
        EXPECT_TRUE(table->translate(address, physical));
        return ram.base() + (physical & pte::address_mask);
    }

    GuestRam ram;
    FrameAllocator frames;
    PhysicalAddress root = 0;
    std::unique_ptr<PageTable> table;
    std::unique_ptr<AddressSpace> space;
};

TEST_F(VdsoLoaderTest, MapsTheDataPageBelowTheImage) {
    std::vector<uint8_t> image(page + 100);
    for (size_t i = 0; i < image.size(); ++i)
        image[i] = static_cast<uint8_t>(i * 7 + 1);
    auto loaded = value_of(kernel::load_vdso(image.data(), image.size(), *space, frames));
    ASSERT_NE(loaded.base, 0u);
    EXPECT_EQ(loaded.base % page, 0u);

    const auto* vvar = space->find(loaded.base - page);
    ASSERT_NE(vvar, nullptr);
    EXPECT_EQ(vvar->kind, RegionKind::Vvar);
    EXPECT_EQ(vvar->start, loaded.base - page);
    EXPECT_EQ(vvar->end, loaded.base);
    EXPECT_EQ(vvar->protection, protection::read);
    EXPECT_FALSE(space->is_accessible(loaded.base - page, 1, kernel::Access::Write));

    const auto* code = space->find(loaded.base);
    ASSERT_NE(code, nullptr);
    EXPECT_EQ(code->kind, RegionKind::Vdso);
    EXPECT_EQ(code->end, loaded.base + 2 * page);
    EXPECT_EQ(code->protection, protection::read | protection::execute);

    // The image's bytes, then zeros to the end of its last page.
    EXPECT_EQ(std::memcmp(guest(loaded.base), image.data(), page), 0);
    EXPECT_EQ(std::memcmp(guest(loaded.base + page), image.data() + page, 100), 0);
    EXPECT_EQ(guest(loaded.base + page)[100], 0);

    // What the kernel publishes is what the program reads at the page below the image.
    vdso::publish(*loaded.data, parameters_of(42, 43));
    vdso::ClockParameters read{};
    ASSERT_TRUE(
        vdso::try_read(*reinterpret_cast<const vdso::Data*>(guest(loaded.base - page)), read));
    EXPECT_EQ(read.tsc_base, 42u);
    EXPECT_EQ(read.realtime_offset_ns, 43u);
}

TEST_F(VdsoLoaderTest, UnmappingTheDataPageLeavesItsFrameToTheKernel) {
    std::vector<uint8_t> image(100, 0xcc);
    auto loaded = value_of(kernel::load_vdso(image.data(), image.size(), *space, frames));
    size_t free_before = frames.free_frames();
    ASSERT_OK(space->unmap(loaded.base - page, page));
    EXPECT_EQ(frames.free_frames(), free_before);     // borrowed: not handed back
    vdso::publish(*loaded.data, parameters_of(1, 2)); // still the kernel's to write
}

TEST_F(VdsoLoaderTest, AnEmptyImageIsRefused) {
    uint8_t byte = 0;
    EXPECT_ERRNO(kernel::load_vdso(&byte, 0, *space, frames), EINVAL);
}

} // namespace
