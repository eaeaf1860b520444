// Run with the kernel's network component left out (ingot run --without net): sockets of every
// family answer ENOSYS (and the kernel logs it once), pipes still work.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void report(const char* name, int result) {
    printf("%s: %s\n", name, result < 0 ? strerrorname_np(errno) : "a socket");
}

int main(void) {
    report("AF_INET stream", socket(AF_INET, SOCK_STREAM, 0));
    report("AF_INET6 datagram", socket(AF_INET6, SOCK_DGRAM, 0));
    report("AF_INET datagram", socket(AF_INET, SOCK_DGRAM, 0));
    report("AF_UNIX stream", socket(AF_UNIX, SOCK_STREAM, 0));
    int fds[2];
    report("AF_UNIX pair", socketpair(AF_UNIX, SOCK_SEQPACKET, 0, fds));
    report("AF_PACKET", socket(AF_PACKET, SOCK_RAW, 0));
    char got[6] = {0};
    int ok = pipe(fds) == 0 && write(fds[1], "hello", 5) == 5 && read(fds[0], got, 5) == 5 &&
             strcmp(got, "hello") == 0;
    printf("pipe: %s\n", ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
