// TCP Fast Open (RFC 7413) both ends, for the networking tests.
//   tcp_fastopen serve PORT COUNT          a listener with TCP_FASTOPEN (a queue of 16) that
//                                          answers COUNT connections: reads a line, writes it
//                                          back behind "echo: ", closes
//   tcp_fastopen request HOST PORT COUNT   COUNT connections, each opened by sendto() with
//                                          MSG_FASTOPEN carrying a line, reading the answer
// request prints one line per connection, "request N: answered, SYN data acked|not acked":
// the first only asks for a cookie (its data goes after the handshake); the next carry their
// data in the SYN when the server took it (TCP_INFO's TCPI_OPT_SYN_DATA). HOST is numeric.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int usage(void) {
    fprintf(stderr, "usage: tcp_fastopen serve PORT COUNT\n"
                    "       tcp_fastopen request HOST PORT COUNT\n");
    return 2;
}

// Reads until a newline or the end; returns the length, -1 on an error.
static ssize_t read_line(int fd, char* buffer, size_t size) {
    size_t length = 0;
    while (length + 1 < size) {
        ssize_t n = read(fd, buffer + length, size - 1 - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        length += (size_t)n;
        if (buffer[length - 1] == '\n')
            break;
    }
    buffer[length] = 0;
    return (ssize_t)length;
}

static int serve(int port, int count) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1, queue = 16;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &queue, sizeof queue) < 0 ||
        bind(fd, (struct sockaddr*)&address, sizeof address) < 0 || listen(fd, 16) < 0) {
        perror("tcp_fastopen: listen");
        return 1;
    }
    int set = 0;
    socklen_t length = sizeof set;
    getsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &set, &length);
    printf("tcp_fastopen: listening on port %d, TCP_FASTOPEN %d\n", port, set);
    fflush(stdout);
    for (int i = 0; i < count; ++i) {
        int connection = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (connection < 0) {
            perror("tcp_fastopen: accept");
            return 1;
        }
        char line[256], answer[300];
        if (read_line(connection, line, sizeof line) < 0) {
            perror("tcp_fastopen: read");
            return 1;
        }
        int n = snprintf(answer, sizeof answer, "echo: %s", line);
        if (write(connection, answer, (size_t)n) != n) {
            perror("tcp_fastopen: write");
            return 1;
        }
        close(connection);
    }
    printf("served %d\n", count);
    return 0;
}

static int request(const char* host, int port, int count) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1)
        return usage();
    for (int i = 0; i < count; ++i) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        char line[64], answer[256], expected[128];
        int n = snprintf(line, sizeof line, "hello %d\n", i);
        if (fd < 0 || sendto(fd, line, (size_t)n, MSG_FASTOPEN, (struct sockaddr*)&address,
                             sizeof address) != n) {
            perror("tcp_fastopen: sendto MSG_FASTOPEN");
            return 1;
        }
        if (read_line(fd, answer, sizeof answer) < 0) {
            perror("tcp_fastopen: read");
            return 1;
        }
        snprintf(expected, sizeof expected, "echo: %s", line);
        if (strcmp(answer, expected) != 0) {
            fprintf(stderr, "tcp_fastopen: request %d answered \"%s\"\n", i, answer);
            return 1;
        }
        struct tcp_info info;
        socklen_t length = sizeof info;
        memset(&info, 0, sizeof info);
        getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length);
        printf("request %d: answered, SYN data %s\n", i,
               (info.tcpi_options & TCPI_OPT_SYN_DATA) ? "acked" : "not acked");
        close(fd);
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 4 && strcmp(argv[1], "serve") == 0)
        return serve(atoi(argv[2]), atoi(argv[3]));
    if (argc == 5 && strcmp(argv[1], "request") == 0)
        return request(argv[2], atoi(argv[3]), atoi(argv[4]));
    return usage();
}
