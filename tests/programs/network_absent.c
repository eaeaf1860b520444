// Run with the kernel's network stack left out (ingot run --without net): AF_INET and AF_INET6
// sockets answer ENOSYS (and the kernel logs it once), AF_UNIX sockets still work.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void inet(const char* name, int family, int type) {
    errno = 0;
    int fd = socket(family, type, 0);
    printf("%s: %s\n", name, fd < 0 ? strerrorname_np(errno) : "a socket");
}

int main(void) {
    inet("AF_INET stream", AF_INET, SOCK_STREAM);
    inet("AF_INET6 datagram", AF_INET6, SOCK_DGRAM);
    inet("AF_INET datagram", AF_INET, SOCK_DGRAM);
    int pair[2];
    char got[6] = {0};
    int ok = socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0 && write(pair[0], "hello", 5) == 5 &&
             read(pair[1], got, 5) == 5 && strcmp(got, "hello") == 0;
    printf("AF_UNIX pair: %s\n", ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
