#include "kernel/kernel_test_support.h"

#include "drivers/pci/bar.h"

namespace {

using kernel::pci::Bar;
using kernel::pci::decode_bar;
using kernel::pci::is_64_bit_memory_bar;

TEST(PciBar, DecodesA32BitMemoryBar) {
    Bar bar = decode_bar(0xfebf1000, 0, 0xfffff000, 0);
    EXPECT_EQ(bar.kind, Bar::Kind::Memory32);
    EXPECT_EQ(bar.base, 0xfebf1000u);
    EXPECT_EQ(bar.size, 0x1000u);
    EXPECT_FALSE(bar.prefetchable);
    EXPECT_TRUE(bar.is_memory());
    EXPECT_TRUE(bar.is_assigned());
}

TEST(PciBar, DecodesA64BitPrefetchableBarAboveFourGiB) {
    // QEMU's virtio-pci modern BAR: 16 KiB, 64-bit, prefetchable.
    EXPECT_TRUE(is_64_bit_memory_bar(0x0000000c));
    Bar bar = decode_bar(0xfe00000c, 0x00000008, 0xffffc00c, 0xffffffff);
    EXPECT_EQ(bar.kind, Bar::Kind::Memory64);
    EXPECT_EQ(bar.base, 0x8fe000000u);
    EXPECT_EQ(bar.size, 0x4000u);
    EXPECT_TRUE(bar.prefetchable);
}

TEST(PciBar, DecodesA64BitBarLargerThanFourGiB) {
    Bar bar = decode_bar(0x00000004, 0x00000010, 0x00000004, 0xfffffff8);
    EXPECT_EQ(bar.base, 0x1000000000u);
    EXPECT_EQ(bar.size, 8ull << 32);
}

TEST(PciBar, DecodesAnIoBarWithSixteenAddressBits) {
    EXPECT_FALSE(is_64_bit_memory_bar(0xc041));
    Bar bar = decode_bar(0xc041, 0, 0xffe1, 0);
    EXPECT_EQ(bar.kind, Bar::Kind::Io);
    EXPECT_EQ(bar.base, 0xc040u);
    EXPECT_EQ(bar.size, 0x20u);
    EXPECT_FALSE(bar.is_memory());
}

TEST(PciBar, UnimplementedBarIsNone) {
    EXPECT_EQ(decode_bar(0, 0, 0, 0).kind, Bar::Kind::None);
    EXPECT_EQ(decode_bar(0x4, 0, 0x4, 0).kind, Bar::Kind::None);
    EXPECT_EQ(decode_bar(0x1, 0, 0x1, 0).kind, Bar::Kind::None);
    EXPECT_FALSE(Bar{}.is_assigned());
}

TEST(PciBar, BarFirmwareLeftAtZeroIsNotAssigned) {
    Bar bar = decode_bar(0, 0, 0xfffff000, 0);
    EXPECT_EQ(bar.kind, Bar::Kind::Memory32);
    EXPECT_EQ(bar.size, 0x1000u);
    EXPECT_FALSE(bar.is_assigned());
}

} // namespace
