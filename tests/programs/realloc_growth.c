// Buffers grown by realloc, a little at a time and by large steps, beside other allocations
// that come and go, with the contents checked after each step: glibc moves large blocks with
// mremap and small ones by copying, and the contents must survive both.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUFFERS 4
#define MAX_WORDS (512 * 1024) // 4 MiB

static uint64_t expected_word(int buffer, size_t index) {
    return index * 0x9e3779b97f4a7c15ULL + (uint64_t)buffer;
}

int main(void) {
    uint64_t* buffers[BUFFERS] = {0};
    size_t sizes[BUFFERS] = {0}; // in words
    void* clutter[64] = {0};
    uint64_t state = 12345;
    size_t steps = 0;
    for (size_t round = 0; round < 1200; ++round) {
        int b = (int)(round % BUFFERS);
        size_t old_size = sizes[b];
        size_t new_size = old_size + old_size / 4 + 1 + round % 61;
        if (new_size > MAX_WORDS)
            new_size = 8; // start this one over, small
        uint64_t* grown = realloc(buffers[b], new_size * sizeof(uint64_t));
        if (!grown) {
            printf("realloc to %zu words failed\n", new_size);
            return 1;
        }
        size_t kept = old_size < new_size ? old_size : new_size;
        for (size_t i = 0; i < kept; ++i) {
            if (grown[i] != expected_word(b, i)) {
                printf("round %zu: buffer %d word %zu of %zu changed in realloc to %zu\n", round, b,
                       i, old_size, new_size);
                return 1;
            }
        }
        for (size_t i = kept; i < new_size; ++i)
            grown[i] = expected_word(b, i);
        buffers[b] = grown;
        sizes[b] = new_size;
        // Other allocations of all sizes, so that blocks cannot always grow where they are.
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t slot = (state >> 33) % 64;
        free(clutter[slot]);
        size_t size =
            (state >> 40) % 3 == 0 ? 200000 + (state >> 44) % 100000 : 1 + (state >> 50) % 3000;
        clutter[slot] = malloc(size);
        if (clutter[slot])
            memset(clutter[slot], 0xee, size);
        for (int other = 0; other < BUFFERS; ++other) {
            for (size_t i = 0; i < sizes[other]; i += 511) {
                if (buffers[other][i] != expected_word(other, i)) {
                    printf("round %zu: buffer %d word %zu changed\n", round, other, i);
                    return 1;
                }
            }
        }
        ++steps;
    }
    size_t total = 0;
    for (int b = 0; b < BUFFERS; ++b) {
        total += sizes[b];
        free(buffers[b]);
    }
    for (int i = 0; i < 64; ++i)
        free(clutter[i]);
    printf("realloc_growth: %zu reallocs, contents intact (%zu words at the end)\n", steps, total);
    return 0;
}
