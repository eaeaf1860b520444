// A program whose only sockets are an AF_UNIX pair, for the tests of which kernel components an
// image gets (image/kernel_components.h): socketpair needs the network component too.
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) < 0) {
        perror("socketpair");
        return 1;
    }
    close(fds[0]);
    close(fds[1]);
    return 0;
}
