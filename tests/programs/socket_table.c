// The sockets as /proc/net/tcp, tcp6, udp and udp6 list them, which netstat, lsof and
// monitoring agents read: a TCP listener, a connection (both ends, 10 bytes unread at one), an
// AF_INET6 listener, a UDP socket and a connected AF_INET6 one, over loopback. Each line is
// printed as its addresses, state and queues, with the descriptor whose inode it names;
// sorted, since Linux orders them by hash. Then each file's header, and whether the IPv4 files
// pad their lines to Linux's width.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

struct named {
    const char* name;
    int fd;
};
static struct named sockets[8];
static int socket_count;
static char lines[32][160];
static int line_count;

static void keep(const char* name, int fd) {
    if (fd < 0) {
        perror(name);
        exit(1);
    }
    sockets[socket_count++] = (struct named){name, fd};
}

static const char* owner(unsigned long inode) {
    for (int i = 0; i < socket_count; ++i) {
        struct stat status;
        if (fstat(sockets[i].fd, &status) == 0 && status.st_ino == inode)
            return sockets[i].name;
    }
    return inode ? "another" : "none";
}

// A port of ours by number, or "ephemeral".
static void port_text(unsigned port, char* text) {
    if (port >= 7100 && port <= 7103)
        sprintf(text, "%u", port);
    else
        strcpy(text, port ? "ephemeral" : "0");
}

static int compare(const void* a, const void* b) {
    return strcmp(a, b);
}

static void list(const char* file, int width) {
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/net/%s", file);
    FILE* stream = fopen(path, "r");
    if (!stream) {
        printf("%s: cannot open\n", path);
        return;
    }
    int padded = 1, number = 0;
    line_count = 0;
    while (fgets(line, sizeof line, stream)) {
        size_t length = strlen(line);
        if (width && length != (size_t)width + 1)
            padded = 0;
        if (number++ == 0) {
            while (length && (line[length - 1] == '\n' || line[length - 1] == ' '))
                line[--length] = 0;
            printf("%s header: %s\n", file, line);
            continue;
        }
        char local[40], remote[40];
        unsigned local_port, remote_port, state, rx;
        unsigned long inode;
        // The send queue is left out: when the peer's ACK comes is the stacks' own business.
        if (sscanf(line, " %*d: %39[0-9A-F]:%X %39[0-9A-F]:%X %X %*X:%X %*X:%*X %*X %*u %*d %lu",
                   local, &local_port, remote, &remote_port, &state, &rx, &inode) != 7) {
            printf("%s: unreadable line: %s", file, line);
            continue;
        }
        char local_text[16], remote_text[16];
        port_text(local_port, local_text);
        port_text(remote_port, remote_text);
        snprintf(lines[line_count++], sizeof lines[0], "%s: %s:%s %s:%s st %02X rx %u socket %s",
                 file, local, local_text, remote, remote_text, state, rx, owner(inode));
    }
    fclose(stream);
    qsort(lines, line_count, sizeof lines[0], compare);
    for (int i = 0; i < line_count; ++i)
        printf("%s\n", lines[i]);
    if (width)
        printf("%s: lines padded to %d: %s\n", file, width, padded ? "yes" : "no");
}

int main(void) {
    int one = 1;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    keep("listener", listener);
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    address.sin_port = htons(7100);
    if (bind(listener, (struct sockaddr*)&address, sizeof address) || listen(listener, 5))
        perror("listen");
    int client = socket(AF_INET, SOCK_STREAM, 0);
    keep("client", client);
    if (connect(client, (struct sockaddr*)&address, sizeof address))
        perror("connect");
    int server = accept(listener, NULL, NULL);
    keep("server", server);
    if (write(client, "0123456789", 10) != 10)
        perror("write");
    // Let the bytes arrive: the server's queue holds them once it would not block.
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(server, &readable);
    select(server + 1, &readable, NULL, NULL, NULL);

    struct sockaddr_in6 address6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int listener6 = socket(AF_INET6, SOCK_STREAM, 0);
    keep("listener6", listener6);
    address6.sin6_port = htons(7101);
    if (bind(listener6, (struct sockaddr*)&address6, sizeof address6) || listen(listener6, 5))
        perror("listen6");

    int datagram = socket(AF_INET, SOCK_DGRAM, 0);
    keep("datagram", datagram);
    address.sin_port = htons(7102);
    if (bind(datagram, (struct sockaddr*)&address, sizeof address))
        perror("bind");
    int datagram6 = socket(AF_INET6, SOCK_DGRAM, 0);
    keep("datagram6", datagram6);
    address6.sin6_port = htons(7103);
    if (bind(datagram6, (struct sockaddr*)&address6, sizeof address6) ||
        connect(datagram6, (struct sockaddr*)&address6, sizeof address6))
        perror("datagram6");

    list("tcp", 149);
    list("tcp6", 0);
    list("udp", 127);
    list("udp6", 0);
    return 0;
}
