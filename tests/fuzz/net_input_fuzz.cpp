// libFuzzer target: arbitrary frames into a configured NetworkStack with bound UDP sockets, a
// dual-stack TCP listener that echoes what its connections send, an IPv6 TCP client, and a
// static IPv6 address beside the link-local one.
// Nothing may crash, hang, read out of bounds or leak, whatever arrives.
//
// Input: a mode byte (bit 0: configure by DHCP rather than statically, so that hostile DHCP
// replies reach the client), then records of [control byte][16-bit big-endian length][frame],
// the last record's frame running to the end of the input when the length says more than is
// left. Control bit 0: the
// device vouches for the transport checksum; bits 1-7: milliseconds x 64 to advance the clock
// before the frame (so that ARP, reassembly and ICMP rate-limit timers fire).
#include "lib/errno.h"
#include "net/environment.h"
#include "net/net_device.h"
#include "net/socket.h"
#include "net/stack.h"

#include <stddef.h>
#include <stdint.h>

namespace {

using namespace kernel::net;

uint64_t fake_now = 0;
uint32_t random_state = 0;

uint64_t now_ns() {
    return fake_now;
}

void fill_random(void* data, size_t length) {
    auto* bytes = static_cast<uint8_t*>(data);
    for (size_t i = 0; i < length; ++i) {
        random_state = random_state * 1103515245u + 12345u;
        bytes[i] = static_cast<uint8_t>(random_state >> 16);
    }
}

class FuzzDevice final : public NetDevice {
public:
    MacAddress mac_address() const override { return {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}}; }
    size_t mtu() const override { return 1500; }
    bool offers_checksum_offload() const override { return false; }
    size_t tcp_segmentation_limit(IpVersion) const override { return mtu(); }
    bool transmit(const TransmitFragment* fragments, size_t count,
                  const ChecksumRequest*) override {
        // Touch every byte, so the sanitizers see the stack hand out only valid memory.
        for (size_t i = 0; i < count; ++i)
            for (size_t j = 0; j < fragments[i].length; ++j)
                checksum += static_cast<const uint8_t*>(fragments[i].data)[j];
        return ++queued % 64 != 0; // now and then a full ring
    }
    void flush() override {}
    bool is_transmitting() override { return false; }
    size_t receive(FrameReceiver& receiver, size_t budget) override {
        if (!pending || budget == 0)
            return 0;
        pending = false;
        receiver.receive_frame(frame, length, verified);
        return 1;
    }
    bool has_received() const override { return pending; }

    const uint8_t* frame = nullptr;
    size_t length = 0;
    bool verified = false;
    bool pending = false;
    uint64_t queued = 0;
    uint32_t checksum = 0;
};

void drain(UdpSocket& socket) {
    uint8_t buffer[2048];
    while (!socket.receive_from(buffer, sizeof buffer, false).is_error()) {
    }
    (void)socket.take_error();
}

// The TCP server side: accepts up to a few connections and echoes what each has received.
struct TcpEcho {
    static constexpr size_t max_connections = 4;
    TcpSocket* listener = nullptr;
    TcpSocket* connections[max_connections] = {};

    void serve() {
        for (auto*& connection : connections) {
            if (!connection) {
                auto accepted = listener->accept();
                if (accepted.is_error())
                    continue;
                connection = accepted.value();
            }
            uint8_t buffer[2048];
            auto received = connection->receive(buffer, sizeof buffer, false);
            if (!received.is_error() && received.value() > 0)
                (void)connection->send(buffer, received.value());
        }
    }
    void close() {
        for (TcpSocket* connection : connections)
            if (connection)
                connection->close();
        listener->close();
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fake_now = 1'000'000'000'000;
    random_state = 1;
    FuzzDevice device;
    Environment environment{now_ns, fill_random};
    auto* stack = new NetworkStack(device, environment);
    InterfaceConfig config;
    config.address = Ipv4Address::from_octets(10, 0, 2, 15);
    config.prefix_length = 24;
    config.gateway = Ipv4Address::from_octets(10, 0, 2, 1);
    config.use_dhcp = size > 0 && (data[0] & 1);
    // 2001:db8::15/64, which duplicate address detection makes usable a second in.
    config.address6.bytes[0] = 0x20;
    config.address6.bytes[1] = 0x01;
    config.address6.bytes[2] = 0x0d;
    config.address6.bytes[3] = 0xb8;
    config.address6.bytes[15] = 0x15;
    config.prefix_length6 = 64;
    stack->configure(config);

    // A dual-stack listener, so that datagrams of both families reach it and its answers take
    // both send paths; connected sockets of both families hear ICMP and ICMPv6 errors.
    UdpSocket* listener = stack->create_udp_socket(true);
    (void)listener->bind({Ipv6Address::any(), 7});
    UdpSocket* connected = stack->create_udp_socket();
    (void)connected->connect({Ipv4Address::from_octets(10, 0, 2, 2), 53});
    Ipv6Address peer6 = config.address6;
    peer6.bytes[15] = 0x02;
    UdpSocket* connected6 = stack->create_udp_socket(true);
    (void)connected6->connect({peer6, 53});
    listener->options().receive_buffer = 4096;
    TcpEcho tcp;
    tcp.listener = stack->create_tcp_socket(true);
    tcp.listener->options().fastopen_queue = 4; // SYNs with cookies and data reach Fast Open
    (void)tcp.listener->bind({Ipv6Address::any(), 80});
    (void)tcp.listener->listen(8);
    // Sends its SYN once duplicate address detection has made our address usable.
    TcpSocket* client6 = stack->create_tcp_socket(true);
    bool client6_started = false;

    size_t at = 1;
    while (at < size) {
        uint8_t control = data[at++];
        size_t length = 0;
        if (at + 2 <= size) {
            length = (size_t(data[at]) << 8) | data[at + 1];
            at += 2;
        }
        if (length > size - at)
            length = size - at;
        fake_now += uint64_t(control >> 1) * 64'000'000;
        // A heap copy of exactly the frame, so that reads past its end are caught.
        auto* frame = new uint8_t[length ? length : 1];
        for (size_t i = 0; i < length; ++i)
            frame[i] = data[at + i];
        device.frame = frame;
        device.length = length;
        device.verified = control & 1;
        device.pending = true;
        stack->poll();
        delete[] frame;
        at += length;
        // Answer what arrived, as a server would, so the send paths run too.
        uint8_t buffer[2048];
        auto received = listener->receive_from(buffer, sizeof buffer, true);
        if (!received.is_error())
            (void)listener->send_to(buffer, received.value().copied, &received.value().from);
        tcp.serve();
        if (!client6_started) {
            auto connecting = client6->connect({peer6, 80});
            client6_started =
                connecting.is_error() && connecting.error().code() == kernel::EINPROGRESS;
        }
    }
    fake_now += 60'000'000'000;
    stack->poll();
    drain(*listener);
    drain(*connected);
    drain(*connected6);
    listener->close();
    connected->close();
    connected6->close();
    tcp.close();
    client6->close();
    fake_now += 600'000'000'000; // past every linger and TIME_WAIT
    stack->poll();
    delete stack;
    return 0;
}
