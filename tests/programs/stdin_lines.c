// An interactive-style reader: answers each line as soon as it arrives, until EOF.
#include <stdio.h>
#include <string.h>

int main(void) {
    char line[1024];
    int count = 0;
    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        ++count;
        printf("line %d: <%s> (%zu chars)\n", count, line, strlen(line));
        fflush(stdout);
    }
    printf("eof after %d lines\n", count);
    return 0;
}
