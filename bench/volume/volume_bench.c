// Volume figures (bench/volume.sh), run natively and in the guest on the same host directory:
//   volume_bench latency DIR N     N writes of 4 KiB, each followed by fsync: median and p99 µs
//   volume_bench sequential DIR M  M MiB written in 1 MiB writes then fsync'd, then read back:
//                                  MB/s each way
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int compare(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return x < y ? -1 : x > y;
}

static int latency(const char* directory, int count) {
    char path[4096];
    snprintf(path, sizeof path, "%s/latency.bin", directory);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0)
        return perror("open"), 1;
    static char block[4096];
    memset(block, 'x', sizeof block);
    double* samples = calloc((size_t)count, sizeof *samples);
    for (int i = 0; i < count; ++i) {
        double start = now_us();
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block || fsync(fd) != 0)
            return perror("write+fsync"), 1;
        samples[i] = now_us() - start;
    }
    close(fd);
    unlink(path);
    qsort(samples, (size_t)count, sizeof *samples, compare);
    printf("fsync'd 4 KiB write: median %.1f us, p99 %.1f us (%d writes)\n", samples[count / 2],
           samples[count * 99 / 100], count);
    return 0;
}

static int sequential(const char* directory, int mebibytes) {
    char path[4096];
    snprintf(path, sizeof path, "%s/sequential.bin", directory);
    size_t chunk = 1 << 20;
    char* buffer = malloc(chunk);
    memset(buffer, 'y', chunk);
    int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0)
        return perror("open"), 1;
    double start = now_us();
    for (int i = 0; i < mebibytes; ++i)
        if (write(fd, buffer, chunk) != (ssize_t)chunk)
            return perror("write"), 1;
    if (fsync(fd) != 0)
        return perror("fsync"), 1;
    double written = now_us() - start;
    start = now_us();
    for (int i = 0; i < mebibytes; ++i)
        if (pread(fd, buffer, chunk, (off_t)i * (off_t)chunk) != (ssize_t)chunk)
            return perror("read"), 1;
    double read_back = now_us() - start;
    close(fd);
    unlink(path);
    printf("sequential: write+fsync %.0f MB/s, read %.0f MB/s (%d MiB)\n",
           mebibytes * 1.048576 / (written / 1e6), mebibytes * 1.048576 / (read_back / 1e6),
           mebibytes);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 4 && strcmp(argv[1], "latency") == 0)
        return latency(argv[2], atoi(argv[3]));
    if (argc == 4 && strcmp(argv[1], "sequential") == 0)
        return sequential(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: volume_bench latency DIR N | sequential DIR MIB\n");
    return 2;
}
