#include "vmm/guest_memory.h"

#include <gtest/gtest.h>

#include <vector>

namespace ingot {
namespace {

constexpr uint64_t memory_size = 1 << 20;

TEST(GuestMemory, SpanInsideRam) {
    GuestMemory memory(memory_size);
    EXPECT_EQ(memory.size(), memory_size);
    auto whole = memory.span(0, memory_size);
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->data(), memory.host_base());
    EXPECT_EQ(whole->size(), memory_size);
    auto last = memory.span(memory_size - 1, 1);
    ASSERT_TRUE(last);
    EXPECT_EQ(last->data(), memory.host_base() + memory_size - 1);
    auto empty_at_end = memory.span(memory_size, 0);
    ASSERT_TRUE(empty_at_end);
    EXPECT_TRUE(empty_at_end->empty());
}

TEST(GuestMemory, SpanRefusesAnythingOutsideRam) {
    GuestMemory memory(memory_size);
    EXPECT_FALSE(memory.span(memory_size, 1));
    EXPECT_FALSE(memory.span(memory_size + 1, 0));
    EXPECT_FALSE(memory.span(memory_size - 1, 2));
    EXPECT_FALSE(memory.span(0, memory_size + 1));
    EXPECT_FALSE(memory.span(UINT64_MAX, 1));
    EXPECT_FALSE(memory.span(1, UINT64_MAX));      // address + length wraps
    EXPECT_FALSE(memory.span(UINT64_MAX - 7, 16)); // wraps to a small end
    EXPECT_FALSE(memory.span(memory_size / 2, UINT64_MAX - memory_size / 2 + 2));
}

TEST(GuestMemory, ReadAndWriteValues) {
    GuestMemory memory(memory_size);
    EXPECT_TRUE(memory.write<uint64_t>(0x1000, 0x1122334455667788));
    EXPECT_EQ(memory.read<uint64_t>(0x1000), 0x1122334455667788u);
    EXPECT_EQ(memory.read<uint8_t>(0x1000), 0x88u); // little endian, in host memory
    EXPECT_EQ(memory.host_base()[0x1007], 0x11u);
    // Unaligned is fine.
    EXPECT_TRUE(memory.write<uint32_t>(0x2001, 0xdeadbeef));
    EXPECT_EQ(memory.read<uint32_t>(0x2001), 0xdeadbeefu);
    // The last whole value fits; one byte further does not.
    EXPECT_TRUE(memory.write<uint64_t>(memory_size - 8, 7));
    EXPECT_EQ(memory.read<uint64_t>(memory_size - 8), 7u);
    EXPECT_FALSE(memory.write<uint64_t>(memory_size - 7, 7));
    EXPECT_FALSE(memory.read<uint64_t>(memory_size - 7));
    EXPECT_FALSE(memory.read<uint64_t>(UINT64_MAX - 3));
}

TEST(GuestMemory, StartsZeroed) {
    GuestMemory memory(memory_size);
    for (uint64_t address = 0; address < memory_size; address += 4096)
        ASSERT_EQ(memory.read<uint64_t>(address), 0u) << address;
}

// The payload's region outside RAM: readable, never a writable span, bounds checked on its own.
TEST(GuestMemory, ReadOnlyRegionIsReadableButNeverWritable) {
    GuestMemory memory(memory_size);
    std::vector<uint8_t> payload(8192, 0x5a);
    constexpr uint64_t base = 1ull << 36;
    EXPECT_FALSE(memory.readable(base, 1));
    memory.add_read_only(base, payload);
    auto whole = memory.readable(base, payload.size());
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->data(), payload.data());
    auto last = memory.readable(base + payload.size() - 1, 1);
    ASSERT_TRUE(last);
    EXPECT_EQ((*last)[0], 0x5a);
    EXPECT_FALSE(memory.span(base, 1));
    EXPECT_FALSE(memory.write<uint8_t>(base, 1));
    EXPECT_FALSE(memory.readable(base + payload.size(), 1));
    EXPECT_FALSE(memory.readable(base - 1, 2));              // straddles its start
    EXPECT_FALSE(memory.readable(base + 1, payload.size())); // runs past its end
    EXPECT_FALSE(memory.readable(base, UINT64_MAX));
    EXPECT_FALSE(memory.readable(UINT64_MAX, 2));
    // RAM stays readable as before.
    auto ram = memory.readable(0, memory_size);
    ASSERT_TRUE(ram);
    EXPECT_EQ(ram->data(), memory.host_base());
    EXPECT_FALSE(memory.readable(memory_size - 1, 2));
}

} // namespace
} // namespace ingot
