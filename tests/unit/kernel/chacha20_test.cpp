#include "kernel/kernel_test_support.h"

#include "lib/chacha20.h"

namespace {

std::vector<uint8_t> block(const uint32_t key[8], uint64_t counter, const uint32_t nonce[2]) {
    std::vector<uint8_t> out(64);
    kernel::chacha20_block(key, counter, nonce, out.data());
    return out;
}

// RFC 8439 section 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, block count 1.
// The kernel's variant has a 64-bit counter (state words 12-13) and a 64-bit nonce (14-15), so
// the RFC's first nonce word rides in the counter's high half.
TEST(ChaCha20, Rfc8439BlockFunctionTestVector) {
    uint32_t key[8];
    for (int i = 0; i < 8; ++i)
        key[i] = uint32_t(4 * i) | uint32_t(4 * i + 1) << 8 | uint32_t(4 * i + 2) << 16 | uint32_t(4 * i + 3) << 24;
    const uint32_t rfc_nonce[3] = {0x09000000, 0x4a000000, 0x00000000};
    uint64_t counter = 1 | uint64_t(rfc_nonce[0]) << 32;
    const uint32_t nonce[2] = {rfc_nonce[1], rfc_nonce[2]};
    const std::vector<uint8_t> expected = {
        0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
        0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
        0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
        0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
    };
    EXPECT_EQ(block(key, counter, nonce), expected);
}

// RFC 8439 appendix A.1, test vector #1: all-zero key, nonce and counter.
TEST(ChaCha20, Rfc8439ZeroKeyKeystream) {
    const uint32_t key[8] = {};
    const uint32_t nonce[2] = {};
    const std::vector<uint8_t> expected = {
        0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90, 0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28,
        0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d, 0xed, 0x1a, 0xa8, 0x36, 0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7,
        0xda, 0x41, 0x59, 0x7c, 0x51, 0x57, 0x48, 0x8d, 0x77, 0x24, 0xe0, 0x3f, 0xb8, 0xd8, 0x4a, 0x37,
        0x6a, 0x43, 0xb8, 0xf4, 0x15, 0x18, 0xa1, 0x1c, 0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86,
    };
    EXPECT_EQ(block(key, 0, nonce), expected);
}

TEST(ChaCha20, CounterAndNonceChangeTheBlock) {
    const uint32_t key[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    const uint32_t nonce[2] = {0, 0};
    const uint32_t other_nonce[2] = {0, 1};
    EXPECT_NE(block(key, 0, nonce), block(key, 1, nonce));
    EXPECT_NE(block(key, 0, nonce), block(key, 1ull << 32, nonce)); // the counter's high word counts
    EXPECT_NE(block(key, 0, nonce), block(key, 0, other_nonce));
    EXPECT_EQ(block(key, 5, nonce), block(key, 5, nonce));
}

class RandomGeneratorTest : public ::testing::Test {
protected:
    RandomGeneratorTest() {
        for (int i = 0; i < 32; ++i)
            seed[i] = uint8_t(i * 7 + 1);
        std::memcpy(key, seed, 32);
    }
    uint8_t seed[32];
    uint32_t key[8];
    const uint32_t zero_nonce[2] = {0, 0};
};

TEST_F(RandomGeneratorTest, OutputIsTheKeystreamThenTheKeyIsErased) {
    kernel::RandomGenerator generator;
    generator.seed(seed);
    uint8_t first[100];
    generator.fill(first, sizeof first);
    auto block0 = block(key, 0, zero_nonce), block1 = block(key, 1, zero_nonce);
    EXPECT_TRUE(std::equal(first, first + 64, block0.begin()));
    EXPECT_TRUE(std::equal(first + 64, first + 100, block1.begin()));
    // Fast key erasure: the next key is the first 32 bytes of the block after the output.
    auto rekey_block = block(key, 2, zero_nonce);
    uint32_t next_key[8];
    std::memcpy(next_key, rekey_block.data(), 32);
    uint8_t second[16];
    generator.fill(second, sizeof second);
    auto expected = block(next_key, 3, zero_nonce);
    EXPECT_TRUE(std::equal(second, second + 16, expected.begin()));
}

TEST_F(RandomGeneratorTest, SameSeedSameOutputAndReseedRestarts) {
    kernel::RandomGenerator a, b;
    a.seed(seed);
    b.seed(seed);
    uint8_t x[48], y[48];
    a.fill(x, sizeof x);
    b.fill(y, sizeof y);
    EXPECT_EQ(std::memcmp(x, y, sizeof x), 0);
    a.fill(x, sizeof x);
    EXPECT_NE(std::memcmp(x, y, sizeof x), 0); // never repeats
    a.seed(seed);
    a.fill(x, sizeof x);
    EXPECT_EQ(std::memcmp(x, y, sizeof x), 0);
}

TEST_F(RandomGeneratorTest, MixChangesTheStream) {
    kernel::RandomGenerator a, b;
    a.seed(seed);
    b.seed(seed);
    b.mix(0x123456789abcdef0);
    uint8_t x[32], y[32];
    a.fill(x, sizeof x);
    b.fill(y, sizeof y);
    EXPECT_NE(std::memcmp(x, y, sizeof x), 0);
}

TEST_F(RandomGeneratorTest, EmptyFillStillRekeys) {
    kernel::RandomGenerator a, b;
    a.seed(seed);
    b.seed(seed);
    a.fill(nullptr, 0);
    uint8_t x[32], y[32];
    a.fill(x, sizeof x);
    b.fill(y, sizeof y);
    EXPECT_NE(std::memcmp(x, y, sizeof x), 0);
}

TEST_F(RandomGeneratorTest, WritesExactlyTheRequestedBytes) {
    kernel::RandomGenerator generator;
    generator.seed(seed);
    uint8_t buffer[80];
    std::memset(buffer, 0xee, sizeof buffer);
    generator.fill(buffer + 8, 65);
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(buffer[i], 0xee);
    for (int i = 73; i < 80; ++i)
        EXPECT_EQ(buffer[i], 0xee);
}

} // namespace
