// What a container runtime provides, read as programs read it: /dev's devices and links,
// /proc/self and the machine's /proc files, /sys's CPUs, the generated /etc files, and the
// host name and DNS servers `ingot run --hostname NAME --dns ADDR` gave.
// Usage: container_files HOSTNAME [NAMESERVER]. Prints "ok: FACT" per checked fact and
// "FAIL: FACT: WHY" otherwise; exits 1 if anything failed.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int failures;

static void check(int good, const char* fact, const char* why, ...) {
    if (good) {
        printf("ok: %s\n", fact);
        return;
    }
    va_list arguments;
    va_start(arguments, why);
    printf("FAIL: %s: ", fact);
    vprintf(why, arguments);
    printf("\n");
    va_end(arguments);
    ++failures;
}

// The whole file, NUL-terminated; the length in *length. Null when it cannot be read.
static char* slurp(const char* path, size_t* length) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t capacity = 4096, used = 0;
    char* text = malloc(capacity + 1);
    for (;;) {
        if (used == capacity)
            text = realloc(text, (capacity *= 2) + 1);
        ssize_t got = read(fd, text + used, capacity - used);
        if (got <= 0)
            break;
        used += (size_t)got;
    }
    close(fd);
    text[used] = 0;
    if (length)
        *length = used;
    return text;
}

static int has_line_starting(const char* text, const char* prefix) {
    size_t length = strlen(prefix);
    for (const char* line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, prefix, length) == 0)
            return 1;
    return 0;
}

static void check_devices(void) {
    char buffer[64];
    int fd = open("/dev/null", O_RDWR);
    check(fd >= 0 && read(fd, buffer, sizeof buffer) == 0, "/dev/null reads end of file", "%s",
          strerror(errno));
    check(fd >= 0 && write(fd, "hello", 5) == 5, "/dev/null takes writes", "%s", strerror(errno));
    close(fd);

    memset(buffer, 0x55, sizeof buffer);
    fd = open("/dev/zero", O_RDONLY);
    int zeros = fd >= 0 && read(fd, buffer, sizeof buffer) == sizeof buffer;
    for (size_t i = 0; zeros && i < sizeof buffer; ++i)
        zeros = buffer[i] == 0;
    check(zeros, "/dev/zero reads zeros", "%s", strerror(errno));
    close(fd);

    fd = open("/dev/full", O_RDWR);
    errno = 0;
    check(fd >= 0 && write(fd, "x", 1) == -1 && errno == ENOSPC, "/dev/full write is ENOSPC", "%s",
          strerror(errno));
    memset(buffer, 0x55, sizeof buffer);
    check(fd >= 0 && read(fd, buffer, 8) == 8 && buffer[0] == 0 && buffer[7] == 0,
          "/dev/full reads zeros", "%s", strerror(errno));
    close(fd);

    for (int i = 0; i < 2; ++i) {
        const char* path = i ? "/dev/random" : "/dev/urandom";
        unsigned char bytes[32] = {0};
        fd = open(path, O_RDONLY);
        int any = fd >= 0 && read(fd, bytes, sizeof bytes) == sizeof bytes;
        int nonzero = 0;
        for (size_t j = 0; j < sizeof bytes; ++j)
            nonzero |= bytes[j];
        check(any && nonzero,
              i ? "/dev/random reads random bytes" : "/dev/urandom reads random bytes", "%s",
              strerror(errno));
        close(fd);
    }

    errno = 0;
    fd = open("/dev/tty", O_RDWR);
    check(fd == -1 && errno == ENXIO, "/dev/tty is ENXIO (no controlling terminal)", "fd %d, %s",
          fd, strerror(errno));

    struct stat status;
    check(stat("/dev/null", &status) == 0 && S_ISCHR(status.st_mode) &&
              major(status.st_rdev) == 1 && minor(status.st_rdev) == 3,
          "/dev/null is character device 1:3", "%s", strerror(errno));
    check(stat("/dev/shm", &status) == 0 && S_ISDIR(status.st_mode), "/dev/shm is a directory",
          "%s", strerror(errno));

    const char* links[][2] = {{"/dev/stdin", "/proc/self/fd/0"},
                              {"/dev/stdout", "/proc/self/fd/1"},
                              {"/dev/stderr", "/proc/self/fd/2"},
                              {"/dev/fd", "/proc/self/fd"}};
    for (size_t i = 0; i < 4; ++i) {
        char target[64] = {0};
        ssize_t length = readlink(links[i][0], target, sizeof target - 1);
        char fact[80];
        snprintf(fact, sizeof fact, "%s links to %s", links[i][0], links[i][1]);
        check(length > 0 && strcmp(target, links[i][1]) == 0, fact, "'%s'", target);
    }
    fd = open("/dev/stdout", O_WRONLY);
    check(fd >= 0 && write(fd, "", 0) == 0, "/dev/stdout opens for writing", "%s", strerror(errno));
    close(fd);
}

static void check_process(const char* argv0) {
    char expected[64], target[4096] = {0};
    int pid = getpid();
    snprintf(expected, sizeof expected, "%d", pid);
    check(readlink("/proc/self", target, sizeof target - 1) > 0 && strcmp(target, expected) == 0,
          "/proc/self links to getpid()", "'%s' vs %d", target, pid);

    memset(target, 0, sizeof target);
    const char* base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
    ssize_t length = readlink("/proc/self/exe", target, sizeof target - 1);
    const char* target_base = strrchr(target, '/');
    check(length > 0 && target[0] == '/' && target_base && strcmp(target_base + 1, base) == 0,
          "/proc/self/exe names the program", "'%s'", target);

    int fd = open("/proc/self/status", O_RDONLY);
    DIR* directory = opendir("/proc/self/fd");
    int seen[4] = {0};
    for (struct dirent* entry; directory && (entry = readdir(directory));) {
        int number = atoi(entry->d_name);
        for (int i = 0; i < 3; ++i)
            seen[i] |= entry->d_name[0] == '0' + i && entry->d_name[1] == 0;
        seen[3] |= number == fd;
    }
    if (directory)
        closedir(directory);
    check(seen[0] && seen[1] && seen[2] && seen[3], "/proc/self/fd lists 0 1 2 and an open file",
          "%d %d %d %d", seen[0], seen[1], seen[2], seen[3]);
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    snprintf(expected, sizeof expected, "/proc/%d/status", pid);
    memset(target, 0, sizeof target);
    check(readlink(link, target, sizeof target - 1) > 0 && strcmp(target, expected) == 0,
          "/proc/self/fd/N links to the path opened", "'%s'", target);
    close(fd);
    errno = 0;
    check(readlink("/proc/self/fd/999", target, sizeof target) == -1 && errno == ENOENT,
          "/proc/self/fd/999 does not exist", "%s", strerror(errno));

    char* maps = slurp("/proc/self/maps", NULL);
    check(maps && strstr(maps, "[stack]\n"), "/proc/self/maps names [stack]", "%s",
          maps ? maps : strerror(errno));
    free(maps);

    char* status = slurp("/proc/self/status", NULL);
    snprintf(expected, sizeof expected, "Pid:\t%d", pid);
    check(status && has_line_starting(status, expected) && has_line_starting(status, "VmRSS:"),
          "/proc/self/status has Pid and VmRSS", "%s", status ? status : strerror(errno));
    free(status);

    char* stat = slurp("/proc/self/stat", NULL);
    int fields = 0;
    for (char* at = stat ? strrchr(stat, ')') : NULL; at && *at; ++at)
        fields += *at == ' ';
    snprintf(expected, sizeof expected, "%d (", pid);
    check(stat && strncmp(stat, expected, strlen(expected)) == 0 && fields + 2 == 52,
          "/proc/self/stat has the pid and 52 fields", "%d fields: %s", fields + 2,
          stat ? stat : strerror(errno));
    free(stat);

    size_t length_read = 0;
    char* cmdline = slurp("/proc/self/cmdline", &length_read);
    check(cmdline && strcmp(cmdline, argv0) == 0 && length_read > strlen(argv0),
          "/proc/self/cmdline starts with argv[0]", "'%s'", cmdline ? cmdline : "");
    free(cmdline);
}

static void check_machine(void) {
    char* cpuinfo = slurp("/proc/cpuinfo", NULL);
    check(cpuinfo && has_line_starting(cpuinfo, "processor\t: 0"),
          "/proc/cpuinfo has a processor line", "%s", cpuinfo ? cpuinfo : strerror(errno));
    free(cpuinfo);
    char* meminfo = slurp("/proc/meminfo", NULL);
    unsigned long total = 0;
    check(meminfo && sscanf(meminfo, "MemTotal: %lu kB", &total) == 1 && total > 0,
          "/proc/meminfo has MemTotal", "%s", meminfo ? meminfo : strerror(errno));
    free(meminfo);
    char* stat = slurp("/proc/stat", NULL);
    check(stat && has_line_starting(stat, "cpu ") && strstr(stat, "\nbtime "),
          "/proc/stat has cpu and btime", "%s", stat ? stat : strerror(errno));
    free(stat);
    char* uptime = slurp("/proc/uptime", NULL);
    double seconds = -1;
    check(uptime && sscanf(uptime, "%lf", &seconds) == 1 && seconds >= 0, "/proc/uptime parses",
          "%s", uptime ? uptime : strerror(errno));
    free(uptime);
    char* online = slurp("/sys/devices/system/cpu/online", NULL);
    check(online && online[0] == '0', "/sys/devices/system/cpu/online lists cpu 0", "%s",
          online ? online : strerror(errno));
    free(online);
    check(sysconf(_SC_NPROCESSORS_ONLN) >= 1, "sysconf counts the CPUs online", "%ld",
          sysconf(_SC_NPROCESSORS_ONLN));
    char* overcommit = slurp("/proc/sys/vm/overcommit_memory", NULL);
    check(overcommit && overcommit[0] >= '0' && overcommit[0] <= '2',
          "/proc/sys/vm/overcommit_memory reads", "%s", overcommit ? overcommit : strerror(errno));
    free(overcommit);
    int fd = open("/proc/cpuinfo", O_RDONLY);
    errno = 0;
    check(fd >= 0 && write(fd, "x", 1) == -1 && errno == EBADF,
          "a /proc file opened to read refuses writes (EBADF)", "%s", strerror(errno));
    close(fd);
}

static void check_identity(const char* hostname, const char* nameserver) {
    char name[256] = {0};
    check(gethostname(name, sizeof name) == 0 && strcmp(name, hostname) == 0,
          "gethostname is --hostname", "'%s'", name);
    char* proc_name = slurp("/proc/sys/kernel/hostname", NULL);
    char expected[300];
    snprintf(expected, sizeof expected, "%s\n", hostname);
    check(proc_name && strcmp(proc_name, expected) == 0, "/proc/sys/kernel/hostname is --hostname",
          "'%s'", proc_name ? proc_name : strerror(errno));
    free(proc_name);
    char* etc_name = slurp("/etc/hostname", NULL);
    check(etc_name && strcmp(etc_name, expected) == 0, "/etc/hostname is --hostname", "'%s'",
          etc_name ? etc_name : strerror(errno));
    free(etc_name);
    char* hosts = slurp("/etc/hosts", NULL);
    check(hosts && has_line_starting(hosts, "127.0.0.1\tlocalhost") && strstr(hosts, hostname),
          "/etc/hosts has localhost and the host name", "%s", hosts ? hosts : strerror(errno));
    free(hosts);
    if (nameserver) {
        char* resolv = slurp("/etc/resolv.conf", NULL);
        snprintf(expected, sizeof expected, "nameserver %s", nameserver);
        check(resolv && has_line_starting(resolv, expected), "/etc/resolv.conf names --dns", "%s",
              resolv ? resolv : strerror(errno));
        free(resolv);
    }
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo* found = NULL;
    int error = getaddrinfo("localhost", "80", &hints, &found);
    check(error == 0 && found, "getaddrinfo(localhost) resolves", "%s", gai_strerror(error));
    if (found)
        freeaddrinfo(found);
    struct passwd* root = getpwuid(0);
    check(root && strcmp(root->pw_name, "root") == 0, "getpwuid(0) is root", "%s",
          root ? root->pw_name : "none");
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s HOSTNAME [NAMESERVER]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_devices();
    check_process(argv[0]);
    check_machine();
    check_identity(argv[1], argc > 2 ? argv[2] : NULL);
    printf("%d failed\n", failures);
    return failures ? 1 : 0;
}
