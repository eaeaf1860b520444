// /init of the Linux guest that bench/net.sh boots under QEMU beside Ingot: loads the virtio
// modules the initramfs carries, configures eth0 with ioctls, and becomes the server.
//   net_init ADDRESS/PREFIX GATEWAY PROGRAM [ARGS...]      (after "--" on the kernel's command
//   line)
// Modules: every /modules/*.ko, in name order (the bench names them NN-name.ko, dependencies
// first), with the parameters the kernel command line gives them as MODULE.PARAM=VALUE (Linux
// leaves those to whoever loads the module: modprobe, usually).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

static void say(const char* format, const char* a, const char* b) {
    fprintf(stderr, "net_init: ");
    fprintf(stderr, format, a, b);
    fprintf(stderr, "\n");
}

// The kernel command line's "MODULE.PARAM=VALUE" words for one module, as "PARAM=VALUE ...".
static void module_parameters(const char* cmdline, const char* module, char* out, size_t size) {
    size_t used = 0, length = strlen(module);
    out[0] = '\0';
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", cmdline);
    for (char* word = strtok(copy, " \n"); word; word = strtok(NULL, " \n")) {
        if (strncmp(word, module, length) == 0 && word[length] == '.' &&
            used + strlen(word) + 2 < size)
            used += (size_t)snprintf(out + used, size - used, "%s ", word + length + 1);
    }
}

static int by_name(const struct dirent** a, const struct dirent** b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_modules(void) {
    char cmdline[4096] = "";
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) == 0) {
        FILE* f = fopen("/proc/cmdline", "r");
        if (f) {
            if (!fgets(cmdline, sizeof cmdline, f))
                cmdline[0] = '\0';
            fclose(f);
        }
    }
    struct dirent** entries;
    int n = scandir("/modules", &entries, NULL, by_name);
    for (int i = 0; i < n; ++i) {
        const char* file = entries[i]->d_name;
        const char* dash = strchr(file, '-');
        const char* dot = strstr(file, ".ko");
        if (!dash || !dot) // ".", ".."
            continue;
        char module[256], path[512], parameters[1024];
        snprintf(module, sizeof module, "%.*s", (int)(dot - dash - 1), dash + 1);
        for (char* c = module; *c; ++c)
            if (*c == '-')
                *c = '_';
        snprintf(path, sizeof path, "/modules/%s", file);
        module_parameters(cmdline, module, parameters, sizeof parameters);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || syscall(SYS_finit_module, fd, parameters, 0) != 0)
            say("cannot load %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    }
}

static int set_flags_up(int s, const char* name) {
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(s, SIOCGIFFLAGS, &request) < 0)
        return -1;
    request.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl(s, SIOCSIFFLAGS, &request);
}

static int set_address(int s, const char* name, unsigned long request_code, in_addr_t address) {
    struct ifreq request;
    memset(&request, 0, sizeof request);
    snprintf(request.ifr_name, IFNAMSIZ, "%s", name);
    struct sockaddr_in* sin = (struct sockaddr_in*)&request.ifr_addr;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = address;
    return ioctl(s, request_code, &request);
}

static int configure(const char* cidr, const char* gateway) {
    char address[64];
    snprintf(address, sizeof address, "%s", cidr);
    char* slash = strchr(address, '/');
    int prefix = slash ? atoi(slash + 1) : 24;
    if (slash)
        *slash = '\0';
    struct in_addr ip, gw;
    if (inet_pton(AF_INET, address, &ip) != 1 || inet_pton(AF_INET, gateway, &gw) != 1 ||
        prefix < 1 || prefix > 32) {
        say("bad address %s or gateway %s", cidr, gateway);
        return -1;
    }
    in_addr_t mask = htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix));
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    set_flags_up(s, "lo");
    // The device appears when virtio_net probes it: give it a few seconds.
    for (int tries = 0; set_flags_up(s, "eth0") < 0; ++tries) {
        if (tries == 500) {
            say("no eth0: %s%s", strerror(errno), "");
            return -1;
        }
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (set_address(s, "eth0", SIOCSIFADDR, ip.s_addr) < 0 ||
        set_address(s, "eth0", SIOCSIFNETMASK, mask) < 0) {
        say("cannot set eth0's address: %s%s", strerror(errno), "");
        return -1;
    }
    struct rtentry route;
    memset(&route, 0, sizeof route);
    ((struct sockaddr_in*)&route.rt_dst)->sin_family = AF_INET;
    ((struct sockaddr_in*)&route.rt_genmask)->sin_family = AF_INET;
    struct sockaddr_in* via = (struct sockaddr_in*)&route.rt_gateway;
    via->sin_family = AF_INET;
    via->sin_addr = gw;
    route.rt_flags = RTF_UP | RTF_GATEWAY;
    if (ioctl(s, SIOCADDRT, &route) < 0)
        say("cannot add the default route via %s: %s", gateway, strerror(errno));
    close(s);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 4) {
        say("usage: net_init ADDRESS/PREFIX GATEWAY PROGRAM [ARGS...]%s%s", "", "");
        return 2;
    }
    load_modules();
    if (configure(argv[1], argv[2]) < 0)
        return 1;
    say("eth0 is %s, starting %s", argv[1], argv[3]);
    execv(argv[3], argv + 3);
    say("cannot run %s: %s", argv[3], strerror(errno));
    return 1;
}
