// The interfaces as older programs find them, through ioctl on a socket (man 7 netdevice) and
// /proc/net: if_nametoindex and if_indextoname (glibc asks SIOCGIFINDEX and SIOCGIFNAME),
// SIOCGIFCONF's list of IPv4 addresses, each interface's flags, MTU, hardware address, queue
// length and IPv4 address, netmask and broadcast address, the answers of an AF_UNIX socket,
// then which interfaces /proc/net/dev, /proc/net/if_inet6 and /proc/net/route list, and
// whether lo's counters in /proc/net/dev count a datagram sent to 127.0.0.1.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char* ipv4(const struct sockaddr* address) {
    static char text[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &((const struct sockaddr_in*)address)->sin_addr, text, sizeof text);
}

static void ask(int fd, unsigned long request, const char* request_name, const char* name,
                struct ifreq* answer) {
    memset(answer, 0, sizeof *answer);
    strncpy(answer->ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, request, answer) != 0)
        printf("%s %s: %s\n", request_name, name, strerror(errno));
}

static void describe(int fd, const char* name) {
    struct ifreq answer;
    ask(fd, SIOCGIFFLAGS, "SIOCGIFFLAGS", name, &answer);
    printf("%s: flags %#x", name, (unsigned short)answer.ifr_flags);
    ask(fd, SIOCGIFINDEX, "SIOCGIFINDEX", name, &answer);
    printf(" index %d", answer.ifr_ifindex);
    ask(fd, SIOCGIFMTU, "SIOCGIFMTU", name, &answer);
    printf(" mtu %d", answer.ifr_mtu);
    ask(fd, SIOCGIFTXQLEN, "SIOCGIFTXQLEN", name, &answer);
    printf(" txqueuelen %d", answer.ifr_qlen);
    ask(fd, SIOCGIFMETRIC, "SIOCGIFMETRIC", name, &answer);
    printf(" metric %d\n", answer.ifr_metric);
    ask(fd, SIOCGIFHWADDR, "SIOCGIFHWADDR", name, &answer);
    const unsigned char* mac = (const unsigned char*)answer.ifr_hwaddr.sa_data;
    printf("%s: hardware %s", name,
           answer.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK ? "loopback"
           : answer.ifr_hwaddr.sa_family == ARPHRD_ETHER  ? "ether"
                                                          : "other");
    // A MAC is the machine's: print whether it is a locally administered unicast one.
    if (answer.ifr_hwaddr.sa_family == ARPHRD_ETHER)
        printf(" %s", (mac[0] & 3) == 2 ? "local-unicast" : "other");
    printf("\n");
    ask(fd, SIOCGIFADDR, "SIOCGIFADDR", name, &answer);
    printf("%s: inet %s", name, ipv4(&answer.ifr_addr));
    ask(fd, SIOCGIFNETMASK, "SIOCGIFNETMASK", name, &answer);
    printf(" netmask %s", ipv4(&answer.ifr_netmask));
    ask(fd, SIOCGIFBRDADDR, "SIOCGIFBRDADDR", name, &answer);
    printf(" broadcast %s\n", ipv4(&answer.ifr_broadaddr));
}

// The first word of each line after `skip` header lines, up to a colon.
static void names_in(const char* path, int skip, int word) {
    FILE* file = fopen(path, "r");
    if (!file) {
        printf("%s: %s\n", path, strerror(errno));
        return;
    }
    char line[512];
    printf("%s:", path);
    for (int number = 0; fgets(line, sizeof line, file); ++number) {
        if (number < skip)
            continue;
        char* field = strtok(line, " \t:\n");
        for (int i = 0; i < word && field; ++i)
            field = strtok(NULL, " \t:\n");
        printf(" %s", field ? field : "?");
    }
    printf("\n");
    fclose(file);
}

// lo's received packets and bytes in /proc/net/dev.
static int loopback_counters(unsigned long long* packets, unsigned long long* bytes) {
    FILE* file = fopen("/proc/net/dev", "r");
    if (!file)
        return 0;
    char line[512];
    int found = 0;
    while (!found && fgets(line, sizeof line, file))
        found = sscanf(line, " lo: %llu %llu", bytes, packets) == 2;
    fclose(file);
    return found;
}

static void count_a_datagram(void) {
    unsigned long long packets_before, bytes_before, packets_after, bytes_after;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    char payload[100] = "counted";
    if (fd < 0 || bind(fd, (struct sockaddr*)&address, sizeof address) != 0 ||
        getsockname(fd, (struct sockaddr*)&address, &length) != 0 ||
        !loopback_counters(&packets_before, &bytes_before) ||
        sendto(fd, payload, sizeof payload, 0, (struct sockaddr*)&address, length) < 0 ||
        recv(fd, payload, sizeof payload, 0) != sizeof payload ||
        !loopback_counters(&packets_after, &bytes_after)) {
        printf("lo counters: %s\n", strerror(errno));
        return;
    }
    // 100 bytes of payload, 8 of UDP header and 20 of IPv4 header.
    printf("lo counted a datagram: %s\n",
           packets_after > packets_before && bytes_after - bytes_before >= 128 ? "yes" : "no");
    close(fd);
}

int main(void) {
    printf("if_nametoindex lo: %u\n", if_nametoindex("lo"));
    errno = 0;
    unsigned none = if_nametoindex("nope0");
    printf("if_nametoindex nope0: %u (%s)\n", none, strerror(errno));
    char name[IF_NAMESIZE];
    printf("if_indextoname 1: %s\n", if_indextoname(1, name) ? name : strerror(errno));
    printf("if_indextoname 99: %s\n", if_indextoname(99, name) ? name : strerror(errno));

    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    struct ifconf list = {.ifc_len = 0, .ifc_buf = NULL};
    if (ioctl(fd, SIOCGIFCONF, &list) != 0)
        perror("SIOCGIFCONF");
    int needed = list.ifc_len;
    printf("SIOCGIFCONF: %d entries\n", needed / (int)sizeof(struct ifreq));
    struct ifreq entries[8];
    list.ifc_len = sizeof entries;
    list.ifc_req = entries;
    if (ioctl(fd, SIOCGIFCONF, &list) != 0)
        perror("SIOCGIFCONF");
    printf("SIOCGIFCONF: %s\n", list.ifc_len == needed ? "length as announced" : "other length");
    for (int i = 0; i < list.ifc_len / (int)sizeof(struct ifreq); ++i) {
        printf("SIOCGIFCONF: %s %s\n", entries[i].ifr_name, ipv4(&entries[i].ifr_addr));
        describe(fd, entries[i].ifr_name);
    }
    struct ifreq answer;
    ask(fd, SIOCGIFFLAGS, "SIOCGIFFLAGS", "nope0", &answer);
    close(fd);

    // Any family's socket knows the links; the IPv4 addresses are AF_INET's.
    fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    ask(fd, SIOCGIFINDEX, "SIOCGIFINDEX", "lo", &answer);
    printf("AF_UNIX SIOCGIFINDEX lo: %d\n", answer.ifr_ifindex);
    ask(fd, SIOCGIFADDR, "AF_UNIX SIOCGIFADDR", "lo", &answer);
    close(fd);

    names_in("/proc/net/dev", 2, 0);
    names_in("/proc/net/if_inet6", 0, 5);
    names_in("/proc/net/route", 1, 0);
    count_a_datagram();
    return 0;
}
