// The monitor's ring code against a real tap, in a network namespace of the test's own: the
// host kernel answers ARP, takes a UDP datagram whose checksum it must complete, and sends one
// to the guest; over a TCP connection made by hand it takes a 30,000-byte segment to cut and
// hands the guest coalesced ones. Skipped where the test may not create a namespace or a tap.
#include "net/tap_device.h"
#include "vmm/hypercalls.h"
#include "vmm/net_device.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ingot {
namespace {

constexpr char tap_name[] = "ingot-test0";
constexpr uint32_t host_address = 0x0a000201;  // 10.0.2.1
constexpr uint32_t guest_address = 0x0a00020f; // 10.0.2.15
constexpr std::array<uint8_t, 6> guest_mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x0f};
constexpr uint16_t host_port = 5555;
constexpr int tap_mtu = 1400;
constexpr uint16_t guest_port = 4000;
constexpr uint16_t host_tcp_port = 5556;

constexpr uint64_t memory_size = 4 << 20;
constexpr uint64_t args_address = 0x1000;
constexpr uint64_t indexes_address = 0x2000;
constexpr uint64_t transmit_address = 0x10000;
constexpr uint64_t receive_address = 0x40000;
constexpr uint32_t slot_count = 64; // room for two of the longest frames

sockaddr_in ipv4(uint32_t address, uint16_t port) {
    sockaddr_in socket_address{};
    socket_address.sin_family = AF_INET;
    socket_address.sin_addr.s_addr = htonl(address);
    socket_address.sin_port = htons(port);
    return socket_address;
}

// The host side in a fresh namespace: the tap (as src/net opens it), its address, a static
// ARP entry for the guest, and a UDP socket on the host's address. Empty `skip` on success.
struct HostSide {
    std::string skip;
    int tap = -1;
    int udp = -1;
    int listener = -1; // TCP, on the host's address
    std::array<uint8_t, 6> tap_mac{};

    ~HostSide() {
        if (listener >= 0)
            ::close(listener);
        if (udp >= 0)
            ::close(udp);
        if (tap >= 0)
            ::close(tap);
    }

    // Namespaces belong to a thread: this runs on its own, and the descriptors it opens keep
    // the namespace alive for the test's main thread.
    void create() {
        if (::unshare(CLONE_NEWNET) != 0) {
            skip = "cannot create a network namespace: " + std::string(std::strerror(errno));
            return;
        }
        tap = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (tap < 0) {
            skip = "cannot open /dev/net/tun: " + std::string(std::strerror(errno));
            return;
        }
        ifreq request{};
        std::strcpy(request.ifr_name, tap_name);
        request.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
        int header_size = sizeof(abi::VirtioNetHeader);
        if (::ioctl(tap, TUNSETIFF, &request) != 0 ||
            ::ioctl(tap, TUNSETVNETHDRSZ, &header_size) != 0) {
            skip = "cannot create a tap: " + std::string(std::strerror(errno));
            return;
        }
        // No IPv6 chatter (router solicitations, MLD) in the rings.
        if (int knob = ::open("/proc/sys/net/ipv6/conf/ingot-test0/disable_ipv6", O_WRONLY);
            knob >= 0) {
            [[maybe_unused]] auto written = ::write(knob, "1", 1);
            ::close(knob);
        }
        udp = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        auto fail = [&](const char* what) {
            ADD_FAILURE() << what << ": " << std::strerror(errno);
            skip = what;
        };
        auto address = ipv4(host_address, 0);
        std::memcpy(&request.ifr_addr, &address, sizeof address);
        if (::ioctl(udp, SIOCSIFADDR, &request) != 0)
            return fail("SIOCSIFADDR");
        auto mask = ipv4(0xffffff00, 0);
        std::memcpy(&request.ifr_netmask, &mask, sizeof mask);
        if (::ioctl(udp, SIOCSIFNETMASK, &request) != 0)
            return fail("SIOCSIFNETMASK");
        request.ifr_mtu = tap_mtu;
        if (::ioctl(udp, SIOCSIFMTU, &request) != 0)
            return fail("SIOCSIFMTU");
        if (::ioctl(udp, SIOCGIFFLAGS, &request) != 0)
            return fail("SIOCGIFFLAGS");
        request.ifr_flags |= IFF_UP;
        if (::ioctl(udp, SIOCSIFFLAGS, &request) != 0)
            return fail("SIOCSIFFLAGS");
        if (::ioctl(udp, SIOCGIFHWADDR, &request) != 0)
            return fail("SIOCGIFHWADDR");
        std::memcpy(tap_mac.data(), request.ifr_hwaddr.sa_data, 6);
        arpreq neighbour{};
        auto guest = ipv4(guest_address, 0);
        std::memcpy(&neighbour.arp_pa, &guest, sizeof guest);
        neighbour.arp_ha.sa_family = ARPHRD_ETHER;
        std::memcpy(neighbour.arp_ha.sa_data, guest_mac.data(), 6);
        neighbour.arp_flags = ATF_PERM | ATF_COM;
        std::strcpy(neighbour.arp_dev, tap_name);
        if (::ioctl(udp, SIOCSARP, &neighbour) != 0)
            return fail("SIOCSARP");
        auto bound = ipv4(host_address, host_port);
        if (::bind(udp, reinterpret_cast<sockaddr*>(&bound), sizeof bound) != 0)
            return fail("bind");
        timeval patience{2, 0};
        ::setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
        listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        auto tcp_bound = ipv4(host_address, host_tcp_port);
        if (::bind(listener, reinterpret_cast<sockaddr*>(&tcp_bound), sizeof tcp_bound) != 0 ||
            ::listen(listener, 1) != 0)
            return fail("TCP listener");
        ::setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
    }
};

void put16(std::vector<uint8_t>& bytes, size_t offset, uint16_t value) {
    bytes[offset] = static_cast<uint8_t>(value >> 8);
    bytes[offset + 1] = static_cast<uint8_t>(value);
}
void put32(std::vector<uint8_t>& bytes, size_t offset, uint32_t value) {
    put16(bytes, offset, static_cast<uint16_t>(value >> 16));
    put16(bytes, offset + 2, static_cast<uint16_t>(value));
}
uint16_t get16(const uint8_t* bytes) {
    return static_cast<uint16_t>(bytes[0] << 8 | bytes[1]);
}

uint32_t sum16(const uint8_t* bytes, size_t length, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < length; i += 2)
        sum += get16(bytes + i);
    if (length % 2)
        sum += uint32_t(bytes[length - 1]) << 8;
    return sum;
}
uint16_t fold(uint32_t sum) {
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

std::vector<uint8_t> ethernet(const std::array<uint8_t, 6>& destination, uint16_t type) {
    std::vector<uint8_t> frame(14);
    std::copy(destination.begin(), destination.end(), frame.begin());
    std::copy(guest_mac.begin(), guest_mac.end(), frame.begin() + 6);
    put16(frame, 12, type);
    return frame;
}

std::vector<uint8_t> arp_request_for_host() {
    std::vector<uint8_t> frame = ethernet({0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0x0806);
    frame.resize(14 + 28);
    put16(frame, 14, 1);      // Ethernet
    put16(frame, 16, 0x0800); // IPv4
    frame[18] = 6;
    frame[19] = 4;
    put16(frame, 20, 1); // request
    std::copy(guest_mac.begin(), guest_mac.end(), frame.begin() + 22);
    put32(frame, 28, guest_address);
    put32(frame, 38, host_address);
    frame.resize(60); // padded to Ethernet's minimum
    return frame;
}

// Ethernet and IPv4 from the guest to the host, `protocol` with `length` bytes behind them
// (zeroed).
std::vector<uint8_t> ipv4_to_host(const std::array<uint8_t, 6>& tap_mac, uint8_t protocol,
                                  size_t length) {
    std::vector<uint8_t> frame = ethernet(tap_mac, 0x0800);
    frame.resize(14 + 20 + length);
    frame[14] = 0x45;
    put16(frame, 16, static_cast<uint16_t>(20 + length));
    frame[22] = 64; // TTL
    frame[23] = protocol;
    put32(frame, 26, guest_address);
    put32(frame, 30, host_address);
    put16(frame, 24, static_cast<uint16_t>(~fold(sum16(frame.data() + 14, 20))));
    return frame;
}

// Ethernet + IPv4 + UDP from the guest to the host's socket. The UDP checksum field holds
// `udp_checksum` as given.
std::vector<uint8_t> udp_to_host(const std::array<uint8_t, 6>& tap_mac, const std::string& text,
                                 uint16_t udp_checksum) {
    size_t udp_length = 8 + text.size();
    std::vector<uint8_t> frame = ipv4_to_host(tap_mac, 17, udp_length);
    put16(frame, 34, guest_port);
    put16(frame, 36, host_port);
    put16(frame, 38, static_cast<uint16_t>(udp_length));
    put16(frame, 40, udp_checksum);
    std::memcpy(frame.data() + 42, text.data(), text.size());
    return frame;
}

// The pseudo-header sum a stack leaves in the checksum field for the device to complete.
uint16_t udp_pseudo_header_sum(size_t udp_length) {
    uint32_t sum = (guest_address >> 16) + (guest_address & 0xffff) + (host_address >> 16) +
                   (host_address & 0xffff) + 17 + static_cast<uint32_t>(udp_length);
    return fold(sum);
}

constexpr uint8_t tcp_syn = 0x02;
constexpr uint8_t tcp_push = 0x08;
constexpr uint8_t tcp_ack = 0x10;

// Ethernet + IPv4 + TCP (20-byte header, no options but an MSS on a SYN) from the guest to
// the host's listener, its checksum left to the host: the field holds the pseudo-header sum
// over the whole TCP length, as the guest's stack leaves it. Returns the frame and its header.
std::pair<std::vector<uint8_t>, abi::VirtioNetHeader>
tcp_to_host(const std::array<uint8_t, 6>& tap_mac, uint32_t sequence, uint32_t acknowledged,
            uint8_t flags, const std::vector<uint8_t>& payload) {
    size_t tcp_header = flags & tcp_syn ? 24 : 20;
    size_t tcp_length = tcp_header + payload.size();
    std::vector<uint8_t> frame = ipv4_to_host(tap_mac, 6, tcp_length);
    put16(frame, 34, guest_port);
    put16(frame, 36, host_tcp_port);
    put32(frame, 38, sequence);
    put32(frame, 42, acknowledged);
    frame[46] = static_cast<uint8_t>(tcp_header / 4 << 4);
    frame[47] = flags;
    put16(frame, 48, 65535); // window
    if (flags & tcp_syn) {
        frame[54] = 2; // MSS (RFC 9293 3.2)
        frame[55] = 4;
        put16(frame, 56, 1460);
    }
    std::copy(payload.begin(), payload.end(), frame.begin() + 34 + tcp_header);
    uint32_t pseudo = (guest_address >> 16) + (guest_address & 0xffff) + (host_address >> 16) +
                      (host_address & 0xffff) + 6 + static_cast<uint32_t>(tcp_length);
    put16(frame, 50, fold(pseudo));
    abi::VirtioNetHeader header{};
    header.flags = abi::virtio_net_needs_checksum;
    header.checksum_start = 34;
    header.checksum_offset = 16;
    return {frame, header};
}

uint32_t get32(const uint8_t* bytes) {
    return uint32_t(get16(bytes)) << 16 | get16(bytes + 2);
}

bool is_tcp_from_host(const std::vector<uint8_t>& frame) {
    return frame.size() >= 54 && get16(&frame[12]) == 0x0800 && frame[23] == 6 &&
           get16(&frame[34]) == host_tcp_port && get16(&frame[36]) == guest_port;
}

class NetTapTest : public ::testing::Test {
protected:
    void SetUp() override {
        // The device is made in the namespace too: it asks the tap's MTU there.
        std::thread([this] {
            host.create();
            if (!host.skip.empty())
                return;
            NetworkAttachment attachment;
            attachment.tap_fd = host.tap;
            attachment.tap_name = tap_name;
            attachment.guest.mac = guest_mac;
            attachment.enable_coalescing = [fd = host.tap] {
                return TapDevice::enable_coalescing(fd);
            };
            device = std::make_unique<NetDevice>(memory, attachment);
        }).join();
        if (!host.skip.empty())
            GTEST_SKIP() << host.skip;
        handler.attach_network(device.get());
        indexes().guest_features = abi::net_guest_coalesced_receive;
        abi::NetSetupArgs setup{indexes_address, transmit_address, receive_address,
                                slot_count,      slot_count,       1};
        memory.write(args_address, setup);
        handler.handle(abi::hypercall_offset(abi::Hypercall::NetSetup), args_address);
        ASSERT_EQ(memory.read<abi::NetSetupArgs>(args_address)->result, 0);
    }

    abi::NetRingIndexes& indexes() {
        return *reinterpret_cast<abi::NetRingIndexes*>(memory.host_base() + indexes_address);
    }

    // As the guest's driver does: the frame poured across as many slots as it takes.
    void send(const std::vector<uint8_t>& frame, abi::VirtioNetHeader header = {}) {
        auto* slots = reinterpret_cast<abi::NetSlot*>(memory.host_base() + transmit_address);
        uint32_t first = indexes().transmit_producer;
        uint32_t taken = 0;
        for (size_t at = 0; at < frame.size(); at += abi::net_frame_capacity, ++taken) {
            abi::NetSlot& slot = slots[(first + taken) % slot_count];
            size_t piece = std::min<size_t>(frame.size() - at, abi::net_frame_capacity);
            slot.header = {};
            slot.length = static_cast<uint32_t>(piece);
            std::memcpy(slot.frame, frame.data() + at, piece);
        }
        header.buffer_count = static_cast<uint16_t>(taken);
        slots[first % slot_count].header = header;
        indexes().transmit_producer = first + taken;
        memory.write(args_address, abi::NetKickArgs{});
        handler.handle(abi::hypercall_offset(abi::Hypercall::NetKick), args_address);
    }

    // Waits as the kernel idles (Poll with the network's interest) until a received frame
    // satisfies `wanted`; frames before it are consumed and skipped. A frame spanning slots is
    // gathered; `header` gets the one that satisfied.
    std::optional<std::vector<uint8_t>>
    receive(const std::function<bool(const std::vector<uint8_t>&)>& wanted,
            abi::VirtioNetHeader* header = nullptr) {
        auto* slots = reinterpret_cast<abi::NetSlot*>(memory.host_base() + receive_address);
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (std::chrono::steady_clock::now() < deadline) {
            memory.write(args_address, abi::PollArgs{200'000'000, abi::poll_event_net, 0});
            handler.handle(abi::hypercall_offset(abi::Hypercall::Poll), args_address);
            while (indexes().receive_consumer != indexes().receive_producer) {
                const abi::NetSlot& first = slots[indexes().receive_consumer % slot_count];
                abi::VirtioNetHeader first_header = first.header;
                std::vector<uint8_t> frame;
                for (uint16_t i = 0; i < std::max<uint16_t>(first_header.buffer_count, 1); ++i) {
                    const abi::NetSlot& slot = slots[(indexes().receive_consumer + i) % slot_count];
                    frame.insert(frame.end(), slot.frame, slot.frame + slot.length);
                }
                indexes().receive_consumer += std::max<uint16_t>(first_header.buffer_count, 1);
                if (wanted(frame)) {
                    if (header)
                        *header = first_header;
                    return frame;
                }
            }
        }
        return std::nullopt;
    }

    HostSide host;
    GuestMemory memory{memory_size};
    HypercallHandler handler{memory};
    std::unique_ptr<NetDevice> device;
};

TEST_F(NetTapTest, TheHostAnswersTheGuestsArpRequest) {
    send(arp_request_for_host());
    auto reply = receive([](const std::vector<uint8_t>& frame) {
        return frame.size() >= 42 && get16(&frame[12]) == 0x0806 && get16(&frame[20]) == 2;
    });
    ASSERT_TRUE(reply) << "no ARP reply from the host";
    EXPECT_TRUE(std::equal(guest_mac.begin(), guest_mac.end(), reply->begin())); // to the guest
    EXPECT_TRUE(std::equal(host.tap_mac.begin(), host.tap_mac.end(), reply->begin() + 22));
    EXPECT_EQ(get16(&(*reply)[28]) << 16 | get16(&(*reply)[30]), host_address);
    EXPECT_EQ(device->statistics().transmitted_frames, 1u);
    EXPECT_GE(device->statistics().received_frames, 1u);
    EXPECT_EQ(device->statistics().transmit_drops, 0u);
}

TEST_F(NetTapTest, TheHostCompletesAChecksumTheGuestLeftToIt) {
    std::string text = "checksum left to the host";
    // Without the request, the pseudo-header sum alone is a wrong checksum: dropped by the host.
    uint16_t partial = udp_pseudo_header_sum(8 + text.size());
    send(udp_to_host(host.tap_mac, "unchecked " + text, udp_pseudo_header_sum(18 + text.size())));
    abi::VirtioNetHeader offload{};
    offload.flags = abi::virtio_net_needs_checksum;
    offload.checksum_start = 34;
    offload.checksum_offset = 6;
    send(udp_to_host(host.tap_mac, text, partial), offload);
    char buffer[256];
    ssize_t n = ::recv(host.udp, buffer, sizeof buffer, 0);
    ASSERT_GT(n, 0) << std::strerror(errno);
    EXPECT_EQ(std::string(buffer, static_cast<size_t>(n)), text);
    EXPECT_EQ(device->statistics().transmitted_frames, 2u);
}

TEST_F(NetTapTest, AHostDatagramReachesTheReceiveRing) {
    std::string text = "from the host";
    auto guest = ipv4(guest_address, guest_port);
    ASSERT_EQ(::sendto(host.udp, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&guest),
                       sizeof guest),
              ssize_t(text.size()));
    auto frame = receive([](const std::vector<uint8_t>& frame) {
        return frame.size() >= 42 && get16(&frame[12]) == 0x0800 && frame[23] == 17;
    });
    ASSERT_TRUE(frame) << "the datagram never reached the ring";
    EXPECT_TRUE(std::equal(guest_mac.begin(), guest_mac.end(), frame->begin()));
    EXPECT_EQ(get16(&(*frame)[36]), guest_port);
    ASSERT_GE(frame->size(), 42 + text.size());
    EXPECT_EQ(std::string(frame->begin() + 42, frame->begin() + 42 + text.size()), text);
    EXPECT_EQ(device->network_info().mtu, uint32_t(tap_mtu)); // asked of the tap itself
}

TEST_F(NetTapTest, TheHostCutsAGuestsSegmentAndCoalescesItsOwn) {
    ASSERT_TRUE(device->coalesces()) << "the tap refused TSO offloads";
    // The handshake, by hand.
    auto [syn, syn_header] = tcp_to_host(host.tap_mac, 1000, 0, tcp_syn, {});
    send(syn, syn_header);
    auto syn_ack = receive([](const std::vector<uint8_t>& frame) {
        return is_tcp_from_host(frame) && (frame[47] & (tcp_syn | tcp_ack)) == (tcp_syn | tcp_ack);
    });
    ASSERT_TRUE(syn_ack) << "no SYN-ACK from the host";
    uint32_t host_sequence = get32(&(*syn_ack)[38]) + 1;
    auto [ack, ack_header] = tcp_to_host(host.tap_mac, 1001, host_sequence, tcp_ack, {});
    send(ack, ack_header);
    int connection = ::accept4(host.listener, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(connection, 0) << std::strerror(errno);
    timeval patience{2, 0};
    ::setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);

    // 30,000 bytes in one frame across 15 slots, cut by the host into segments of its MSS.
    std::vector<uint8_t> payload(30000);
    for (size_t i = 0; i < payload.size(); ++i)
        payload[i] = static_cast<uint8_t>(i * 31 + i / 251);
    auto [segment, segment_header] =
        tcp_to_host(host.tap_mac, 1001, host_sequence, tcp_ack | tcp_push, payload);
    segment_header.gso_type = abi::virtio_net_gso_tcpv4;
    segment_header.gso_size = tap_mtu - 40;
    segment_header.header_length = 54;
    send(segment, segment_header);
    std::vector<uint8_t> arrived;
    char buffer[65536];
    while (arrived.size() < payload.size()) {
        ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
        ASSERT_GT(n, 0) << "after " << arrived.size() << " bytes: " << std::strerror(errno);
        arrived.insert(arrived.end(), buffer, buffer + n);
    }
    EXPECT_EQ(arrived, payload);
    EXPECT_EQ(device->statistics().transmitted_segments, 1u);

    // The host's answer: more than an MTU in one frame, spanning slots.
    std::vector<uint8_t> answer(20000, 0x5a);
    ASSERT_EQ(::send(connection, answer.data(), answer.size(), 0), ssize_t(answer.size()));
    abi::VirtioNetHeader header{};
    auto coalesced = receive(
        [](const std::vector<uint8_t>& frame) {
            return is_tcp_from_host(frame) && frame.size() > 14 + size_t(tap_mtu);
        },
        &header);
    ::close(connection);
    ASSERT_TRUE(coalesced) << "no frame longer than the MTU";
    EXPECT_EQ(header.gso_type, abi::virtio_net_gso_tcpv4);
    EXPECT_GT(header.buffer_count, 1);
    EXPECT_EQ(header.gso_size, tap_mtu - 40);
    EXPECT_EQ(get32(&(*coalesced)[38]), host_sequence);
    size_t data_at = 34 + ((*coalesced)[46] >> 4) * 4;
    EXPECT_TRUE(std::all_of(coalesced->begin() + data_at, coalesced->end(),
                            [](uint8_t byte) { return byte == 0x5a; }));
    EXPECT_GE(device->statistics().received_coalesced, 1u);
}

} // namespace
} // namespace ingot
