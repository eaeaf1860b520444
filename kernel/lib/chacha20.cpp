#include "lib/chacha20.h"

#include "lib/string.h"

namespace kernel {

namespace {

uint32_t rotate(uint32_t value, int bits) {
    return (value << bits) | (value >> (32 - bits));
}

void quarter_round(uint32_t* s, int a, int b, int c, int d) {
    s[a] += s[b];
    s[d] = rotate(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = rotate(s[b] ^ s[c], 12);
    s[a] += s[b];
    s[d] = rotate(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = rotate(s[b] ^ s[c], 7);
}

} // namespace

void chacha20_block(const uint32_t key[8], uint64_t counter, const uint32_t nonce[2],
                    uint8_t output[64]) {
    uint32_t state[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; ++i)
        state[4 + i] = key[i];
    state[12] = static_cast<uint32_t>(counter);
    state[13] = static_cast<uint32_t>(counter >> 32);
    state[14] = nonce[0];
    state[15] = nonce[1];
    uint32_t working[16];
    memcpy(working, state, sizeof working);
    for (int round = 0; round < 10; ++round) {
        quarter_round(working, 0, 4, 8, 12);
        quarter_round(working, 1, 5, 9, 13);
        quarter_round(working, 2, 6, 10, 14);
        quarter_round(working, 3, 7, 11, 15);
        quarter_round(working, 0, 5, 10, 15);
        quarter_round(working, 1, 6, 11, 12);
        quarter_round(working, 2, 7, 8, 13);
        quarter_round(working, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; ++i) {
        uint32_t word = working[i] + state[i];
        for (int byte = 0; byte < 4; ++byte)
            output[i * 4 + byte] = static_cast<uint8_t>(word >> (8 * byte));
    }
}

void RandomGenerator::seed(const uint8_t key[32]) {
    memcpy(m_key, key, 32);
    m_counter = 0;
}

void RandomGenerator::mix(uint64_t value) {
    m_key[0] ^= static_cast<uint32_t>(value);
    m_key[1] ^= static_cast<uint32_t>(value >> 32);
}

void RandomGenerator::fill(void* destination, size_t length) {
    auto* out = static_cast<uint8_t*>(destination);
    uint8_t block[64];
    while (length) {
        chacha20_block(m_key, m_counter++, m_nonce, block);
        size_t take = length < sizeof block ? length : sizeof block;
        memcpy(out, block, take);
        out += take;
        length -= take;
    }
    chacha20_block(m_key, m_counter++, m_nonce, block);
    memcpy(m_key, block, sizeof m_key);
    memset(block, 0, sizeof block);
}

} // namespace kernel
