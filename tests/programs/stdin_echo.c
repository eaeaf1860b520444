// Copies stdin to stdout until EOF with read(2), then reports the byte count on stderr.
#include <stdio.h>
#include <unistd.h>

int main(void) {
    char buffer[4096];
    long total = 0;
    for (;;) {
        ssize_t n = read(0, buffer, sizeof buffer);
        if (n < 0) {
            perror("read");
            return 1;
        }
        if (n == 0)
            break;
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(1, buffer + done, (size_t)(n - done));
            if (w <= 0) {
                perror("write");
                return 1;
            }
            done += w;
        }
        total += n;
    }
    fprintf(stderr, "stdin_echo: %ld bytes\n", total);
    return 0;
}
