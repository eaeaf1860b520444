// getaddrinfo(3) of NAME (default: this machine's own, gethostname(2)) for either family, as a
// server finds the addresses to listen on: one line per distinct address, in the order given,
//   NAME AF_INET 10.0.2.15
//   NAME AF_INET6 2001:db8::15
// and exit status 1 when the name does not resolve.
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
    char own[256] = "";
    const char* name = argc > 1 ? argv[1] : own;
    if (argc <= 1 && gethostname(own, sizeof own - 1) < 0) {
        perror("host_addresses: gethostname");
        return 1;
    }
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo* found;
    int error = getaddrinfo(name, NULL, &hints, &found);
    if (error) {
        fprintf(stderr, "host_addresses: %s: %s\n", name, gai_strerror(error));
        return 1;
    }
    char printed[16][INET6_ADDRSTRLEN];
    int count = 0;
    for (struct addrinfo* each = found; each; each = each->ai_next) {
        char text[INET6_ADDRSTRLEN];
        const void* address =
            each->ai_family == AF_INET6
                ? (const void*)&((const struct sockaddr_in6*)each->ai_addr)->sin6_addr
                : (const void*)&((const struct sockaddr_in*)each->ai_addr)->sin_addr;
        if (!inet_ntop(each->ai_family, address, text, sizeof text))
            continue;
        int seen = 0;
        for (int i = 0; i < count; ++i)
            seen |= strcmp(printed[i], text) == 0;
        if (seen || count == 16)
            continue;
        strcpy(printed[count++], text);
        printf("%s %s %s\n", name, each->ai_family == AF_INET6 ? "AF_INET6" : "AF_INET", text);
    }
    freeaddrinfo(found);
    return 0;
}
