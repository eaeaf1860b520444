// ChaCha20 (RFC 8439) as a random generator with fast key erasure: after each request the key
// is replaced by fresh output, so earlier output cannot be recomputed from a later state.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

void chacha20_block(const uint32_t key[8], uint64_t counter, const uint32_t nonce[2],
                    uint8_t output[64]);

class RandomGenerator {
public:
    void seed(const uint8_t key[32]);
    // Folds more entropy into the key.
    void mix(uint64_t value);
    void fill(void* destination, size_t length);

private:
    uint32_t m_key[8] = {};
    uint32_t m_nonce[2] = {};
    uint64_t m_counter = 0;
};

} // namespace kernel
