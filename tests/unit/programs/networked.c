// A program that makes an AF_INET socket, for the tests of which kernel components an image
// gets (image/kernel_components.h): static, static and stripped, and dynamic.
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    close(fd);
    return 0;
}
