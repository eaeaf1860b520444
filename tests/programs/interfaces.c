// The interfaces as programs find them, through NETLINK_ROUTE: getifaddrs (one line a link, with
// whether it has counters, and an address: name, family, address/prefix length) and if_nameindex
// (index and name), then which families getaddrinfo's AI_ADDRCONFIG says are configured (glibc asks
// netlink).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

static int prefix_length(const struct sockaddr* mask) {
    const unsigned char* bytes;
    size_t length;
    if (mask->sa_family == AF_INET) {
        bytes = (const unsigned char*)&((const struct sockaddr_in*)mask)->sin_addr;
        length = 4;
    } else {
        bytes = (const unsigned char*)&((const struct sockaddr_in6*)mask)->sin6_addr;
        length = 16;
    }
    int bits = 0;
    for (size_t i = 0; i < length; ++i)
        bits += __builtin_popcount(bytes[i]);
    return bits;
}

int main(void) {
    struct ifaddrs* list;
    if (getifaddrs(&list) != 0) {
        perror("getifaddrs");
        return 1;
    }
    for (struct ifaddrs* entry = list; entry; entry = entry->ifa_next) {
        if (!entry->ifa_addr)
            continue;
        int family = entry->ifa_addr->sa_family;
        char text[INET6_ADDRSTRLEN] = "";
        if (family == AF_PACKET) {
            // ifa_data: the link's struct rtnl_link_stats (IFLA_STATS).
            printf("getifaddrs: %s link%s%s%s\n", entry->ifa_name,
                   entry->ifa_flags & IFF_UP ? " up" : "",
                   entry->ifa_flags & IFF_LOOPBACK ? " loopback" : "",
                   entry->ifa_data ? " with counters" : "");
            continue;
        }
        const void* address =
            family == AF_INET ? (const void*)&((struct sockaddr_in*)entry->ifa_addr)->sin_addr
                              : (const void*)&((struct sockaddr_in6*)entry->ifa_addr)->sin6_addr;
        inet_ntop(family, address, text, sizeof text);
        printf("getifaddrs: %s %s %s/%d\n", entry->ifa_name, family == AF_INET ? "inet" : "inet6",
               text, prefix_length(entry->ifa_netmask));
    }
    freeifaddrs(list);

    struct if_nameindex* names = if_nameindex();
    if (!names) {
        perror("if_nameindex");
        return 1;
    }
    for (struct if_nameindex* name = names; name->if_index; ++name)
        printf("if_nameindex: %u %s\n", name->if_index, name->if_name);
    if_freenameindex(names);

    for (int family = AF_INET; family <= AF_INET6; family += AF_INET6 - AF_INET) {
        struct addrinfo hints = {.ai_family = family,
                                 .ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_ADDRCONFIG | AI_NUMERICHOST};
        struct addrinfo* found;
        const char* host = family == AF_INET ? "192.0.2.1" : "2001:db8::1";
        int error = getaddrinfo(host, "80", &hints, &found);
        printf("AI_ADDRCONFIG %s: %s\n", family == AF_INET ? "inet" : "inet6",
               error ? gai_strerror(error) : "configured");
        if (!error)
            freeaddrinfo(found);
    }
    return 0;
}
