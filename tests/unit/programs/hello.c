// A small program for the image and loader tests: code, read-only data, initialized data and
// bss, so every kind of segment is present.
#include <stdio.h>

static const char greeting[] = "hello from an ingot unit test program";
int counter = 42;
char scratch[64 * 1024];

int main(int argc, char** argv) {
    scratch[argc] = (char)counter;
    printf("%s (%d arguments, %s)\n", greeting, argc, argv[0]);
    return scratch[argc] == 42 ? 0 : 1;
}
