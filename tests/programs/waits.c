// waits: blocks for good in one way, to tell a waiting server from a deadlock.
//   waits accept   listens on 0.0.0.0:8080 and waits for a client: a wait something outside can
//                  end (a connection, a host signal), so not a deadlock
//   waits poll     the same through poll()
//   waits pipe     reads an empty pipe whose only writer is itself: a deadlock
//   waits futex    waits on a futex nobody will wake: a deadlock
#include <linux/futex.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int listen_on_8080(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons(8080);
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    if (fd < 0 || bind(fd, (struct sockaddr*)&address, sizeof address) != 0 || listen(fd, 8) != 0) {
        perror("listen");
        return -1;
    }
    printf("listening\n");
    fflush(stdout);
    return fd;
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "accept") == 0) {
        int fd = listen_on_8080();
        if (fd < 0)
            return 1;
        accept(fd, NULL, NULL);
    } else if (strcmp(mode, "poll") == 0) {
        int fd = listen_on_8080();
        if (fd < 0)
            return 1;
        struct pollfd watched = {fd, POLLIN, 0};
        poll(&watched, 1, -1);
    } else if (strcmp(mode, "pipe") == 0) {
        int ends[2];
        char byte;
        if (pipe(ends) != 0)
            return 1;
        printf("reading an empty pipe\n");
        fflush(stdout);
        read(ends[0], &byte, 1);
    } else if (strcmp(mode, "futex") == 0) {
        static int word;
        printf("waiting on a futex\n");
        fflush(stdout);
        syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    } else {
        fprintf(stderr, "usage: waits accept|poll|pipe|futex\n");
        return 2;
    }
    printf("not reached\n");
    return 1;
}
