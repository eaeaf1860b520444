#include "net/user_network.h"
#include "net/user_network_frames.h"
#include "sandbox/monitor_sandbox.h"
#include "support/error.h"

#include <gtest/gtest.h>
#include <ingot/abi/net_rings.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <optional>
#include <vector>

// The user-mode network's thread runs sealed by its seccomp allowlist here, and ASan takes
// down a thread's alternate signal stack (sigaltstack) when it ends, a call that allowlist
// rightly refuses: the unit tests' ASan runs without alternate stacks (a stack overflow is
// then a plain SIGSEGV, still a failure).
extern "C" const char* __asan_default_options() {
    return "use_sigaltstack=0";
}

namespace ingot {
namespace {

using Bytes = std::vector<uint8_t>;

constexpr uint8_t guest_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x07};

void put16(Bytes& bytes, size_t at, uint16_t value) {
    bytes[at] = static_cast<uint8_t>(value >> 8);
    bytes[at + 1] = static_cast<uint8_t>(value);
}

void put32(Bytes& bytes, size_t at, uint32_t value) {
    put16(bytes, at, static_cast<uint16_t>(value >> 16));
    put16(bytes, at + 2, static_cast<uint16_t>(value));
}

uint16_t get16(const Bytes& bytes, size_t at) {
    return static_cast<uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

uint32_t get32(const Bytes& bytes, size_t at) {
    return uint32_t(get16(bytes, at)) << 16 | get16(bytes, at + 2);
}

// RFC 1071's sum, folded, not complemented.
uint16_t folded_sum(const Bytes& bytes, size_t from, size_t to, uint64_t sum = 0) {
    for (size_t at = from; at < to; at += 2)
        sum += uint32_t(bytes[at]) << 8 | (at + 1 < to ? bytes[at + 1] : 0);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

Bytes ethernet(uint16_t type, size_t payload) {
    Bytes frame(14 + payload);
    std::memset(frame.data(), 0xff, 6);
    std::memcpy(frame.data() + 6, guest_mac, 6);
    put16(frame, 12, type);
    return frame;
}

Bytes arp_request_for_gateway() {
    Bytes frame = ethernet(0x0806, 46);
    put16(frame, 14, 1);      // Ethernet
    put16(frame, 16, 0x0800); // IPv4
    frame[18] = 6;
    frame[19] = 4;
    put16(frame, 20, 1); // request
    std::memcpy(frame.data() + 22, guest_mac, 6);
    put32(frame, 28, default_guest_address);
    put32(frame, 38, user_gateway_address);
    return frame;
}

// A UDP datagram from the guest to 10.0.2.2:`port` whose checksum the guest left to the host:
// the field holds the pseudo-header's sum, as Linux's CHECKSUM_PARTIAL does.
Bytes udp_to_gateway_needing_checksum(uint16_t port, const std::string& payload) {
    size_t udp_length = 8 + payload.size();
    Bytes frame = ethernet(0x0800, 20 + udp_length);
    frame[14] = 0x45;
    put16(frame, 16, static_cast<uint16_t>(20 + udp_length));
    frame[22] = 64; // TTL
    frame[23] = 17; // UDP
    put32(frame, 26, default_guest_address);
    put32(frame, 30, user_gateway_address);
    put16(frame, 24, static_cast<uint16_t>(~folded_sum(frame, 14, 34)));
    put16(frame, 34, 40000);
    put16(frame, 36, port);
    put16(frame, 38, static_cast<uint16_t>(udp_length));
    std::memcpy(frame.data() + 42, payload.data(), payload.size());
    uint64_t pseudo = (default_guest_address >> 16) + (default_guest_address & 0xffff) +
                      (user_gateway_address >> 16) + (user_gateway_address & 0xffff) + 17 +
                      udp_length;
    Bytes none;
    put16(frame, 40, folded_sum(none, 0, 0, pseudo));
    return frame;
}

void send_frame(int fd, Bytes frame, const abi::VirtioNetHeader& header = {}) {
    iovec parts[] = {{const_cast<abi::VirtioNetHeader*>(&header), sizeof header},
                     {frame.data(), frame.size()}};
    ASSERT_EQ(::writev(fd, parts, 2), ssize_t(sizeof header + frame.size()));
}

// The first frame from the network that `wanted` accepts within two seconds.
std::optional<Bytes> frame_where(int fd, const std::function<bool(const Bytes&)>& wanted) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd ready{fd, POLLIN, 0};
        if (::poll(&ready, 1, 100) <= 0)
            continue;
        Bytes packet(virtio_net_header_size + 2048);
        ssize_t n = ::recv(fd, packet.data(), packet.size(), 0);
        if (n <= ssize_t(virtio_net_header_size))
            return std::nullopt;
        for (size_t i = 0; i < virtio_net_header_size; ++i)
            if (packet[i] != 0)
                return std::nullopt; // slirp's frames ask nothing of the guest
        Bytes frame(packet.begin() + virtio_net_header_size, packet.begin() + n);
        if (wanted(frame))
            return frame;
    }
    return std::nullopt;
}

bool is_ipv4_to_guest(const Bytes& frame, uint8_t protocol, uint16_t port) {
    return frame.size() >= 38 && get16(frame, 12) == 0x0800 && frame[23] == protocol &&
           get32(frame, 30) == default_guest_address && get16(frame, 36) == port;
}

// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
uint16_t free_port(int type) {
    int fd = ::socket(AF_INET, type, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

sockaddr_in loopback(uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    return address;
}

NetworkPlan user_plan(std::vector<std::string> published) {
    NetworkOptions options;
    options.mode = "user";
    options.published = std::move(published);
    return *plan_network(options, HostPrivileges{false, 0});
}

TEST(UserNetworkFrames, CompletesAChecksumTheGuestLeftToTheHost) {
    Bytes frame = udp_to_gateway_needing_checksum(53, "odd-length payload!");
    Bytes reference = frame;
    put16(reference, 40, 0);
    uint64_t pseudo = (default_guest_address >> 16) + (default_guest_address & 0xffff) +
                      (user_gateway_address >> 16) + (user_gateway_address & 0xffff) + 17 +
                      (frame.size() - 34);
    uint16_t expected = static_cast<uint16_t>(~folded_sum(reference, 34, frame.size(), pseudo));
    ASSERT_TRUE(complete_checksum(frame, 34, 6));
    EXPECT_EQ(get16(frame, 40), expected);
    // Verifying it as a receiver does: everything sums to all ones.
    EXPECT_EQ(folded_sum(frame, 34, frame.size(), pseudo), 0xffff);
}

TEST(UserNetworkFrames, RefusesAChecksumFieldOutsideTheFrame) {
    Bytes frame(60, 0xab);
    EXPECT_FALSE(complete_checksum(frame, 58, 1));
    EXPECT_FALSE(complete_checksum(frame, 0xffff, 0xffff));
    EXPECT_EQ(frame, Bytes(60, 0xab));
    EXPECT_TRUE(complete_checksum(frame, 50, 8));
}

// libslirp on its sandboxed thread, as the hvt monitor runs it: it answers ARP, carries the
// guest's UDP to the host (checksums completed on the way), and serves published ports.
class UserNetworkTest : public ::testing::Test {
protected:
    void start(std::vector<std::string> published) {
        m_network.emplace(user_plan(std::move(published)),
                          [] { seal_user_network_thread(SandboxPlan{}); });
        send_frame(guest(), arp_request_for_gateway());
        auto reply = frame_where(guest(), [](const Bytes& frame) {
            return frame.size() >= 42 && get16(frame, 12) == 0x0806 && get16(frame, 20) == 2;
        });
        ASSERT_TRUE(reply) << "no ARP reply from the gateway";
        EXPECT_EQ(get32(*reply, 28), user_gateway_address);
        EXPECT_EQ(std::memcmp(reply->data() + 32, guest_mac, 6), 0);
    }
    int guest() const { return m_network->guest_fd(); }

    std::optional<UserNetwork> m_network;
};

TEST_F(UserNetworkTest, CarriesTheGuestsUdpToTheHostWithItsChecksumCompleted) {
    int server = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ::getsockname(server, reinterpret_cast<sockaddr*>(&address), &length);
    start({});
    abi::VirtioNetHeader header{};
    header.flags = abi::virtio_net_needs_checksum;
    header.checksum_start = 34;
    header.checksum_offset = 6;
    send_frame(guest(), udp_to_gateway_needing_checksum(ntohs(address.sin_port), "hello host"),
               header);
    pollfd ready{server, POLLIN, 0};
    ASSERT_EQ(::poll(&ready, 1, 2000), 1) << "the datagram did not reach the host";
    char text[64] = {};
    EXPECT_EQ(::recv(server, text, sizeof text, 0), 10);
    EXPECT_STREQ(text, "hello host");
    ::close(server);
}

TEST_F(UserNetworkTest, PublishedUdpPortReachesTheGuest) {
    uint16_t port = free_port(SOCK_DGRAM);
    start({fmt::format("127.0.0.1:{}:5353/udp", port)});
    int client = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback(port);
    ASSERT_EQ(
        ::sendto(client, "query", 5, 0, reinterpret_cast<sockaddr*>(&address), sizeof address), 5);
    auto frame =
        frame_where(guest(), [](const Bytes& frame) { return is_ipv4_to_guest(frame, 17, 5353); });
    ASSERT_TRUE(frame) << "no datagram for the guest's port 5353";
    EXPECT_EQ(std::string(frame->begin() + 42, frame->begin() + 47), "query");
    ::close(client);
}

TEST_F(UserNetworkTest, PublishedTcpPortOpensAConnectionToTheGuest) {
    uint16_t port = free_port(SOCK_STREAM);
    start({fmt::format("{}:80", port)});
    int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in address = loopback(port);
    ::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address);
    auto syn = frame_where(guest(), [](const Bytes& frame) {
        return is_ipv4_to_guest(frame, 6, 80) && (frame[47] & 0x02);
    });
    EXPECT_TRUE(syn) << "no SYN for the guest's port 80";
    ::close(client);
}

TEST(UserNetwork, APublishedPortInUseIsOneLine) {
    int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(holder, 1), 0);
    ::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length);
    uint16_t port = ntohs(address.sin_port);
    try {
        UserNetwork network(user_plan({fmt::format("127.0.0.1:{}:80", port)}));
        ADD_FAILURE() << "a port in use was published";
    } catch (const UserError& error) {
        EXPECT_EQ(std::string(error.what()),
                  fmt::format("-p: cannot listen on 127.0.0.1:{}/tcp: {}", port,
                              system_error_text(EADDRINUSE)));
    }
    ::close(holder);
}

TEST(UserNetwork, EndsItsSocketWhenStopped) {
    std::optional<UserNetwork> network(std::in_place, user_plan({}));
    int peer = ::dup(network->guest_fd());
    network.reset();
    Bytes buffer(64);
    EXPECT_EQ(::recv(peer, buffer.data(), buffer.size(), 0), 0); // the end of the network
    ::close(peer);
}

} // namespace
} // namespace ingot
