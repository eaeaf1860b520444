// getcwd(2) once the working directory was removed (ENOENT, as Linux), and, given a mount
// point as its argument, whether /proc/mounts and /proc/self/mountinfo list it as mounted now
// (a volume mounted at start, not only the file systems of the first moments). The expected
// output of the first part was taken from a native run.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
    fflush(stdout);
}

// The type of the file system `path` is the mount point of in `file`'s lines; field
// `point_field` (from 0) is the mount point and the type follows `type_after`.
static void find_mount(const char* file, const char* path, int point_field,
                       const char* type_after) {
    FILE* lines = fopen(file, "r");
    if (!lines) {
        printf("%s: %s\n", file, strerrorname_np(errno));
        return;
    }
    char line[1024];
    int found = 0;
    while (fgets(line, sizeof line, lines)) {
        char copy[1024];
        strcpy(copy, line);
        char* saved = NULL;
        char* field = strtok_r(copy, " ", &saved);
        for (int i = 0; field && i < point_field; ++i)
            field = strtok_r(NULL, " ", &saved);
        if (!field || strcmp(field, path) != 0)
            continue;
        const char* type = type_after ? strstr(line, type_after) : NULL;
        char name[64] = "";
        if (type)
            sscanf(type + strlen(type_after), "%63s", name);
        else
            sscanf(line, "%*s %*s %63s", name);
        printf("%s lists %s: %s\n", file, path, name);
        found = 1;
    }
    if (!found)
        printf("%s does not list %s\n", file, path);
    fclose(lines);
}

int main(int argc, char** argv) {
    if (argc > 1) {
        find_mount("/proc/mounts", argv[1], 1, NULL);
        find_mount("/proc/self/mountinfo", argv[1], 4, " - ");
        return 0;
    }
    char buffer[4096];
    const char* directory = "/tmp/cwd_and_mounts.gone";
    rmdir(directory);
    report("mkdir", mkdir(directory, 0755));
    report("chdir", chdir(directory));
    report("getcwd", getcwd(buffer, sizeof buffer) ? (long)strlen(buffer) : -1);
    report("rmdir it", rmdir(directory));
    report("getcwd after rmdir", getcwd(buffer, sizeof buffer) ? (long)strlen(buffer) : -1);
    report("getcwd after rmdir, small buffer", getcwd(buffer, 2) ? 0 : -1);
    struct stat st;
    report("stat .", stat(".", &st));
    printf("links: %lu\n", (unsigned long)st.st_nlink);
    report("mkdir in it", mkdir("child", 0755));
    report("chdir /", chdir("/"));
    report("getcwd", getcwd(buffer, sizeof buffer) ? (long)strlen(buffer) : -1);
    printf("cwd: %s\n", buffer);
    printf("done\n");
    return 0;
}
