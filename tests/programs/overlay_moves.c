// The image's files under the writable layer: a file copied up keeps its inode number, and
// getdents64's d_ino agrees with stat's st_ino; a directory from the image can be renamed
// (mv, package managers), its whole tree moving with it. Arguments: a directory of the image
// holding sub/file and other, and a new name for it. The expected output was taken from a
// native run (on a plain file system, where all of this simply holds).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
    fflush(stdout);
}

static ino_t number(const char* path) {
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    return st.st_ino;
}

static int by_name(const void* a, const void* b) {
    return strcmp(*(char* const*)a, *(char* const*)b);
}

// Lists `directory` sorted, saying for each entry whether d_ino is the st_ino stat gives.
static void list(const char* directory) {
    int fd = open(directory, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("list %s: %s\n", directory, strerrorname_np(errno));
        return;
    }
    char buffer[4096];
    char* lines[64];
    int count = 0;
    long got;
    while ((got = syscall(SYS_getdents64, fd, buffer, sizeof buffer)) > 0) {
        for (long at = 0; at < got;) {
            struct dirent64* entry = (struct dirent64*)(buffer + at);
            at += entry->d_reclen;
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char path[512];
            snprintf(path, sizeof path, "%s/%s", directory, entry->d_name);
            char* line = malloc(600);
            snprintf(line, 600, "  %s: d_ino is st_ino: %s", entry->d_name,
                     entry->d_ino == number(path) ? "yes" : "no");
            if (count < 64)
                lines[count++] = line;
        }
    }
    close(fd);
    qsort(lines, count, sizeof lines[0], by_name);
    printf("%s:\n", "listing");
    for (int i = 0; i < count; ++i) {
        printf("%s\n", lines[i]);
        free(lines[i]);
    }
    fflush(stdout);
}

static void show(const char* path) {
    char text[128] = "";
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("read %s: %s\n", strrchr(path, '/') + 1, strerrorname_np(errno));
        return;
    }
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    text[got > 0 ? got : 0] = 0;
    for (char* c = text; *c; ++c)
        if (*c == '\n')
            *c = '|';
    printf("read %s: %s\n", strrchr(path, '/') + 1, text);
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: overlay_moves IMAGE-DIRECTORY NEW-NAME\n");
        return 2;
    }
    const char* tree = argv[1];
    const char* moved = argv[2];
    char path[512], sub[512];
    snprintf(sub, sizeof sub, "%s/sub", tree);
    snprintf(path, sizeof path, "%s/sub/file", tree);
    ino_t before = number(path);
    int fd = open(path, O_WRONLY | O_APPEND);
    report("append to sub/file", write(fd, "changed\n", 8));
    close(fd);
    printf("st_ino kept across the change: %s\n", number(path) == before ? "yes" : "no");
    list(tree);
    list(sub);

    ino_t tree_number = number(tree);
    report("rename the directory", rename(tree, moved));
    printf("its st_ino kept: %s\n", number(moved) == tree_number ? "yes" : "no");
    report("stat the old name", access(tree, F_OK));
    snprintf(path, sizeof path, "%s/sub/file", moved);
    show(path);
    snprintf(path, sizeof path, "%s/other", moved);
    show(path);
    list(moved);
    snprintf(sub, sizeof sub, "%s/sub", moved);
    list(sub);
    snprintf(path, sizeof path, "%s/sub/into_itself", moved);
    report("rename into itself", rename(moved, path));
    report("rmdir, not empty", rmdir(moved));
    report("rename it back", rename(moved, tree));
    snprintf(path, sizeof path, "%s/sub/file", tree);
    show(path);
    printf("done\n");
    return 0;
}
