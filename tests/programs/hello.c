// C hello: stdio, argv and one environment variable. Runs natively too.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    printf("hello from C\n");
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; ++i)
        printf("argv[%d]=%s\n", i, argv[i]);
    const char* greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    return 0;
}
