// AF_UNIX names in the file system (man 7 unix, "Pathname sockets"), each outcome printed so
// that a run under Ingot can be compared with the native one: bind makes a socket file
// (EADDRINUSE when the path exists), connect finds it (ENOENT, ECONNREFUSED, EPROTOTYPE),
// getsockname/getpeername give the path, unlink removes the name but not the socket.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

// "label: 5" for a result, "label: ENAME" for a failure.
static void report(const char* label, long result) {
    if (result < 0)
        printf("%s: %s\n", label, strerrorname_np(errno));
    else
        printf("%s: %ld\n", label, result);
}

static socklen_t path_address(struct sockaddr_un* address, const char* path) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    strcpy(address->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static void path_names(void) {
    const char* path = "/tmp/ingot-unix-test.sock";
    unlink(path);
    struct sockaddr_un address, name;
    socklen_t length = path_address(&address, path);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    report("path connect missing", connect(client, (struct sockaddr*)&address, length));
    report("path bind", bind(server, (struct sockaddr*)&address, length));
    struct stat status;
    report("path stat", stat(path, &status));
    printf("path is a socket: %d\n", S_ISSOCK(status.st_mode));
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    report("path bind taken", bind(other, (struct sockaddr*)&address, length));
    close(other);
    // A bound socket: a taken path is EADDRINUSE, a free one EINVAL, and no file is left.
    report("path bind bound socket to a taken path",
           bind(server, (struct sockaddr*)&address, length));
    struct sockaddr_un second;
    socklen_t second_length = path_address(&second, "/tmp/ingot-unix-test-2.sock");
    unlink(second.sun_path);
    report("path bind bound socket again", bind(server, (struct sockaddr*)&second, second_length));
    report("path no file left", stat(second.sun_path, &status));
    report("path connect not listening", connect(client, (struct sockaddr*)&address, length));
    listen(server, 4);
    int datagram = socket(AF_UNIX, SOCK_DGRAM, 0);
    report("path dgram connect to stream", connect(datagram, (struct sockaddr*)&address, length));
    close(datagram);
    report("path connect", connect(client, (struct sockaddr*)&address, length));
    int accepted = accept(server, NULL, NULL);
    socklen_t got = sizeof name;
    getsockname(server, (struct sockaddr*)&name, &got);
    printf("path getsockname: length %u, %s\n", got, name.sun_path);
    got = sizeof name;
    getpeername(client, (struct sockaddr*)&name, &got);
    printf("path getpeername: length %u, %s\n", got, name.sun_path);
    report("path unlink", unlink(path));
    report("path connection survives unlink", send(client, "x", 1, 0));
    int late = socket(AF_UNIX, SOCK_STREAM, 0);
    report("path connect after unlink", connect(late, (struct sockaddr*)&address, length));
    // A file that is not a socket.
    int file = open(path, O_CREAT | O_WRONLY, 0600);
    close(file);
    report("path connect to a regular file", connect(late, (struct sockaddr*)&address, length));
    unlink(path);
    struct sockaddr_un nowhere;
    socklen_t nowhere_length = path_address(&nowhere, "/no-such-directory/s");
    report("path bind in missing directory",
           bind(late, (struct sockaddr*)&nowhere, nowhere_length));
    close(late);
    close(accepted);
    close(client);
    close(server);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    path_names();
    return 0;
}
