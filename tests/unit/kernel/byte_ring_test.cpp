#include "kernel/kernel_test_support.h"

#include "platform/pvh/byte_ring.h"

namespace {

using kernel::pvh::ByteRing;

std::vector<uint8_t> pop(ByteRing& ring, size_t capacity) {
    std::vector<uint8_t> bytes(capacity);
    bytes.resize(ring.pop(bytes.data(), bytes.size()));
    return bytes;
}

TEST(ByteRing, KeepsOrderAcrossTheWrap) {
    uint8_t storage[5];
    ByteRing ring(storage, sizeof storage);
    uint8_t next_in = 0, next_out = 0;
    // Uneven pushes and pops move the head through every position, several times.
    for (int round = 0; round < 20; ++round) {
        size_t pushes = 1 + round % 5;
        for (size_t i = 0; i < pushes && ring.free_space(); ++i)
            ASSERT_TRUE(ring.push(next_in++));
        for (uint8_t byte : pop(ring, 1 + round % 3))
            ASSERT_EQ(byte, next_out++);
    }
    for (uint8_t byte : pop(ring, 5))
        ASSERT_EQ(byte, next_out++);
    EXPECT_EQ(next_out, next_in);
    EXPECT_TRUE(ring.is_empty());
}

TEST(ByteRing, RefusesWhenFull) {
    uint8_t storage[3];
    ByteRing ring(storage, sizeof storage);
    EXPECT_TRUE(ring.push(1));
    EXPECT_TRUE(ring.push(2));
    EXPECT_TRUE(ring.push(3));
    EXPECT_EQ(ring.free_space(), 0u);
    EXPECT_FALSE(ring.push(4));
    EXPECT_EQ(pop(ring, 10), (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_EQ(ring.free_space(), 3u);
}

TEST(ByteRing, PopsNoMoreThanAsked) {
    uint8_t storage[4];
    ByteRing ring(storage, sizeof storage);
    for (uint8_t byte : {1, 2, 3})
        ring.push(byte);
    EXPECT_EQ(pop(ring, 2), (std::vector<uint8_t>{1, 2}));
    EXPECT_EQ(ring.size(), 1u);
    EXPECT_EQ(pop(ring, 0), std::vector<uint8_t>{});
    EXPECT_EQ(ring.size(), 1u);
}

} // namespace
