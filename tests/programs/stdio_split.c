// Writes distinct text to stdout and stderr, interleaved.
#include <stdio.h>

int main(void) {
    for (int i = 1; i <= 3; ++i) {
        printf("stdout line %d\n", i);
        fflush(stdout);
        fprintf(stderr, "stderr line %d\n", i);
    }
    return 0;
}
