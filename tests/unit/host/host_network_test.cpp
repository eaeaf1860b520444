// The host side of the network for real: taps, addresses and the proxy's ports, each test in a
// forked child inside a network namespace of its own (skipped where that is not permitted),
// so that nothing touches the machine's own interfaces.
#include "net/host_network.h"
#include "net/owned_fd.h"
#include "net/route_netlink.h"
#include "support/error.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <ifaddrs.h>
#include <linux/capability.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fstream>
#include <functional>
#include <optional>
#include <thread>

namespace ingot {
namespace {

constexpr char skip_marker[] = "skip: ";

// Runs `body` in a forked child inside a new network namespace; the child's verdict ("" for
// success, else what went wrong) comes back through a pipe.
std::string in_new_network_namespace(const std::function<std::string()>& body) {
    int pipe_ends[2];
    if (pipe2(pipe_ends, O_CLOEXEC) < 0)
        return "pipe2 failed";
    pid_t child = fork();
    if (child == 0) {
        ::close(pipe_ends[0]);
        std::string verdict;
        if (unshare(CLONE_NEWNET) < 0) {
            verdict =
                std::string(skip_marker) +
                "no network namespace for this test: unshare(CLONE_NEWNET): " + strerror(errno);
        } else {
            try {
                verdict = body();
            } catch (const std::exception& error) {
                verdict = std::string("threw: ") + error.what();
            }
        }
        [[maybe_unused]] ssize_t written = ::write(pipe_ends[1], verdict.data(), verdict.size());
        _exit(0);
    }
    ::close(pipe_ends[1]);
    std::string verdict;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(pipe_ends[0], buffer, sizeof buffer)) > 0)
        verdict.append(buffer, static_cast<size_t>(n));
    ::close(pipe_ends[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return "the child died: status " + std::to_string(status);
    return verdict;
}

#define EXPECT_IN_NEW_NETWORK_NAMESPACE(...)                                                       \
    do {                                                                                           \
        std::string verdict = in_new_network_namespace(__VA_ARGS__);                               \
        if (verdict.rfind(skip_marker, 0) == 0)                                                    \
            GTEST_SKIP() << verdict.substr(sizeof skip_marker - 1);                                \
        EXPECT_EQ(verdict, "");                                                                    \
    } while (0)

// The message of the UserError `action` throws, or why it did not.
std::string user_error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const UserError& error) {
        return error.what();
    }
    return "(no error)";
}

struct InterfaceState {
    bool exists = false;
    bool up = false;
    std::vector<std::string> ipv4; // "address/prefix"
};

InterfaceState interface_state(const std::string& name) {
    InterfaceState state;
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) < 0)
        return state;
    for (ifaddrs* entry = list; entry; entry = entry->ifa_next) {
        if (name != entry->ifa_name)
            continue;
        state.exists = true;
        state.up = state.up || (entry->ifa_flags & IFF_UP);
        if (entry->ifa_addr && entry->ifa_addr->sa_family == AF_INET) {
            auto* address = reinterpret_cast<sockaddr_in*>(entry->ifa_addr);
            auto* mask = reinterpret_cast<sockaddr_in*>(entry->ifa_netmask);
            state.ipv4.push_back(format_ipv4(ntohl(address->sin_addr.s_addr)) + "/" +
                                 std::to_string(__builtin_popcount(mask->sin_addr.s_addr)));
        }
    }
    freeifaddrs(list);
    return state;
}

// The source address the host's routing picks to reach `address`.
std::string route_source_for(uint32_t address) {
    OwnedFd socket(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_addr.s_addr = htonl(address);
    target.sin_port = htons(9);
    if (connect(socket.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) < 0)
        return std::string("no route: ") + strerror(errno);
    sockaddr_in source{};
    socklen_t length = sizeof source;
    getsockname(socket.get(), reinterpret_cast<sockaddr*>(&source), &length);
    return format_ipv4(ntohl(source.sin_addr.s_addr));
}

bool can_bind_tcp(uint16_t port) {
    OwnedFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    return bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// A persistent tap, as `ip tuntap add dev NAME mode tap [user OWNER]` makes.
bool make_persistent_tap(const std::string& name, std::optional<uid_t> owner = std::nullopt) {
    OwnedFd tun(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    ifreq request{};
    std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    return tun && ioctl(tun.get(), TUNSETIFF, &request) == 0 &&
           (!owner || ioctl(tun.get(), TUNSETOWNER, static_cast<unsigned long>(*owner)) == 0) &&
           ioctl(tun.get(), TUNSETPERSIST, 1) == 0;
}

bool drop_net_admin() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) < 0)
        return false;
    uint32_t bit = 1u << (CAP_NET_ADMIN % 32);
    data[CAP_NET_ADMIN / 32].effective &= ~bit;
    data[CAP_NET_ADMIN / 32].permitted &= ~bit;
    data[CAP_NET_ADMIN / 32].inheritable &= ~bit;
    return syscall(SYS_capset, &header, data) == 0;
}

// A tap's plan, whatever this process may do: these tests are about the tap backend, and
// some drop CAP_NET_ADMIN before planning (which would choose user-mode networking).
NetworkPlan plan_for(std::vector<std::string> published, std::string tap = "") {
    NetworkOptions options;
    options.published = std::move(published);
    options.tap = std::move(tap);
    if (!options.tap.empty() && !options.published.empty())
        options.address = "10.0.2.15/24";
    return *plan_network(options, HostPrivileges{true, 0});
}

TEST(HostNetwork, PublishingCreatesAnAddressedTapThatVanishesAfterwards) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        std::string name;
        {
            HostNetwork network(plan_for({"18080:80", "15353:53/udp"}));
            name = network.tap().name();
            const NetworkAttachment& attachment = network.attachment();
            if (name.rfind("ingot", 0) != 0 || attachment.tap_name != name)
                return "unexpected tap name " + name;
            if (network.tap().persistent())
                return "the tap is persistent";
            InterfaceState state = interface_state(name);
            if (!state.exists || !state.up)
                return "tap " + name + " missing or down";
            if (state.ipv4 != std::vector<std::string>{"10.0.2.1/24"})
                return "tap addresses: " + fmt::format("{}", fmt::join(state.ipv4, " "));
            std::string source = route_source_for(default_guest_address);
            if (source != "10.0.2.1")
                return "the guest's address is routed from " + source;
            int header_size = 0;
            if (ioctl(attachment.tap_fd, TUNGETVNETHDRSZ, &header_size) < 0 || header_size != 12)
                return "virtio-net header size " + std::to_string(header_size);
            ifreq request{};
            if (ioctl(attachment.tap_fd, TUNGETIFF, &request) < 0)
                return "TUNGETIFF failed";
            int wanted = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
            if ((request.ifr_flags & wanted) != wanted)
                return "tap flags " + std::to_string(request.ifr_flags);
            if (format_ipv4(attachment.guest.address) != "10.0.2.15" ||
                attachment.guest.prefix_length != 24 ||
                format_ipv4(attachment.guest.gateway) != "10.0.2.1" || attachment.guest.use_dhcp)
                return "guest config " + network.description();
            if (can_bind_tcp(18080))
                return "the published port is not bound";
            std::ifstream ipv6(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", name));
            std::string disabled;
            if (ipv6 && (ipv6 >> disabled, disabled != "1"))
                return "IPv6 is on for the tap";
        }
        if (if_nametoindex(name.c_str()) != 0)
            return "tap " + name + " still exists after the network was torn down";
        if (!can_bind_tcp(18080))
            return "the published port is still bound";
        if (route_source_for(default_guest_address).rfind("no route", 0) != 0)
            return "the guest's subnet is still routed";
        return "";
    });
}

// Passes a descriptor over a Unix socket.
bool send_descriptor(int socket, int fd) {
    char byte = 0;
    iovec data{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    return sendmsg(socket, &message, 0) == 1;
}

OwnedFd receive_descriptor(int socket) {
    char byte;
    iovec data{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    if (recvmsg(socket, &message, 0) != 1 || !CMSG_FIRSTHDR(&message))
        return OwnedFd();
    int fd;
    std::memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&message)), sizeof fd);
    return OwnedFd(fd);
}

OwnedFd bound_socket(int type, uint16_t port) {
    OwnedFd socket(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    if (bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 ||
        (type == SOCK_STREAM && listen(socket.get(), 16) < 0))
        return OwnedFd();
    return socket;
}

// A stand-in for the guest: Linux itself, in a network namespace of its own, behind a second
// tap at 10.0.2.15/24, serving TCP echo on port 80 and UDP echo on 53. Frames, with their
// virtio-net headers, are copied between ingot's tap (whose descriptor arrives over `control`)
// and that one, as the hvt monitor or QEMU would. Never returns.
[[noreturn]] void run_stand_in_guest(int control) {
    if (unshare(CLONE_NEWNET) < 0)
        _exit(1);
    TapDevice tap("guest0");
    if (add_interface_address(tap.index(), default_guest_address, default_prefix_length) ||
        set_interface_up(tap.index()))
        _exit(1);
    OwnedFd tcp = bound_socket(SOCK_STREAM, 80);
    OwnedFd udp = bound_socket(SOCK_DGRAM, 53);
    std::thread([&] {
        for (;;) {
            OwnedFd connection(accept4(tcp.get(), nullptr, nullptr, SOCK_CLOEXEC));
            char buffer[65536];
            ssize_t n;
            while ((n = recv(connection.get(), buffer, sizeof buffer, 0)) > 0)
                send(connection.get(), buffer, static_cast<size_t>(n), MSG_NOSIGNAL);
        }
    }).detach();
    std::thread([&] {
        for (;;) {
            char buffer[65536];
            sockaddr_in peer{};
            socklen_t length = sizeof peer;
            ssize_t n = recvfrom(udp.get(), buffer, sizeof buffer, 0,
                                 reinterpret_cast<sockaddr*>(&peer), &length);
            if (n >= 0)
                sendto(udp.get(), buffer, static_cast<size_t>(n), 0,
                       reinterpret_cast<sockaddr*>(&peer), length);
        }
    }).detach();
    OwnedFd host_tap = receive_descriptor(control);
    if (!host_tap || ::write(control, "r", 1) != 1)
        _exit(1);
    pollfd taps[2] = {{host_tap.get(), POLLIN, 0}, {tap.fd(), POLLIN, 0}};
    for (;;) {
        poll(taps, 2, -1);
        for (int i = 0; i < 2; ++i)
            if (taps[i].revents & POLLIN) {
                char frame[65536 + 12];
                ssize_t n = ::read(taps[i].fd, frame, sizeof frame);
                if (n > 0) [[maybe_unused]]
                    ssize_t written = ::write(taps[1 - i].fd, frame, static_cast<size_t>(n));
            }
    }
}

TEST(HostNetwork, PublishedPortsReachTheGuestThroughTheTap) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        int control[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, control) < 0)
            return "socketpair failed";
        // Forked before the proxy's thread exists, so that the child forks a single thread.
        pid_t guest = fork();
        if (guest == 0)
            run_stand_in_guest(control[1]);
        OwnedFd to_guest(control[0]);
        ::close(control[1]);
        std::string verdict = [&]() -> std::string {
            if (set_interface_up(if_nametoindex("lo")))
                return "cannot bring lo up";
            HostNetwork network(plan_for({"18080:80", "15353:53/udp"}));
            char ready;
            timeval timeout{10, 0};
            setsockopt(to_guest.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            if (!send_descriptor(to_guest.get(), network.attachment().tap_fd) ||
                ::read(to_guest.get(), &ready, 1) != 1)
                return "the stand-in guest did not start";

            OwnedFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
            setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            setsockopt(client.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            sockaddr_in proxy{};
            proxy.sin_family = AF_INET;
            proxy.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            proxy.sin_port = htons(18080);
            if (connect(client.get(), reinterpret_cast<sockaddr*>(&proxy), sizeof proxy) < 0)
                return std::string("connect: ") + strerror(errno);
            std::string request(300'000, '\0');
            for (size_t i = 0; i < request.size(); ++i)
                request[i] = static_cast<char>(i * 7 + i / 1000);
            std::string echoed;
            std::thread reader([&] {
                char buffer[65536];
                ssize_t n;
                while ((n = recv(client.get(), buffer, sizeof buffer, 0)) > 0)
                    echoed.append(buffer, static_cast<size_t>(n));
            });
            size_t sent = 0;
            while (sent < request.size()) {
                ssize_t n =
                    send(client.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
                if (n <= 0)
                    break;
                sent += static_cast<size_t>(n);
            }
            shutdown(client.get(), SHUT_WR);
            reader.join();
            if (echoed != request)
                return fmt::format("TCP through the tap: sent {}, echoed {} bytes{}", sent,
                                   echoed.size(), echoed.size() == sent ? " that differ" : "");

            OwnedFd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
            setsockopt(udp.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
            proxy.sin_port = htons(15353);
            std::string query = "example.test?";
            sendto(udp.get(), query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&proxy),
                   sizeof proxy);
            char answer[512];
            ssize_t n = recv(udp.get(), answer, sizeof answer, 0);
            if (n < 0 || std::string(answer, static_cast<size_t>(n)) != query)
                return "UDP through the tap: no echo";
            return "";
        }();
        kill(guest, SIGKILL);
        waitpid(guest, nullptr, 0);
        return verdict;
    });
}

TEST(HostNetwork, TwoNetworksGetTwoTaps) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        HostNetwork first(plan_for({"18080:80"}));
        HostNetwork second(plan_for({"18081:80"}));
        if (first.tap().name() == second.tap().name())
            return "one tap for two networks";
        if (!interface_state(second.tap().name()).up)
            return "the second tap is down";
        return "";
    });
}

TEST(HostNetwork, NamedTapIsCreatedWhenMissingAndLeftUnaddressed) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        {
            HostNetwork network(plan_for({}, "mytap0"));
            if (network.tap().name() != "mytap0" || network.tap().persistent())
                return "unexpected tap " + network.tap().name();
            if (!network.attachment().guest.use_dhcp)
                return "the guest should ask DHCP";
            if (!interface_state("mytap0").ipv4.empty() || network.proxy())
                return "ingot configured a user's tap";
            // Down, a new tap would pass nothing, not even the guest's DHCP request.
            if (!network.tap().created() || !interface_state("mytap0").up)
                return "ingot left the tap it created down";
            auto notice = network.dhcp_notice();
            if (!notice || notice->find("waiting up to 10 s for a DHCP lease on tap mytap0") ==
                               std::string::npos)
                return "no notice of the DHCP wait: " + notice.value_or("(none)");
        }
        if (if_nametoindex("mytap0") != 0)
            return "the tap ingot created outlived it";
        return "";
    });
}

TEST(HostNetwork, ExistingPersistentTapIsOpenedAndLeftInPlace) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        if (!make_persistent_tap("usertap"))
            return std::string("cannot make a persistent tap: ") + strerror(errno);
        {
            HostNetwork network(plan_for({"18080:80"}, "usertap"));
            if (!network.tap().persistent() || network.tap().created())
                return "the user's tap is not seen as persistent";
            if (!network.proxy())
                return "no proxy for -p";
            if (network.attachment().tap_fd < 0)
                return "no descriptor";
        }
        if (if_nametoindex("usertap") == 0)
            return "ingot removed the user's tap";
        return "";
    });
}

TEST(HostNetwork, NamedTapInUseOrNotATapIsOneClearError) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        HostNetwork holder(plan_for({}, "busytap"));
        std::string busy = user_error_of([] { HostNetwork(plan_for({}, "busytap")); });
        if (busy != "--net busytap: tap busytap is already in use by another process")
            return "busy: " + busy;
        std::string loopback = user_error_of([] { HostNetwork(plan_for({}, "lo")); });
        if (loopback != "--net lo: lo exists but is not a (single-queue) tap device")
            return "lo: " + loopback;
        return "";
    });
}

TEST(HostNetwork, PublishedPortInUseFailsBeforeAnythingIsLeftBehind) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        HostNetwork first(plan_for({"18080:80"}));
        std::string error = user_error_of([] { HostNetwork(plan_for({"18080:80"})); });
        if (error != "cannot publish *:18080/tcp: the port is already in use on the host")
            return "port in use: " + error;
        // Only the first network's tap remains: the failed one's closed with it.
        if (if_nametoindex("ingot1") != 0)
            return "the failed network left its tap";
        return "";
    });
}

TEST(HostNetwork, MissingTunDriverIsOneClearError) {
    EXPECT_EQ(user_error_of([] { HostNetwork(plan_for({"8080:80"}), {}, "/nonexistent/net/tun"); }),
              "-p needs a tap device, but /nonexistent/net/tun is missing (load the tun driver: "
              "`modprobe tun`)");
    EXPECT_EQ(user_error_of([] { HostNetwork(plan_for({}, "tap7"), {}, "/nonexistent/net/tun"); }),
              "--net tap7 needs a tap device, but /nonexistent/net/tun is missing (load the tun "
              "driver: `modprobe tun`)");
}

TEST(HostNetwork, WithoutCapNetAdminSaysWhatItNeeds) {
    EXPECT_IN_NEW_NETWORK_NAMESPACE([]() -> std::string {
        if (!make_persistent_tap("theirtap", 4242))
            return std::string("cannot make a persistent tap: ") + strerror(errno);
        if (!drop_net_admin())
            return std::string("capset: ") + strerror(errno);
        std::string publish = user_error_of([] { HostNetwork(plan_for({"18080:80"})); });
        if (publish.rfind("-p needs CAP_NET_ADMIN to create a tap device (run as root, or "
                          "create one with `ip tuntap add dev tap0 mode tap user $USER`",
                          0) != 0)
            return "-p: " + publish;
        std::string missing = user_error_of([] { HostNetwork(plan_for({}, "newtap")); });
        if (missing != "--net newtap: there is no such interface, and creating a tap device "
                       "needs CAP_NET_ADMIN (run as root, or create it with `ip tuntap add dev "
                       "newtap mode tap user $USER`)")
            return "--net missing: " + missing;
        std::string foreign = user_error_of([] { HostNetwork(plan_for({}, "theirtap")); });
        if (foreign.rfind("--net theirtap: this user may not use tap theirtap", 0) != 0)
            return "--net foreign: " + foreign;
        return "";
    });
}

} // namespace
} // namespace ingot
