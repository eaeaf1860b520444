// Mappings of files that shrink under them, and of pages past the end of a file: as Linux,
// every access to a page wholly past the end of the file is SIGBUS with si_code BUS_ADRERR
// (mmap(2)), truncate(2)/ftruncate(2)/O_TRUNC unmap the pages they free from every mapping,
// and a page of a file that has grown back reads what the file holds. A mapped file that is
// unlinked keeps its contents while mapped. The expected output was taken from a native run.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf recovery;
static volatile sig_atomic_t fault_signal, fault_code;
static void* volatile fault_address;

static void on_fault(int signal, siginfo_t* info, void* context) {
    (void)context;
    fault_signal = signal;
    fault_code = info->si_code;
    fault_address = info->si_addr;
    siglongjmp(recovery, 1);
}

// Touches `address` (a load, or a store of 'w'), and says what happened.
static void touch(const char* what, volatile char* address, int store) {
    fault_signal = 0;
    if (sigsetjmp(recovery, 1) == 0) {
        if (store) {
            *address = 'w';
            printf("%s: stored\n", what);
        } else {
            char value = *address;
            printf("%s: read '%c'\n", what, value ? value : '0');
        }
    } else {
        printf("%s: %s si_code %d at the address: %s\n", what, strsignal(fault_signal),
               (int)fault_code, fault_address == (void*)address ? "yes" : "no");
    }
    fflush(stdout);
}

static int make_file(const char* path, size_t size, char fill) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(path);
        exit(1);
    }
    char* bytes = malloc(size);
    memset(bytes, fill, size);
    if (write(fd, bytes, size) != (ssize_t)size) {
        perror("write");
        exit(1);
    }
    free(bytes);
    return fd;
}

static char* map(int fd, size_t length, int prot, int flags) {
    char* mapping = mmap(NULL, length, prot, flags, fd, 0);
    if (mapping == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    return mapping;
}

static void shrink_shared(const char* how, int fd, const char* path) {
    long page = sysconf(_SC_PAGESIZE);
    char* mapping = map(fd, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED);
    touch("before: page 2", mapping + 2 * page, 0);
    int reopened = -1;
    if (strcmp(how, "ftruncate") == 0) {
        ftruncate(fd, 10);
    } else if (strcmp(how, "truncate") == 0) {
        truncate(path, 10);
    } else {
        reopened = open(path, O_RDWR | O_TRUNC);
        write(reopened, "0123456789", 10);
    }
    printf("-- %s to 10 bytes under a shared mapping\n", how);
    touch("byte 9", mapping + 9, 0);
    touch("byte 10 (zeroed tail)", mapping + 10, 0);
    touch("page 1", mapping + page, 0);
    touch("page 2 store", mapping + 2 * page + 7, 1);
    char buffer[16];
    int pipe_fds[2];
    pipe(pipe_fds);
    errno = 0;
    ssize_t copied = write(pipe_fds[1], mapping + page, 16);
    printf("write(2) from page 1: %zd %s\n", copied, copied < 0 ? strerrorname_np(errno) : "");
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    ftruncate(fd, 3 * page);
    printf("-- grown back to 3 pages\n");
    touch("page 1", mapping + page, 0);
    touch("page 2 store", mapping + 2 * page + 7, 1);
    pread(fd, buffer, 1, 2 * page + 7);
    printf("the file has the store: %s\n", buffer[0] == 'w' ? "yes" : "no");
    munmap(mapping, 3 * page);
    if (reopened >= 0)
        close(reopened);
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    struct sigaction action = {0};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGBUS, &action, NULL);
    sigaction(SIGSEGV, &action, NULL);
    const char* path = "/tmp/file_mapping_end";

    printf("-- a mapping longer than its file (100 bytes, 2 pages mapped)\n");
    int fd = make_file(path, 100, 'a');
    char* shared = map(fd, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED);
    char* private_copy = map(fd, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    char* read_only = map(fd, 2 * page, PROT_READ, MAP_PRIVATE);
    touch("shared byte 99", shared + 99, 0);
    touch("shared byte 100", shared + 100, 0);
    touch("shared page 1", shared + page, 0);
    touch("shared page 1 store", shared + page + 1, 1);
    touch("private page 1", private_copy + page + 5, 0);
    touch("private page 1 store", private_copy + page, 1);
    touch("read-only page 1", read_only + page, 0);
    touch("read-only page 0 store (SIGSEGV)", read_only, 1);
    munmap(shared, 2 * page);
    munmap(private_copy, 2 * page);
    munmap(read_only, 2 * page);
    close(fd);

    const char* hows[] = {"ftruncate", "truncate", "O_TRUNC"};
    for (int i = 0; i < 3; ++i) {
        fd = make_file(path, 3 * page, 'b');
        shrink_shared(hows[i], fd, path);
        close(fd);
    }

    printf("-- ftruncate under a read-only private mapping\n");
    fd = make_file(path, 2 * page, 'c');
    read_only = map(fd, 2 * page, PROT_READ, MAP_PRIVATE);
    ftruncate(fd, page);
    touch("page 0", read_only, 0);
    touch("page 1", read_only + page, 0);
    munmap(read_only, 2 * page);
    close(fd);

    printf("-- memfd shrunk under a shared mapping\n");
    fd = memfd_create("shrinking", 0);
    ftruncate(fd, 2 * page);
    shared = map(fd, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED);
    shared[page] = 'm';
    ftruncate(fd, page);
    touch("page 1", shared + page, 0);
    ftruncate(fd, 2 * page);
    touch("page 1 grown back", shared + page, 0);
    munmap(shared, 2 * page);
    close(fd);

    printf("-- unlinked while mapped\n");
    fd = make_file(path, 2 * page, 'u');
    shared = map(fd, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED);
    close(fd);
    unlink(path);
    make_file(path, page, 'n'); // a new file takes the name (and perhaps the old frames)
    touch("page 1 of the unlinked file", shared + page, 0);
    touch("store", shared + page + 1, 1);
    touch("read back", shared + page + 1, 0);
    munmap(shared, 2 * page);
    unlink(path);
    printf("done\n");
    return 0;
}
