// Unimplemented system calls: the program must see -1/ENOSYS each time (the kernel reports
// each number once). io_setup exists on Linux, so natively it prints "io_setup: ok".
#define _GNU_SOURCE
#include <errno.h>
#include <linux/aio_abi.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char* name, long result, int error) {
    if (result == -1)
        printf("%s: -1 %s\n", name, error == ENOSYS ? "ENOSYS" : strerror(error));
    else
        printf("%s: ok (%ld)\n", name, result);
}

int main(void) {
    for (int i = 0; i < 2; ++i) {
        errno = 0;
        long result = syscall(999);
        report("syscall 999", result, errno);
    }
    for (int i = 0; i < 2; ++i) {
        aio_context_t context = 0;
        errno = 0;
        long result = syscall(SYS_io_setup, 1, &context);
        report("io_setup", result, errno);
        if (result == 0)
            syscall(SYS_io_destroy, context);
    }
    printf("still running\n");
    return 0;
}
