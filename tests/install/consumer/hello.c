// Prints its greeting and arguments: the image's environment and argv, set by ingot_add_image.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    const char* greeting = getenv("GREETING");
    printf("%s", greeting ? greeting : "(no GREETING)");
    for (int i = 1; i < argc; ++i)
        printf(" %s", argv[i]);
    printf("\n");
    return 0;
}
