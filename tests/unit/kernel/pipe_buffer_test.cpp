#include "kernel/kernel_test_support.h"

#include "fs/pipe_buffer.h"

namespace {

using kernel::PipeBuffer;

TEST(PipeBuffer, KeepsOrderAcrossTheWrap) {
    uint8_t storage[7];
    PipeBuffer buffer(storage, sizeof storage);
    uint8_t next_in = 0, next_out = 0;
    // Uneven writes and reads move the head through every position, several times.
    for (int round = 0; round < 40; ++round) {
        std::vector<uint8_t> in(1 + round % 5);
        for (auto& byte : in)
            byte = next_in++;
        size_t stored = buffer.write(in.data(), in.size());
        next_in = static_cast<uint8_t>(next_in - (in.size() - stored));
        std::vector<uint8_t> out(1 + round % 4);
        out.resize(buffer.read(out.data(), out.size()));
        for (uint8_t byte : out)
            ASSERT_EQ(byte, next_out++);
    }
    std::vector<uint8_t> rest(7);
    rest.resize(buffer.read(rest.data(), rest.size()));
    for (uint8_t byte : rest)
        ASSERT_EQ(byte, next_out++);
    EXPECT_EQ(next_out, next_in);
    EXPECT_TRUE(buffer.is_empty());
}

TEST(PipeBuffer, WritesOnlyWhatFits) {
    uint8_t storage[4];
    PipeBuffer buffer(storage, sizeof storage);
    const uint8_t data[6] = {1, 2, 3, 4, 5, 6};
    EXPECT_EQ(buffer.write(data, 6), 4u);
    EXPECT_EQ(buffer.free_space(), 0u);
    EXPECT_EQ(buffer.write(data, 1), 0u);
    uint8_t out[6] = {};
    EXPECT_EQ(buffer.read(out, 2), 2u);
    EXPECT_EQ(buffer.write(data + 4, 2), 2u);
    EXPECT_EQ(buffer.read(out, 6), 4u);
    EXPECT_EQ(std::vector<uint8_t>(out, out + 4), (std::vector<uint8_t>{3, 4, 5, 6}));
    EXPECT_EQ(buffer.read(out, 6), 0u);
}

} // namespace
