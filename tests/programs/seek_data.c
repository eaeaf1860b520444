// lseek(2) with SEEK_DATA and SEEK_HOLE on tmpfs files with holes and on a file of the image
// (the first argument names it), and lseek on files that are not plain files: /proc's
// generated files, device nodes, pipes and sockets. The expected output was taken from a
// native run (the same on tmpfs and ext4).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char* what, off_t result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %lld\n", what, (long long)result);
    fflush(stdout);
}

static void seek_all(const char* name, int fd) {
    static const struct {
        const char* name;
        off_t offset;
        int whence;
    } seeks[] = {
        {"SEEK_SET 10", 10, SEEK_SET}, {"SEEK_CUR 5", 5, SEEK_CUR},
        {"SEEK_CUR 0", 0, SEEK_CUR},   {"SEEK_END 0", 0, SEEK_END},
        {"SEEK_SET -1", -1, SEEK_SET}, {"SEEK_DATA 0", 0, SEEK_DATA},
        {"SEEK_HOLE 0", 0, SEEK_HOLE}, {"whence 9", 0, 9},
    };
    char what[128];
    for (size_t i = 0; i < sizeof seeks / sizeof seeks[0]; ++i) {
        snprintf(what, sizeof what, "%s: %s", name, seeks[i].name);
        report(what, lseek(fd, seeks[i].offset, seeks[i].whence));
    }
}

static void seek_path(const char* path, int flags) {
    int fd = open(path, flags);
    if (fd < 0) {
        printf("%s: open: %s\n", path, strerrorname_np(errno));
        return;
    }
    seek_all(path, fd);
    close(fd);
}

int main(int argc, char** argv) {
    const char* path = "/tmp/seek_data.sparse";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char block[4096];
    memset(block, 'd', sizeof block);
    // Data in pages 0 and 3 (100 bytes), holes in pages 1 and 2, and again from 5 pages to 7.
    pwrite(fd, block, 4096, 0);
    pwrite(fd, block, 4096, 4 * 4096);
    pwrite(fd, block, 100, 3 * 4096);
    ftruncate(fd, 7 * 4096);
    report("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    report("SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
    report("SEEK_HOLE 100", lseek(fd, 100, SEEK_HOLE));
    report("SEEK_DATA 4096", lseek(fd, 4096, SEEK_DATA));
    report("SEEK_DATA 5000", lseek(fd, 5000, SEEK_DATA));
    report("SEEK_HOLE 12288", lseek(fd, 12288, SEEK_HOLE));
    report("SEEK_HOLE 12300", lseek(fd, 12300, SEEK_HOLE));
    report("SEEK_DATA 20480", lseek(fd, 20480, SEEK_DATA));
    report("SEEK_HOLE 20480", lseek(fd, 20480, SEEK_HOLE));
    report("SEEK_HOLE 28671", lseek(fd, 28671, SEEK_HOLE));
    report("SEEK_DATA at the end", lseek(fd, 7 * 4096, SEEK_DATA));
    report("SEEK_HOLE at the end", lseek(fd, 7 * 4096, SEEK_HOLE));
    report("SEEK_DATA past the end", lseek(fd, 9 * 4096, SEEK_DATA));
    report("SEEK_DATA -1", lseek(fd, -1, SEEK_DATA));
    report("SEEK_HOLE -1", lseek(fd, -1, SEEK_HOLE));
    report("position after SEEK_HOLE", lseek(fd, 0, SEEK_CUR));
    ftruncate(fd, 0);
    report("empty: SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
    report("empty: SEEK_HOLE 0", lseek(fd, 0, SEEK_HOLE));
    close(fd);
    unlink(path);

    // A file of the image, named by the first argument (natively: a file with no holes).
    fd = open(argc > 1 ? argv[1] : "/proc/self/exe", O_RDONLY);
    struct stat st;
    fstat(fd, &st);
    printf("image file: SEEK_DATA 0: %lld\n", (long long)lseek(fd, 0, SEEK_DATA));
    printf("image file: SEEK_HOLE 0 is the size: %s\n",
           lseek(fd, 0, SEEK_HOLE) == st.st_size ? "yes" : "no");
    printf("image file: SEEK_DATA 1000 is 1000: %s\n",
           lseek(fd, 1000, SEEK_DATA) == 1000 ? "yes" : "no");
    report("image file: SEEK_DATA at the end", lseek(fd, st.st_size, SEEK_DATA));
    report("image file: SEEK_HOLE at the end", lseek(fd, st.st_size, SEEK_HOLE));
    close(fd);

    seek_path("/proc/self/status", O_RDONLY);
    seek_path("/proc/self/maps", O_RDONLY);
    seek_path("/proc/meminfo", O_RDONLY);
    seek_path("/dev/null", O_RDWR);
    seek_path("/dev/zero", O_RDONLY);

    int pipe_fds[2];
    pipe(pipe_fds);
    report("pipe: SEEK_SET 0", lseek(pipe_fds[0], 0, SEEK_SET));
    report("pipe: SEEK_CUR 0", lseek(pipe_fds[1], 0, SEEK_CUR));
    int sockets[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sockets);
    report("socket: SEEK_SET 0", lseek(sockets[0], 0, SEEK_SET));
    int inet = socket(AF_INET, SOCK_DGRAM, 0);
    report("inet socket: SEEK_SET 0", lseek(inet, 0, SEEK_SET));
    report("pipe: whence 9", lseek(pipe_fds[0], 0, 9));
    report("bad descriptor", lseek(1000, 0, SEEK_SET));
    printf("done\n");
    return 0;
}
