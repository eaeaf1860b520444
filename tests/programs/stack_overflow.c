// Infinite recursion until the stack runs out.
#include <stdio.h>

#pragma GCC diagnostic ignored "-Winfinite-recursion"

__attribute__((noinline)) int recurse(int depth) {
    volatile char frame[256];
    frame[0] = (char)depth;
    return recurse(depth + 1) + frame[0]; // not a tail call
}

int main(void) {
    printf("recursing forever\n");
    fflush(stdout);
    return recurse(0);
}
