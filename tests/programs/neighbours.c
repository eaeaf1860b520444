// The ARP cache as /proc/net/arp shows it (arp -n, and programs that look a neighbour's MAC
// address up there): a datagram to the default gateway (from /proc/net/route) makes the
// kernel ask for its MAC address; the program waits until the entry resolves, then prints the
// file's header and the gateway's line as it is.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

// The default route's gateway, as /proc/net/route prints it (a little-endian hex word).
static int default_gateway(struct in_addr* gateway) {
    FILE* routes = fopen("/proc/net/route", "r");
    if (!routes)
        return 0;
    char line[256];
    int found = 0;
    unsigned destination, via, flags;
    while (!found && fgets(line, sizeof line, routes))
        if (sscanf(line, "%*s %X %X %X", &destination, &via, &flags) == 3 && destination == 0 &&
            (flags & 2)) {
            gateway->s_addr = via; // already in memory order
            found = 1;
        }
    fclose(routes);
    return found;
}

int main(void) {
    struct in_addr gateway;
    if (!default_gateway(&gateway)) {
        printf("no default route\n");
        return 1;
    }
    char address[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &gateway, address, sizeof address);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in discard = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr = gateway};
    if (fd < 0 || sendto(fd, "x", 1, 0, (struct sockaddr*)&discard, sizeof discard) != 1) {
        perror("sendto");
        return 1;
    }
    char line[256], found[256] = "", header[256] = "";
    for (int tries = 0; tries < 200 && !found[0]; ++tries) {
        FILE* arp = fopen("/proc/net/arp", "r");
        if (!arp) {
            perror("/proc/net/arp");
            return 1;
        }
        if (fgets(header, sizeof header, arp))
            while (fgets(line, sizeof line, arp)) {
                char ip[32];
                unsigned flags;
                if (sscanf(line, "%31s %*s %x", ip, &flags) == 2 && strcmp(ip, address) == 0 &&
                    (flags & 2))
                    strcpy(found, line);
            }
        fclose(arp);
        if (!found[0])
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    printf("%s%s", header, found[0] ? found : "the gateway never resolved\n");
    return 0;
}
