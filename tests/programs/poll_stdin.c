// Waits for stdin with poll, select or epoll (argv[1]) before every read, echoing what arrives,
// so input that comes in pieces must wake the waiting program each time.
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

static int wait_for_input(const char* how, int epoll) {
    if (strcmp(how, "select") == 0) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(0, &readable);
        struct timeval timeout = {20, 0};
        return select(1, &readable, NULL, NULL, &timeout) == 1 && FD_ISSET(0, &readable);
    }
    if (strcmp(how, "epoll") == 0) {
        struct epoll_event event;
        return epoll_wait(epoll, &event, 1, 20000) == 1 && (event.events & (EPOLLIN | EPOLLHUP));
    }
    struct pollfd input = {0, POLLIN, 0};
    return poll(&input, 1, 20000) == 1 && (input.revents & (POLLIN | POLLHUP));
}

int main(int argc, char** argv) {
    const char* how = argc > 1 ? argv[1] : "poll";
    int epoll = epoll_create1(0);
    struct epoll_event event = {EPOLLIN, {0}};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, 0, &event) != 0 && strcmp(how, "epoll") == 0) {
        perror("epoll_ctl");
        return 1;
    }
    size_t total = 0;
    for (;;) {
        if (!wait_for_input(how, epoll)) {
            fprintf(stderr, "poll_stdin: %s saw no input\n", how);
            return 1;
        }
        char buffer[256];
        ssize_t got = read(0, buffer, sizeof buffer);
        if (got < 0) {
            perror("read");
            return 1;
        }
        if (got == 0)
            break;
        write(1, buffer, (size_t)got);
        total += (size_t)got;
    }
    fprintf(stderr, "poll_stdin: %s: %zu bytes\n", how, total);
    return 0;
}
