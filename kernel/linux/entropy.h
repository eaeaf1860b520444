#pragma once

#include "lib/chacha20.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

// Seeded from the host's entropy at boot, stirred with RDRAND (where present) and the TSC.
void seed_random(const uint8_t seed[32]);
// Stirs in more entropy (a device found after boot: virtio-rng).
void mix_random(const uint8_t entropy[32]);
void fill_random(void* destination, size_t length);

} // namespace kernel
