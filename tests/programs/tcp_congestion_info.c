// TCP_CONGESTION and TCP_INFO over 127.0.0.1, answered as Linux answers them: the names, a
// name cut to the caller's length, ENOENT for an unknown algorithm, a listener's choice
// inherited by what it accepts, a switch on a live connection; and struct tcp_info's state,
// options and counters before and after 100,000 bytes cross. The default is compared with the
// system's setting where there is one (Linux's own default, cubic, elsewhere).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { payload = 100000 };

static const char* result(int status) {
    return status == 0 ? "0" : strerrorname_np(errno);
}

static void get_name(const char* what, int fd, socklen_t length) {
    char name[32];
    memset(name, 'x', sizeof name);
    int status = getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &length);
    if (status != 0) {
        printf("%s: %s\n", what, result(status));
        return;
    }
    printf("%s: \"%.*s\" length %u\n", what, (int)strnlen(name, length), name, length);
}

static int set_name(int fd, const char* name, socklen_t length) {
    return setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, length);
}

static int get_info(int fd, struct tcp_info* info) {
    socklen_t length = sizeof *info;
    memset(info, 0xff, sizeof *info);
    int status = getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &length);
    return status == 0 ? (int)length : -errno;
}

static char system_name[32] = "cubic";

static void system_default(int fd) {
    char* expected = system_name;
    FILE* setting = fopen("/proc/sys/net/ipv4/tcp_congestion_control", "r");
    if (setting) {
        if (!fgets(expected, sizeof system_name, setting))
            expected[0] = '\0';
        expected[strcspn(expected, "\n")] = '\0';
        fclose(setting);
    }
    char name[16] = {0};
    socklen_t length = sizeof name;
    getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &length);
    printf("default is the system's: %d\n", strcmp(name, expected) == 0);
}

static void names(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    system_default(fd);
    printf("set reno: %s\n", result(set_name(fd, "reno", 5)));
    get_name("get", fd, 32);
    get_name("get 3 bytes", fd, 3);
    printf("set cubic without a NUL: %s\n", result(set_name(fd, "cubic", 5)));
    get_name("get", fd, 16);
    printf("set cubic with trailing bytes: %s\n", result(set_name(fd, "cubic\0zz", 8)));
    printf("set nonesuch: %s\n", result(set_name(fd, "nonesuch", 9)));
    printf("set cubicx: %s\n", result(set_name(fd, "cubicx", 6)));
    printf("set empty: %s\n", result(set_name(fd, "", 0)));
    get_name("still", fd, 16);
    struct tcp_info info;
    int length = get_info(fd, &info);
    printf("info unconnected: length ok %d state %u\n", length >= 232, info.tcpi_state);
    close(fd);

    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    printf("udp set: %s\n", result(set_name(udp, "reno", 5)));
    get_name("udp get", udp, 16);
    printf("udp info: %s\n",
           get_info(udp, &info) < 0 ? strerrorname_np(-get_info(udp, &info)) : "answered");
    close(udp);
}

static void wait_acknowledged(int fd, struct tcp_info* info) {
    for (int attempt = 0; attempt < 300; ++attempt) {
        get_info(fd, info);
        if (info->tcpi_unacked == 0 && info->tcpi_bytes_acked >= (unsigned long long)payload)
            return;
        usleep(10000);
    }
}

static void connection(void) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t address_length = sizeof address;
    if (bind(server, (struct sockaddr*)&address, sizeof address) != 0 || listen(server, 4) != 0)
        perror("listen");
    getsockname(server, (struct sockaddr*)&address, &address_length);
    set_name(server, "reno", 4);
    struct tcp_info info;
    get_info(server, &info);
    printf("listener state %u\n", info.tcpi_state);

    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client, (struct sockaddr*)&address, sizeof address) != 0)
        perror("connect");
    int accepted = accept(server, NULL, NULL);
    get_name("accepted inherits", accepted, 16);
    char name[16] = {0};
    socklen_t name_length = sizeof name;
    getsockopt(client, IPPROTO_TCP, TCP_CONGESTION, name, &name_length);
    printf("client has the default: %d\n", strcmp(name, system_name) == 0);

    get_info(client, &info);
    printf("client: state %u ca_state %u retransmits %u sack %d timestamps %d wscale %d\n",
           info.tcpi_state, info.tcpi_ca_state, info.tcpi_retransmits,
           (info.tcpi_options & TCPI_OPT_SACK) != 0, (info.tcpi_options & TCPI_OPT_TIMESTAMPS) != 0,
           (info.tcpi_options & TCPI_OPT_WSCALE) != 0);
    printf("client: ssthresh infinite %d rto >= 200 ms %d snd_mss set %d advmss set %d "
           "reordering %u total_retrans %u\n",
           info.tcpi_snd_ssthresh == 0x7fffffff, info.tcpi_rto >= 200000, info.tcpi_snd_mss > 0,
           info.tcpi_advmss > 0, info.tcpi_reordering, info.tcpi_total_retrans);
    socklen_t short_length = 8;
    unsigned char prefix[16];
    memset(prefix, 0xee, sizeof prefix);
    getsockopt(client, IPPROTO_TCP, TCP_INFO, prefix, &short_length);
    printf("8 bytes: length %u state %u untouched after %d\n", short_length, prefix[0],
           prefix[8] == 0xee);

    printf("switch the accepted to cubic: %s\n", result(set_name(accepted, "cubic", 6)));
    get_name("accepted", accepted, 16);

    static char data[payload];
    memset(data, 'a', sizeof data);
    size_t sent = 0;
    while (sent < payload) {
        ssize_t wrote = write(client, data + sent, payload - sent);
        if (wrote <= 0)
            break;
        sent += (size_t)wrote;
        char sink[payload];
        ssize_t got = 0;
        while (got < (ssize_t)sent) {
            ssize_t part = read(accepted, sink, sizeof sink);
            if (part <= 0)
                break;
            got += part;
            if (got >= (ssize_t)sent)
                break;
        }
    }
    wait_acknowledged(client, &info);
    // Linux counts the SYN among the bytes acknowledged.
    printf("client after %d bytes: all acked %d unacked %u data_segs_out > 0 %d "
           "segs_out >= data_segs_out %d bytes_sent >= %d %d cwnd > 0 %d rtt < 1 s %d\n",
           payload, info.tcpi_bytes_acked - payload <= 1, info.tcpi_unacked,
           info.tcpi_data_segs_out > 0, info.tcpi_segs_out >= info.tcpi_data_segs_out, payload,
           info.tcpi_bytes_sent >= payload, info.tcpi_snd_cwnd > 0, info.tcpi_rtt < 1000000);
    get_info(accepted, &info);
    printf("server: bytes_received %llu data_segs_in > 0 %d segs_in >= data_segs_in %d "
           "rcv_mss > 0 %d last_data_recv < 10 s %d\n",
           (unsigned long long)info.tcpi_bytes_received, info.tcpi_data_segs_in > 0,
           info.tcpi_segs_in >= info.tcpi_data_segs_in, info.tcpi_rcv_mss > 0,
           info.tcpi_last_data_recv < 10000);
    close(client);
    close(accepted);
    close(server);
}

int main(void) {
    names();
    connection();
    return 0;
}
