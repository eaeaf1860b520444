// The file syscalls on every path the programs Ingot runs take, and their errors: each line is
// a call's result as Linux gives it (the expected output was taken from a native run as root
// on ext4 and holds on tmpfs too). Nothing that differs between file systems is printed:
// inode and device numbers, times, directory sizes, block counts, readdir order (sorted here).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

static void report(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
    fflush(stdout);
}

static void check(const char* what, long result) {
    if (result < 0)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: ok\n", what);
    fflush(stdout);
}

static void show_text(const char* what, int fd, off_t offset, size_t length) {
    char buffer[256];
    ssize_t got = pread(fd, buffer, length < sizeof buffer ? length : sizeof buffer, offset);
    if (got < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    printf("%s: \"", what);
    for (ssize_t i = 0; i < got; ++i)
        putchar(buffer[i] ? buffer[i] : '0');
    printf("\"\n");
}

static void show_file(const char* what, const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    show_text(what, fd, 0, 255);
    close(fd);
}

static void show_stat(const char* what, const char* path, int follow) {
    struct stat st;
    int result = follow ? stat(path, &st) : lstat(path, &st);
    if (result < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    const char* type = S_ISREG(st.st_mode)    ? "file"
                       : S_ISDIR(st.st_mode)  ? "directory"
                       : S_ISLNK(st.st_mode)  ? "symlink"
                       : S_ISFIFO(st.st_mode) ? "fifo"
                                              : "other";
    printf("%s: %s mode %04o links %lu", what, type, (unsigned)(st.st_mode & 07777),
           (unsigned long)st.st_nlink);
    if (!S_ISDIR(st.st_mode))
        printf(" size %lld", (long long)st.st_size);
    printf(" owner %u:%u\n", st.st_uid, st.st_gid);
    fflush(stdout);
}

static int compare(const void* a, const void* b) {
    return strcmp(*(char* const*)a, *(char* const*)b);
}

// getdents64 directly, names sorted (each file system has its own order).
static void list(const char* what, const char* path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    char buffer[4096];
    char* names[64];
    int count = 0;
    for (;;) {
        long got = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
        if (got <= 0)
            break;
        for (long at = 0; at < got;) {
            struct dirent64* entry = (struct dirent64*)(buffer + at);
            if (count < 64)
                names[count++] = strdup(entry->d_name);
            at += entry->d_reclen;
        }
    }
    qsort(names, count, sizeof names[0], compare);
    printf("%s:", what);
    for (int i = 0; i < count; ++i) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
    close(fd);
}

static void write_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror(path);
        exit(1);
    }
    close(fd);
}

static void opening(void) {
    int fd = open("data", O_RDWR | O_CREAT | O_EXCL, 0666);
    check("open O_CREAT|O_EXCL new", fd);
    report("open O_CREAT|O_EXCL existing", open("data", O_RDWR | O_CREAT | O_EXCL, 0644));
    show_stat("stat new file (umask 022)", "data", 1);
    report("open missing", open("missing", O_RDONLY));
    report("open empty path", open("", O_RDONLY));
    report("open O_DIRECTORY on a file", open("data", O_RDONLY | O_DIRECTORY));
    report("open directory O_WRONLY", open(".", O_WRONLY));
    report("open directory O_RDWR", open(".", O_RDWR));
    report("open O_CREAT on a directory", open(".", O_RDONLY | O_CREAT, 0644));
    report("open O_CREAT|O_DIRECTORY", open("newdir", O_RDONLY | O_CREAT | O_DIRECTORY, 0755));
    report("open O_CREAT with trailing slash", open("newfile/", O_RDWR | O_CREAT, 0644));
    report("open file with trailing slash", open("data/", O_RDONLY));
    report("open through a file", open("data/x", O_RDONLY));
    report("open O_TMPFILE read-only", open(".", O_RDONLY | O_TMPFILE, 0600));
    report("openat bad descriptor", openat(999, "data", O_RDONLY));
    report("openat descriptor of a file", openat(fd, "data", O_RDONLY));
    report("openat absolute ignores the descriptor", openat(999, "/", O_RDONLY) >= 0);
    int pipe_ends[2];
    pipe(pipe_ends);
    report("openat descriptor of a pipe", openat(pipe_ends[0], "data", O_RDONLY));

    report("write", write(fd, "hello, world", 12));
    report("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR));
    report("lseek SEEK_SET 7", lseek(fd, 7, SEEK_SET));
    char word[8] = {0};
    report("read 5", read(fd, word, 5));
    printf("read text: %s\n", word);
    report("lseek SEEK_END -5", lseek(fd, -5, SEEK_END));
    report("lseek negative", lseek(fd, -100, SEEK_SET));
    report("lseek bad whence", lseek(fd, 0, 17));
    report("lseek SEEK_DATA 3", lseek(fd, 3, SEEK_DATA));
    report("lseek SEEK_HOLE 3", lseek(fd, 3, SEEK_HOLE));
    report("lseek SEEK_DATA at end", lseek(fd, 12, SEEK_DATA));
    report("pwrite 2", pwrite(fd, "J", 1, 0));
    report("pwrite past the end", pwrite(fd, "!", 1, 15));
    show_text("contents with a hole", fd, 0, 64);
    report("position after pread/pwrite", lseek(fd, 0, SEEK_CUR));
    report("pread negative offset", pread(fd, word, 1, -1));
    report("pread at the end", pread(fd, word, 4, 16));
    struct iovec parts[2] = {{"ab", 2}, {"cd", 2}};
    report("pwritev", pwritev(fd, parts, 2, 1));
    char first[3] = {0}, second[3] = {0};
    struct iovec back[2] = {{first, 2}, {second, 2}};
    report("preadv", preadv(fd, back, 2, 1));
    printf("preadv text: %s %s\n", first, second);
    report("preadv2 offset -1 (the position)", preadv2(fd, back, 1, -1, 0));
    report("pwritev2 unknown flag", pwritev2(fd, parts, 1, 0, 0x4000));
    report("pread on a pipe", pread(pipe_ends[0], word, 1, 0));
    report("lseek on a pipe", lseek(pipe_ends[0], 0, SEEK_SET));
    report("pread bad descriptor", pread(999, word, 1, 0));
    report("fsync", fsync(fd));
    report("fdatasync", fdatasync(fd));
    report("fsync on a pipe", fsync(pipe_ends[1]));
    report("syncfs", syncfs(fd));
    close(pipe_ends[0]);
    close(pipe_ends[1]);

    int flags = fcntl(fd, F_GETFL);
    printf("F_GETFL: %#o\n", flags);
    report("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
    printf("F_GETFL: %#o\n", fcntl(fd, F_GETFL));
    report("write with O_APPEND", write(fd, "END", 3));
    report("pwrite with O_APPEND appends", pwrite(fd, "+", 1, 0));
    show_text("appended", fd, 0, 64);
    close(fd);

    fd = open("data", O_RDONLY);
    report("write on O_RDONLY", write(fd, "x", 1));
    report("ftruncate on O_RDONLY", ftruncate(fd, 0));
    report("fallocate on O_RDONLY", fallocate(fd, 0, 0, 100));
    close(fd);
    fd = open("data", O_WRONLY);
    report("read on O_WRONLY", read(fd, word, 1));
    report("ftruncate 5", ftruncate(fd, 5));
    report("ftruncate negative", ftruncate(fd, -1));
    report("fallocate to 100", fallocate(fd, 0, 90, 10));
    report("fallocate zero length", fallocate(fd, 0, 0, 0));
    report("fallocate punch hole mode", fallocate(fd, 3, 0, 1));
    show_stat("after ftruncate and fallocate", "data", 1);
    close(fd);
    report("truncate to 3", truncate("data", 3));
    report("truncate a directory", truncate(".", 3));
    report("truncate missing", truncate("missing", 3));
    show_file("after truncate", "data");
    fd = open("data", O_RDWR | O_TRUNC);
    show_stat("after O_TRUNC", "data", 1);
    close(fd);
    report("creat", fd = creat("made", 0600));
    report("write to creat's file", write(fd, "abc", 3));
    close(fd);
    show_stat("creat's file", "made", 1);
    fd = open(".", O_WRONLY | O_TMPFILE, 0600);
    check("open O_TMPFILE", fd);
    report("write to the unnamed file", write(fd, "unnamed", 7));
    show_text("unnamed file", fd, 0, 20);
    close(fd);

    // O_PATH names a file without opening it for I/O.
    fd = open("made", O_PATH);
    check("open O_PATH", fd);
    report("read O_PATH", read(fd, word, 1));
    struct stat st;
    report("fstat O_PATH", fstat(fd, &st));
    report("size by fstat O_PATH", st.st_size);
    report("fstatat AT_EMPTY_PATH", fstatat(fd, "", &st, AT_EMPTY_PATH));
    report("fstatat empty path alone", fstatat(fd, "", &st, 0));
    printf("F_GETFL O_PATH: %#o\n", fcntl(fd, F_GETFL));
    close(fd);
}

static void directories(void) {
    check("mkdir", mkdir("dir", 0777));
    show_stat("new directory", "dir", 1);
    report("mkdir existing", mkdir("dir", 0755));
    report("mkdir with a trailing slash", mkdir("dir2/", 0755));
    report("mkdir in a missing directory", mkdir("nowhere/dir", 0755));
    report("mkdir .", mkdir(".", 0755));
    report("mkdir through a file", mkdir("data/x", 0755));
    check("mkdir sub", mkdir("dir/sub", 0700));
    show_stat("parent links", "dir", 1);
    write_file("dir/file", "in dir");
    list("getdents64 dir", "dir");
    report("rmdir non-empty", rmdir("dir"));
    report("rmdir a file", rmdir("dir/file"));
    report("rmdir .", rmdir("dir/sub/."));
    report("rmdir ..", rmdir("dir/sub/.."));
    report("rmdir missing", rmdir("dir/missing"));
    report("unlink a directory", unlink("dir/sub"));
    report("unlink with a trailing slash", unlink("dir/file/"));
    report("unlinkat bad flag", unlinkat(AT_FDCWD, "dir/file", 0x4));
    check("unlinkat AT_REMOVEDIR", unlinkat(AT_FDCWD, "dir2", AT_REMOVEDIR));
    check("unlinkat AT_REMOVEDIR sub", unlinkat(AT_FDCWD, "dir/sub", AT_REMOVEDIR));
    show_stat("parent links after rmdir", "dir", 1);
    check("mkdirat", mkdirat(AT_FDCWD, "dir/made", 0750));
    int directory = open("dir", O_RDONLY | O_DIRECTORY);
    check("mknodat fifo", mknodat(directory, "fifo", S_IFIFO | 0644, 0));
    show_stat("fifo", "dir/fifo", 1);
    check("mknodat regular", mknodat(directory, "plain", S_IFREG | 0600, 0));
    report("mknodat directory", mknodat(directory, "d", S_IFDIR | 0600, 0));
    report("mknodat existing", mknodat(directory, "plain", S_IFREG | 0600, 0));
    report("mknodat bad type", mknodat(directory, "bad", 0170000 | 0600, 0));
    list("getdents64 by descriptor", "dir");
    report("lseek on a directory to 0", lseek(directory, 0, SEEK_SET));
    report("read on a directory", read(directory, (char[4]){0}, 4));
    char tiny[8];
    report("getdents64 too small", syscall(SYS_getdents64, directory, tiny, sizeof tiny));
    report("getdents64 on a file", syscall(SYS_getdents64, open("data", O_RDONLY), tiny, 8));
    close(directory);
}

static void names(void) {
    write_file("a", "A");
    write_file("b", "B");
    check("rename over a file", rename("a", "b"));
    show_file("renamed", "b");
    report("rename missing", rename("a", "c"));
    mkdir("full", 0755);
    write_file("full/x", "x");
    mkdir("empty", 0755);
    report("rename file over a directory", rename("b", "empty"));
    report("rename directory over a file", rename("empty", "b"));
    report("rename directory over a non-empty one", rename("empty", "full"));
    report("rename into its own subdirectory", rename("full", "full/inside"));
    report("rename file with a trailing slash", rename("b", "c/"));
    check("rename directory over an empty one", rename("full", "empty"));
    list("after rename", ".");
    report("rename .", rename(".", "x"));
    report("renameat2 RENAME_NOREPLACE",
           syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "made", 1));
    check("renameat2 RENAME_EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "made", 2));
    show_file("exchanged b", "b");
    report("renameat2 RENAME_EXCHANGE missing",
           syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "none", 2));
    report("renameat2 both flags", syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "made", 3));
    check("renameat", renameat(AT_FDCWD, "b", AT_FDCWD, "empty/b"));

    check("link", link("made", "hard"));
    show_stat("hard link", "hard", 1);
    report("link existing", link("made", "hard"));
    report("link a directory", link("empty", "dirlink"));
    report("link missing", link("none", "x"));
    check("symlink", symlink("made", "soft"));
    check("symlink to a directory", symlink("empty", "softdir"));
    check("symlink dangling", symlink("ghost/target", "dangling"));
    check("symlink loop", symlink("loop", "loop"));
    report("symlink existing", symlink("x", "soft"));
    report("symlink empty target", symlink("", "emptylink"));
    show_stat("lstat symlink", "soft", 0);
    show_stat("stat symlink", "soft", 1);
    char target[64] = {0};
    report("readlink", readlink("soft", target, sizeof target));
    printf("readlink text: %s\n", target);
    report("readlink short buffer", readlink("soft", target, 2));
    report("readlink not a link", readlink("made", target, sizeof target));
    report("readlink zero size", readlink("soft", target, 0));
    report("readlink missing", readlink("none", target, sizeof target));
    report("open O_NOFOLLOW on a symlink", open("soft", O_RDONLY | O_NOFOLLOW));
    report("open a symlink loop", open("loop", O_RDONLY));
    report("open dangling", open("dangling", O_RDONLY));
    report("open O_CREAT|O_EXCL on a dangling symlink",
           open("dangling", O_RDWR | O_CREAT | O_EXCL, 0644));
    mkdir("ghost", 0755);
    int fd = open("dangling", O_RDWR | O_CREAT, 0644);
    check("open O_CREAT through a dangling symlink", fd);
    close(fd);
    show_stat("the link's target now", "ghost/target", 1);
    show_stat("through a link to a directory", "softdir/b", 1);
    report("stat symlink with a trailing slash", access("soft/", F_OK));
    check("stat directory symlink with a trailing slash", access("softdir/", F_OK));
    report("unlink through a trailing slash on a link", unlink("softdir/"));
    check("unlink the link", unlink("softdir"));
    show_stat("the directory stays", "empty", 1);

    char long_name[300];
    memset(long_name, 'n', 256);
    long_name[256] = 0;
    report("a 256-byte name", open(long_name, O_RDONLY));
    long_name[255] = 0;
    report("a 255-byte name", open(long_name, O_RDONLY));
    static char long_path[PATH_MAX + 2];
    memset(long_path, '/', PATH_MAX);
    long_path[PATH_MAX] = 0;
    report("a 4096-byte path", access(long_path, F_OK));
    long_path[PATH_MAX - 1] = 0;
    report("a 4095-byte path", access(long_path, F_OK));
    char chain[16];
    symlink("made", "l0");
    for (int i = 1; i <= 41; ++i) {
        char previous[16];
        snprintf(previous, sizeof previous, "l%d", i - 1);
        snprintf(chain, sizeof chain, "l%d", i);
        symlink(previous, chain);
    }
    report("40 links", access("l39", F_OK));
    report("41 links", access("l40", F_OK));

    write_file("gone", "still readable");
    fd = open("gone", O_RDONLY);
    check("unlink an open file", unlink("gone"));
    show_text("read after unlink", fd, 0, 32);
    struct stat st;
    fstat(fd, &st);
    printf("links after unlink: %lu\n", (unsigned long)st.st_nlink);
    close(fd);
}

static void places(void) {
    char cwd[PATH_MAX];
    check("chdir", chdir("empty"));
    const char* last = strrchr(getcwd(cwd, sizeof cwd), '/');
    printf("getcwd ends with: %s\n", last);
    report("getcwd too small", getcwd(cwd, 3) ? 0 : -1);
    report("getcwd size 0", syscall(SYS_getcwd, cwd, 0));
    check("chdir ..", chdir(".."));
    report("chdir to a file", chdir("made"));
    report("chdir missing", chdir("missing"));
    int directory = open("empty", O_RDONLY | O_DIRECTORY);
    check("fchdir", fchdir(directory));
    show_stat("relative after fchdir", "b", 1);
    check("fchdir back", chdir(".."));
    report("fchdir a file", fchdir(open("made", O_RDONLY)));
    report("fchdir bad descriptor", fchdir(999));
    show_stat("openat relative to a directory", "empty/b", 1);
    int inside = openat(directory, "b", O_RDONLY);
    check("openat relative", inside);
    struct stat st;
    report("fstatat relative", fstatat(directory, "b", &st, 0));
    report("fstatat bad flags", fstatat(directory, "b", &st, 0x4));
    report("fstatat AT_SYMLINK_NOFOLLOW", fstatat(AT_FDCWD, "soft", &st, AT_SYMLINK_NOFOLLOW));
    printf("is a link: %d\n", S_ISLNK(st.st_mode));
    struct statx sx;
    report("statx", statx(AT_FDCWD, "made", 0, STATX_BASIC_STATS, &sx));
    printf("statx mask basic: %d size %llu mode %04o\n",
           (sx.stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, (unsigned long long)sx.stx_size,
           sx.stx_mode & 07777);
    report("statx reserved mask", statx(AT_FDCWD, "made", 0, 0x80000000u, &sx));
    report("statx both sync flags", statx(AT_FDCWD, "made", 0x6000, STATX_BASIC_STATS, &sx));
    close(inside);
    close(directory);
}

static void attributes(void) {
    report("access F_OK", access("made", F_OK));
    report("access missing", access("missing", F_OK));
    report("access R_OK|W_OK", access("made", R_OK | W_OK));
    report("access X_OK without execute bits", access("made", X_OK));
    report("access X_OK on a directory", access("empty", X_OK));
    report("access bad mode", access("made", 8));
    report("faccessat2 AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, "made", R_OK, AT_EACCESS));
    report("faccessat2 bad flag", syscall(SYS_faccessat2, AT_FDCWD, "made", R_OK, 0x4));
    check("chmod", chmod("made", 04751));
    show_stat("after chmod", "made", 1);
    report("access X_OK after chmod", access("made", X_OK));
    int fd = open("made", O_RDONLY);
    check("fchmod", fchmod(fd, 0640));
    check("fchown", fchown(fd, 1000, 1000));
    show_stat("after fchmod and fchown", "made", 1);
    check("chown one side", chown("made", -1, 2000));
    check("lchown a link", lchown("soft", 3000, 3000));
    show_stat("after chown", "made", 1);
    show_stat("the link after lchown", "soft", 0);
    check("fchownat", fchownat(AT_FDCWD, "made", 0, 0, 0));
    report("fchownat bad flag", fchownat(AT_FDCWD, "made", 0, 0, 0x2));
    check("fchmodat", fchmodat(AT_FDCWD, "made", 0644, 0));
    report("chmod missing", chmod("missing", 0644));

    struct timespec times[2] = {{1000000000, 5}, {1200000000, 7}};
    check("utimensat", utimensat(AT_FDCWD, "made", times, 0));
    struct stat st;
    stat("made", &st);
    printf("times: %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1300000000, 0}};
    check("utimensat UTIME_OMIT", utimensat(AT_FDCWD, "made", omit, 0));
    stat("made", &st);
    printf("times: %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    report("utimensat bad nanoseconds", utimensat(AT_FDCWD, "made", bad, 0));
    check("futimens", futimens(fd, times));
    struct timeval tv[2] = {{1400000000, 3}, {1500000000, 4}};
    check("utimes", utimes("made", tv));
    stat("made", &st);
    printf("times: %ld.%ld %ld.%ld\n", (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    struct timeval bad_tv[2] = {{0, 1000000}, {0, 0}};
    report("utimes bad microseconds", utimes("made", bad_tv));
    close(fd);

    mode_t previous = umask(077);
    printf("umask was %03o\n", previous);
    fd = open("private", O_WRONLY | O_CREAT, 0666);
    show_stat("created under umask 077", "private", 1);
    close(fd);
    mkdir("private_dir", 01777);
    show_stat("directory under umask 077", "private_dir", 1);
    printf("umask was %03o\n", umask(previous));

    report("statfs missing", syscall(SYS_statfs, "missing", (char[120]){0}));
    report("fstatfs bad descriptor", syscall(SYS_fstatfs, 999, (char[120]){0}));
}

static void show_lock(const char* what, int fd, int command, short type, off_t start,
                      off_t length) {
    struct flock lock = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = length};
    int result = fcntl(fd, command, &lock);
    if (result < 0) {
        printf("%s: %s\n", what, strerrorname_np(errno));
        return;
    }
    const char* name = lock.l_type == F_UNLCK   ? "unlocked"
                       : lock.l_type == F_WRLCK ? "write"
                                                : "read";
    printf("%s: %s", what, name);
    if (lock.l_type != F_UNLCK)
        printf(" at %lld length %lld pid %d", (long long)lock.l_start, (long long)lock.l_len,
               lock.l_pid);
    printf("\n");
    fflush(stdout);
}

static void locks(void) {
    int first = open("made", O_RDWR);
    int second = open("made", O_RDWR);
    int reading = open("made", O_RDONLY);
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    check("F_SETLK write", fcntl(first, F_SETLK, &lock));
    check("F_SETLK write again from the same process", fcntl(second, F_SETLK, &lock));
    show_lock("F_GETLK in the same process", second, F_GETLK, F_WRLCK, 0, 10);
    report("F_SETLK write on O_RDONLY", fcntl(reading, F_SETLK, &lock));
    lock.l_type = 7;
    report("F_SETLK bad type", fcntl(first, F_SETLK, &lock));
    lock.l_type = F_RDLCK;
    lock.l_whence = 9;
    report("F_SETLK bad whence", fcntl(first, F_SETLK, &lock));
    lock.l_whence = SEEK_SET;
    lock.l_start = -5;
    report("F_SETLK negative start", fcntl(first, F_SETLK, &lock));
    lock.l_type = F_UNLCK;
    lock.l_start = 0;
    lock.l_len = 0;
    check("F_SETLK unlock", fcntl(first, F_SETLK, &lock));

    struct flock ofd = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    check("F_OFD_SETLK write", fcntl(first, F_OFD_SETLK, &ofd));
    report("F_OFD_SETLK from another open file", fcntl(second, F_OFD_SETLK, &ofd));
    show_lock("F_OFD_GETLK from another open file", second, F_OFD_GETLK, F_RDLCK, 5, 1);
    show_lock("F_OFD_GETLK past it", second, F_OFD_GETLK, F_WRLCK, 10, 5);
    show_lock("F_GETLK sees it", second, F_GETLK, F_RDLCK, 0, 0);
    lock.l_type = F_RDLCK;
    lock.l_start = 2;
    lock.l_len = 1;
    report("F_SETLK against it", fcntl(second, F_SETLK, &lock));
    ofd.l_pid = 1;
    report("F_OFD_SETLK with l_pid", fcntl(second, F_OFD_SETLK, &ofd));
    ofd.l_pid = 0;
    ofd.l_start = 20;
    check("F_OFD_SETLK elsewhere", fcntl(second, F_OFD_SETLK, &ofd));
    close(first);
    ofd.l_start = 0;
    check("F_OFD_SETLK after the holder closed", fcntl(second, F_OFD_SETLK, &ofd));

    int third = open("made", O_RDONLY);
    check("flock LOCK_EX", flock(second, LOCK_EX));
    report("flock LOCK_EX|LOCK_NB from another open file", flock(third, LOCK_EX | LOCK_NB));
    int copy = dup(second);
    check("flock LOCK_SH through a dup (the same open file)", flock(copy, LOCK_SH | LOCK_NB));
    report("flock LOCK_SH|LOCK_NB from another open file", flock(third, LOCK_SH | LOCK_NB));
    check("flock LOCK_UN", flock(second, LOCK_UN));
    check("flock LOCK_SH|LOCK_NB now", flock(third, LOCK_SH | LOCK_NB));
    report("flock bad operation", flock(third, LOCK_SH | LOCK_EX));
    report("flock bad descriptor", flock(999, LOCK_SH));
    close(copy);
    close(second);
    close(third);
    close(reading);
}

static void transfers(void) {
    write_file("source", "0123456789abcdef");
    int source = open("source", O_RDONLY);
    int target = open("target", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    off_t offset = 4;
    report("sendfile with an offset", sendfile(target, source, &offset, 6));
    report("offset after", offset);
    report("source position unmoved", lseek(source, 0, SEEK_CUR));
    report("sendfile at the position", sendfile(target, source, NULL, 3));
    report("source position after", lseek(source, 0, SEEK_CUR));
    report("sendfile past the end", sendfile(target, source, &(off_t){100}, 3));
    show_file("sendfile's copy", "target");
    report("sendfile to an O_RDONLY file", sendfile(source, source, NULL, 1));
    report("sendfile from a directory", sendfile(target, open(".", O_RDONLY), NULL, 1));
    report("sendfile negative offset", sendfile(target, source, &(off_t){-1}, 1));
    int appending = open("target", O_WRONLY | O_APPEND);
    report("sendfile to O_APPEND", sendfile(appending, source, &(off_t){0}, 1));
    report("copy_file_range to O_APPEND", copy_file_range(source, NULL, appending, NULL, 1, 0));
    close(appending);

    loff_t from = 10, to = 2;
    int both = open("target", O_RDWR);
    report("copy_file_range with offsets", copy_file_range(source, &from, both, &to, 4, 0));
    printf("offsets after: %lld %lld\n", (long long)from, (long long)to);
    show_file("copy_file_range's copy", "target");
    report("copy_file_range flags", copy_file_range(source, NULL, both, NULL, 1, 1));
    report("copy_file_range overlapping",
           copy_file_range(both, &(loff_t){0}, both, &(loff_t){2}, 4, 0));
    report("copy_file_range at the end", copy_file_range(source, &(loff_t){16}, both, NULL, 4, 0));
    report("copy_file_range bad descriptor", copy_file_range(999, NULL, both, NULL, 4, 0));
    close(both);
    close(source);
    close(target);

    int memory = memfd_create("scratch", MFD_CLOEXEC);
    check("memfd_create", memory);
    printf("memfd F_GETFD: %d\n", fcntl(memory, F_GETFD));
    report("write to the memfd", write(memory, "in memory", 9));
    show_text("memfd contents", memory, 0, 20);
    report("ftruncate the memfd", ftruncate(memory, 4096));
    struct stat st;
    fstat(memory, &st);
    printf("memfd: mode %04o size %lld regular %d\n", (unsigned)(st.st_mode & 07777),
           (long long)st.st_size, S_ISREG(st.st_mode));
    close(memory);
    char long_name[260];
    memset(long_name, 'm', 250);
    long_name[250] = 0;
    report("memfd_create long name", memfd_create(long_name, 0));
    report("memfd_create bad flags", memfd_create("x", 0x1000));
}

static void descriptors(void) {
    int first = open("made", O_RDONLY);
    int second = open("made", O_RDONLY);
    check("close_range CLOEXEC", close_range(first, second, CLOSE_RANGE_CLOEXEC));
    printf("F_GETFD: %d %d\n", fcntl(first, F_GETFD), fcntl(second, F_GETFD));
    report("close_range bad flags", close_range(first, second, 0x80));
    report("close_range reversed", close_range(second, first, 0));
    check("close_range", close_range(first, second, 0));
    report("closed", fcntl(first, F_GETFD));
    int cloexec = open("made", O_RDONLY | O_CLOEXEC);
    printf("O_CLOEXEC F_GETFD: %d\n", fcntl(cloexec, F_GETFD));
    close(cloexec);
}

int main(void) {
    char scratch[] = "/tmp/file_syscalls.XXXXXX";
    if (!mkdtemp(scratch) || chdir(scratch) != 0) {
        perror("scratch directory");
        return 1;
    }
    umask(022);
    opening();
    directories();
    names();
    places();
    attributes();
    locks();
    transfers();
    descriptors();
    return 0;
}
