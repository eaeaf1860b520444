// getenv: prints NAME=VALUE or NAME is unset for every name given as an argument.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: getenv NAME...\n");
        return 2;
    }
    for (int i = 1; i < argc; ++i) {
        const char* value = getenv(argv[i]);
        if (value)
            printf("%s=[%s]\n", argv[i], value);
        else
            printf("%s is unset\n", argv[i]);
    }
    return 0;
}
