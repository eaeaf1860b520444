// Exit paths: exit(n) (flushes stdio), _exit(n) (does not), and return n from main.
//   exit_paths exit|_exit|return N
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: exit_paths exit|_exit|return N\n");
        return 100;
    }
    int status = atoi(argv[2]);
    if (strcmp(argv[1], "exit") == 0) {
        printf("buffered line before exit(%d)\n", status); // stays in the stdio buffer until exit
        exit(status);
    }
    if (strcmp(argv[1], "_exit") == 0) {
        char line[64];
        int n = snprintf(line, sizeof line, "raw write before _exit(%d)\n", status);
        write(1, line, (size_t)n);
        _exit(status);
    }
    if (strcmp(argv[1], "return") == 0) {
        printf("returning %d from main\n", status);
        return status;
    }
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 100;
}
