// Writes many lines to stdout (about 1.2 MB), to check large output through redirection.
#include <stdio.h>

int main(void) {
    for (int i = 0; i < 100000; ++i)
        printf("line %06d of bulk output\n", i);
    fprintf(stderr, "bulk_output: done\n");
    return 0;
}
