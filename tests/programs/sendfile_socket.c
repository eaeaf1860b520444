// sendfile(2) from a regular file to a TCP socket over 127.0.0.1, as a web server uses it: a
// non-blocking socket takes what its send buffer holds (a short count, then EAGAIN with the
// offset left alone), the rest goes as poll reports POLLOUT, and the peer gets the file byte
// for byte; then a blocking socket and the file's position, and the end of the file; and a
// sendfile blocked on a full socket has mapped nothing into the program (Linux moves the bytes
// inside the kernel; a staging mapping per call made nginx slow in Ingot). Nothing that depends
// on buffer sizes is printed, so the output is Linux's (no timing either).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#define FILE_SIZE (1024 * 1024)

static unsigned char expected[FILE_SIZE];
static unsigned char received[FILE_SIZE];

static const char* outcome(ssize_t result) {
    static char text[64];
    if (result < 0)
        snprintf(text, sizeof text, "-1 %s", errno == EAGAIN ? "EAGAIN" : strerror(errno));
    else
        snprintf(text, sizeof text, "%zd", result);
    return text;
}

// A connected pair over 127.0.0.1: the accepted end sends, the connecting end receives.
static int connected_pair(int* receiver) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(server, (struct sockaddr*)&address, sizeof address) != 0 || listen(server, 1) != 0 ||
        getsockname(server, (struct sockaddr*)&address, &length) != 0) {
        perror("listener");
        exit(1);
    }
    // Small buffers both sides, so 1 MiB cannot fit in them at once (Linux grows its own).
    int size = 65536;
    *receiver = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(*receiver, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    if (connect(*receiver, (struct sockaddr*)&address, sizeof address) != 0) {
        perror("connect");
        exit(1);
    }
    int sender = accept(server, NULL, NULL);
    setsockopt(sender, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    close(server);
    return sender;
}

// Everything the receiver has now, appended at received + *count.
static void drain(int receiver, size_t* count) {
    for (;;) {
        ssize_t got = recv(receiver, received + *count, FILE_SIZE - *count, MSG_DONTWAIT);
        if (got <= 0)
            return;
        *count += (size_t)got;
    }
}

static void non_blocking(int file) {
    int receiver;
    int sender = connected_pair(&receiver);
    fcntl(sender, F_SETFL, O_NONBLOCK);
    off_t offset = 0;
    ssize_t first = sendfile(sender, file, &offset, FILE_SIZE);
    printf("non-blocking, nobody reading: a short count, the offset after it: %s\n",
           first > 0 && first < FILE_SIZE && offset == first ? "yes" : outcome(first));
    ssize_t full;
    off_t before;
    do { // the stack may still be moving bytes from the send buffer to the peer's
        before = offset;
        full = sendfile(sender, file, &offset, FILE_SIZE - (size_t)offset);
    } while (full > 0);
    printf("then until the buffer is full: %s, the offset unchanged by it: %s\n", outcome(full),
           offset == before ? "yes" : "no");
    size_t count = 0;
    int rounds = 0;
    while (offset < FILE_SIZE) {
        drain(receiver, &count);
        struct pollfd writable = {.fd = sender, .events = POLLOUT};
        if (poll(&writable, 1, 10000) != 1) {
            printf("POLLOUT never came at offset %lld\n", (long long)offset);
            return;
        }
        ssize_t sent = sendfile(sender, file, &offset, FILE_SIZE - (size_t)offset);
        if (sent < 0 && errno != EAGAIN) {
            printf("sendfile at %lld: %s\n", (long long)offset, outcome(sent));
            return;
        }
        ++rounds;
    }
    close(sender);
    for (;;) {
        ssize_t got = recv(receiver, received + count, FILE_SIZE - count, 0);
        if (got <= 0)
            break;
        count += (size_t)got;
    }
    printf("after POLLOUT the rest went: %s; the peer got %zu bytes, the file's: %s\n",
           rounds > 0 ? "yes" : "no", count,
           count == FILE_SIZE && memcmp(received, expected, FILE_SIZE) == 0 ? "yes" : "no");
    close(receiver);
}

static void blocking_at_position(int file) {
    int receiver;
    int sender = connected_pair(&receiver);
    lseek(file, 1000, SEEK_SET);
    ssize_t sent = sendfile(sender, file, NULL, 5000);
    printf("blocking, from the position: %s, position now %lld\n", outcome(sent),
           (long long)lseek(file, 0, SEEK_CUR));
    size_t count = 0;
    while (count < 5000) {
        ssize_t got = recv(receiver, received + count, 5000 - count, 0);
        if (got <= 0)
            break;
        count += (size_t)got;
    }
    printf("the peer got bytes 1000 to 5999: %s\n",
           count == 5000 && memcmp(received, expected + 1000, 5000) == 0 ? "yes" : "no");
    off_t end = FILE_SIZE - 10;
    printf("near the end: %s", outcome(sendfile(sender, file, &end, 100)));
    printf(", offset %lld\n", (long long)end);
    printf("at the end: %s\n", outcome(sendfile(sender, file, &end, 100)));
    printf("from a socket: %s\n", outcome(sendfile(sender, receiver, NULL, 100)));
    close(sender);
    close(receiver);
}

// Bytes mapped in the program, from /proc/self/maps, read without stdio or malloc so that
// counting changes nothing.
static unsigned long long mapped_bytes(void) {
    static char text[1 << 16];
    int maps = open("/proc/self/maps", O_RDONLY);
    size_t length = 0;
    ssize_t got;
    while (length < sizeof text - 1 &&
           (got = read(maps, text + length, sizeof text - 1 - length)) > 0)
        length += (size_t)got;
    close(maps);
    text[length] = 0;
    unsigned long long total = 0;
    for (char* line = text; *line;) {
        char* end;
        unsigned long long start = strtoull(line, &end, 16);
        total += strtoull(end + 1, NULL, 16) - start;
        char* next = strchr(line, '\n');
        if (!next)
            break;
        line = next + 1;
    }
    return total;
}

struct blocked_send {
    int sender, file, go[2];
    ssize_t result;
};

static void* send_blocked(void* argument) {
    struct blocked_send* send = argument;
    char start;
    if (read(send->go[0], &start, 1) != 1)
        return NULL;
    off_t offset = 0;
    send->result = sendfile(send->sender, send->file, &offset, 512 * 1024);
    return NULL;
}

// The sender blocks on a full send buffer in the middle of the call while this thread looks at
// the program's mappings (from the first byte the peer sees until it reads the rest, the
// other thread is inside sendfile).
static void blocked_maps_nothing(int file) {
    int receiver;
    struct blocked_send send = {.file = file};
    send.sender = connected_pair(&receiver);
    if (pipe(send.go) != 0) {
        perror("pipe");
        exit(1);
    }
    pthread_t thread;
    pthread_create(&thread, NULL, send_blocked, &send);
    unsigned long long before = mapped_bytes();
    if (write(send.go[1], "s", 1) != 1)
        exit(1);
    struct pollfd readable = {.fd = receiver, .events = POLLIN};
    poll(&readable, 1, 10000);
    unsigned long long during = mapped_bytes();
    size_t count = 0;
    while (count < 512 * 1024 && poll(&readable, 1, 10000) == 1) {
        ssize_t got = recv(receiver, received + count, 512 * 1024 - count, 0);
        if (got <= 0)
            break;
        count += (size_t)got;
    }
    pthread_join(thread, NULL);
    printf("blocked in sendfile, the program's memory grew by: %lld bytes\n",
           (long long)(during - before));
    printf("then it sent: %zd, the peer got the file's first 512 KiB: %s\n", send.result,
           count == 512 * 1024 && memcmp(received, expected, count) == 0 ? "yes" : "no");
    close(send.sender);
    close(receiver);
    close(send.go[0]);
    close(send.go[1]);
}

int main(void) {
    for (size_t i = 0; i < FILE_SIZE; ++i)
        expected[i] = (unsigned char)(i * 7 + (i >> 11));
    char path[] = "/tmp/sendfile_socket.XXXXXX";
    int file = mkstemp(path);
    if (file < 0 || write(file, expected, FILE_SIZE) != FILE_SIZE) {
        perror("the file");
        return 1;
    }
    unlink(path);
    non_blocking(file);
    blocking_at_position(file);
    blocked_maps_nothing(file);
    close(file);
    return 0;
}
