#include "lib/utility.h"
#include "net/dhcp_client.h"
#include "net/icmp.h"
#include "net/icmpv6.h"
#include "net/ipv4.h"
#include "net/ipv6.h"
#include "net/link.h"
#include "net/stack.h"
#include "net/tcp/tcp_layer.h"
#include "net/udp/udp_layer.h"

namespace kernel::net {

namespace {

// Frames taken per poll(): enough to drain a ring, few enough that timers and other threads
// are not starved under a flood.
constexpr size_t receive_budget = 256;

uint64_t earliest(uint64_t a, uint64_t b) {
    if (a == 0)
        return b;
    if (b == 0)
        return a;
    return min(a, b);
}

} // namespace

struct NetworkStack::State final : FrameReceiver,
                                   TransportInput,
                                   Ipv6TransportInput,
                                   IcmpErrorSink,
                                   Icmpv6ErrorSink,
                                   DhcpHost {
    State(NetDevice& device, const Environment& environment)
        : device(device), environment(environment), link(device, this->environment, statistics),
          ip(link, this->environment, statistics), icmp(ip, this->environment, statistics, *this),
          ip6(link, this->environment, statistics), icmp6(ip6, this->environment, statistics),
          udp(ip, icmp, ip6, icmp6, this->environment, statistics), tcp(ip, ip6, this->environment),
          dhcp(*this, this->environment, device.mac_address()) {
        ip.set_transport_input(this);
        ip6.set_transport_input(this);
        icmp6.set_error_sink(this);
    }

    void receive_frame(const uint8_t* frame, size_t length, bool checksum_verified) override {
        link.receive_frame(frame, length, checksum_verified);
    }

    void receive_datagram(const Ipv4Datagram& datagram) override {
        switch (datagram.header.protocol) {
        case ip_protocol::icmp:
            icmp.receive(datagram);
            return;
        case ip_protocol::udp:
            udp.receive(datagram);
            return;
        case ip_protocol::tcp:
            // TCP never answers broadcasts, nor the wire before we have an address.
            if (datagram.link_broadcast || (ip.local_address().is_any() && !datagram.local)) {
                ++statistics.dropped_not_for_us;
                return;
            }
            tcp.receive(datagram.header.source, datagram.header.destination, datagram.payload,
                        datagram.payload_length, datagram.checksum_verified);
            return;
        default:
            ++statistics.dropped_not_for_us;
            return;
        }
    }

    bool receive_datagram6(const Ipv6Datagram& datagram) override {
        switch (datagram.protocol) {
        case ip_protocol::udp:
            udp.receive6(datagram);
            return true;
        case ip_protocol::tcp: {
            // TCP never answers a group; nor IPv4-mapped addresses on the wire, which would
            // pass for IPv4 (RFC 4291 2.5.5.2; Linux's tcp_v6_rcv drops them too).
            IpAddress source(datagram.header.source), destination(datagram.header.destination);
            if (datagram.multicast || source.is_v4() || destination.is_v4()) {
                ++statistics.dropped_not_for_us;
                return true;
            }
            tcp.receive(source, destination, datagram.payload, datagram.payload_length,
                        datagram.checksum_verified);
            return true;
        }
        default:
            return false;
        }
    }

    void receive_icmp_error(uint8_t protocol, Ipv4Address, Ipv4Address remote,
                            const uint8_t* quoted, size_t length, int error,
                            size_t next_hop_mtu) override {
        if (protocol == ip_protocol::tcp)
            tcp.receive_icmp_error(remote, quoted, length, error, next_hop_mtu);
        else if (protocol == ip_protocol::udp)
            udp.receive_icmp_error(remote, quoted, length, error, next_hop_mtu);
    }

    void receive_icmp6_error(uint8_t protocol, const Ipv6Address& remote, const uint8_t* quoted,
                             size_t length, int error, size_t mtu) override {
        if (protocol == ip_protocol::tcp)
            tcp.receive_icmp_error(remote, quoted, length, error, mtu);
        else if (protocol == ip_protocol::udp)
            udp.receive_icmp_error(remote, quoted, length, error, mtu);
    }

    void send_dhcp(Ipv4Address source, Ipv4Address destination, const uint8_t* message,
                   size_t length) override {
        (void)udp.send({source, dhcp_client_port}, {destination, dhcp_server_port}, message,
                       length);
    }

    void dhcp_bound(const DhcpLease& lease) override {
        InterfaceConfig bound = config;
        bound.address = lease.address;
        bound.prefix_length = lease.prefix_length;
        bound.gateway = lease.router;
        bound.dns = lease.dns_server;
        apply(bound);
        configured = true;
    }

    void dhcp_lost() override {
        InterfaceConfig unbound = config;
        unbound.address = {};
        apply(unbound);
        configured = false;
    }

    void apply(const InterfaceConfig& applied) {
        bool address_changed = applied.address != config.address;
        config = applied;
        ip.set_config(config);
        if (address_changed)
            link.announce();
    }

    NetDevice& device;
    Environment environment;
    StackStatistics statistics;
    EthernetLink link;
    Ipv4Layer ip;
    IcmpLayer icmp;
    Ipv6Layer ip6;
    Icmpv6Layer icmp6;
    UdpLayer udp;
    TcpLayer tcp;
    DhcpClient dhcp;
    InterfaceConfig config;
    bool configured = false;
};

NetworkStack::NetworkStack(NetDevice& device, const Environment& environment)
    : m_state(new State(device, environment)) {}

NetworkStack::~NetworkStack() {
    delete m_state;
}

void NetworkStack::configure(const InterfaceConfig& config) {
    State& state = *m_state;
    state.udp.set_port_receiver(0, nullptr);
    state.dhcp.stop();
    state.ip6.configure(config);
    if (config.use_dhcp) {
        InterfaceConfig unbound = config;
        unbound.address = {};
        state.apply(unbound);
        state.configured = false;
        state.udp.set_port_receiver(dhcp_client_port, &state.dhcp);
        state.dhcp.start();
    } else {
        state.apply(config);
        state.configured = !config.address.is_any();
    }
    poll();
}

bool NetworkStack::is_configured() const {
    return m_state->configured;
}

const InterfaceConfig& NetworkStack::config() const {
    return m_state->config;
}

void NetworkStack::poll() {
    State& state = *m_state;
    size_t taken = 0;
    while (taken < receive_budget && state.device.has_received()) {
        size_t received = state.device.receive(state, receive_budget - taken);
        if (received == 0)
            break;
        taken += received;
    }
    state.ip.deliver_local();
    state.ip6.deliver_local();
    uint64_t now = state.environment.now_ns();
    state.link.run_timers(now);
    state.ip.run_timers(now);
    state.ip6.run_timers(now);
    state.dhcp.run_timers(now);
    state.tcp.run_timers();
    if (state.link.take_transmitted())
        state.device.flush();
}

bool NetworkStack::has_undelivered_output() const {
    State& state = *m_state;
    return state.tcp.has_undelivered_output() || state.link.has_pending_output() ||
           state.ip6.has_pending_output() || state.device.is_transmitting();
}

bool NetworkStack::device_is_transmitting() const {
    return m_state->device.is_transmitting();
}

uint64_t NetworkStack::next_deadline_ns() const {
    State& state = *m_state;
    // Datagrams we sent ourselves arrive at the next poll, which is due now.
    if (state.ip.has_local() || state.ip6.has_local())
        return state.environment.now_ns();
    uint64_t deadline = earliest(state.link.next_deadline_ns(), state.ip.next_deadline_ns());
    deadline = earliest(deadline, state.dhcp.next_deadline_ns());
    deadline = earliest(deadline, state.ip6.next_deadline_ns());
    return earliest(deadline, state.tcp.next_deadline_ns());
}

TcpSocket* NetworkStack::create_tcp_socket(bool ipv6) {
    return m_state->tcp.create_socket(ipv6);
}

UdpSocket* NetworkStack::create_udp_socket(bool ipv6) {
    return m_state->udp.create_socket(ipv6);
}

bool NetworkStack::ipv6_address_at(size_t index, Ipv6Address& address, uint8_t& prefix_length,
                                   bool& tentative) const {
    return m_state->ip6.address_at(index, address, prefix_length, tentative);
}

Ipv6Address NetworkStack::ipv6_default_router() const {
    return m_state->ip6.default_router();
}

const NetDevice& NetworkStack::device() const {
    return m_state->device;
}

const StackStatistics& NetworkStack::statistics() const {
    return m_state->statistics;
}

const TcpStatistics& NetworkStack::tcp_statistics() const {
    return m_state->tcp.statistics();
}

void NetworkStack::list_neighbours(int index, interfaces::NeighbourVisitor& visitor) const {
    struct Context {
        int index;
        interfaces::NeighbourVisitor& visitor;
    } context{index, visitor};
    m_state->link.list_neighbours(
        [](void* opaque, Ipv4Address address, const MacAddress& mac, bool resolved) {
            auto& context = *static_cast<Context*>(opaque);
            interfaces::Neighbour neighbour{context.index, {}, mac, resolved};
            store_be32(neighbour.address, address.value);
            context.visitor.visit(neighbour);
        },
        &context);
}

void NetworkStack::list_sockets(bool tcp, SocketVisitor& visitor) {
    if (tcp)
        m_state->tcp.list(visitor);
    else
        m_state->udp.list(visitor);
}

} // namespace kernel::net
