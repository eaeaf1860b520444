#include "net/udp/udp_layer.h"

#include "lib/errno.h"
#include "net/binding.h"
#include "net/byte_order.h"
#include "net/checksum.h"
#include "net/path_mtu.h"

namespace kernel::net {

namespace {

Binding binding_of(const DatagramSocket& socket, const IpAddress& address) {
    return {address, socket.is_ipv6(), socket.options().v6_only};
}

uint32_t flow_hash(const IpEndpoint& from) {
    uint32_t hash = 0;
    for (uint8_t byte : from.address.v6.bytes)
        hash = (hash ^ byte) * 0x9e3779b1u;
    return hash ^ (uint32_t(from.port) * 0x85ebca6bu);
}

// Writes the UDP header; its checksum is the pseudo-header sum for the device to complete
// when `offloaded`, else the whole checksum.
void write_header(uint8_t* header, uint16_t source_port, uint16_t destination_port, uint16_t total,
                  uint32_t pseudo, const TransmitFragment* fragments, bool offloaded) {
    store_be16(header, source_port);
    store_be16(header + 2, destination_port);
    store_be16(header + 4, total);
    if (offloaded) {
        store_be16(header + 6, fold_checksum(pseudo));
        return;
    }
    store_be16(header + 6, 0);
    ChecksumAccumulator sum(pseudo);
    sum.add(fragments, 2);
    uint16_t checksum = sum.checksum();
    // Zero on the wire means "no checksum" (which IPv6 forbids); its ones' complement twin
    // stands in for it (RFC 768, RFC 8200 8.1).
    store_be16(header + 6, checksum == 0 ? 0xffff : checksum);
}

} // namespace

UdpLayer::UdpLayer(Ipv4Layer& ip, IcmpLayer& icmp, Ipv6Layer& ip6, Icmpv6Layer& icmp6,
                   const Environment& environment, StackStatistics& statistics)
    : m_ip(ip), m_icmp(icmp), m_ip6(ip6), m_icmp6(icmp6), m_environment(environment),
      m_statistics(statistics) {}

UdpLayer::~UdpLayer() {
    // Sockets the program still holds outlive the stack only as empty shells.
    while (DatagramSocket* socket = m_sockets.take_first())
        socket->detach();
}

UdpSocket* UdpLayer::create_socket(bool ipv6) {
    auto* socket = new DatagramSocket(*this, ipv6);
    if (!socket)
        return nullptr;
    m_sockets.append(*socket);
    return socket;
}

void UdpLayer::forget(DatagramSocket& socket) {
    SocketList::remove(socket);
}

void UdpLayer::set_port_receiver(uint16_t port, DatagramReceiver* receiver) {
    m_port_receiver_port = port;
    m_port_receiver = receiver;
}

bool UdpLayer::conflicts(const DatagramSocket& socket, const IpEndpoint& local) const {
    for (auto& other : m_sockets) {
        if (&other == &socket || !other.is_bound() || other.local_endpoint().port != local.port)
            continue;
        if (!binding_of(other, other.local_endpoint().address)
                 .overlaps(binding_of(socket, local.address)))
            continue;
        auto& mine = socket.options();
        auto& theirs = other.options();
        bool shared =
            (mine.reuse_port && theirs.reuse_port) || (mine.reuse_address && theirs.reuse_address);
        if (!shared)
            return true;
    }
    return false;
}

bool UdpLayer::port_in_use(uint16_t port) const {
    for (auto& socket : m_sockets)
        if (socket.is_bound() && socket.local_endpoint().port == port)
            return true;
    return port == m_port_receiver_port && m_port_receiver;
}

ErrorOr<IpEndpoint> UdpLayer::claim(DatagramSocket& socket, const IpEndpoint& local) {
    if (!local.address.is_any()) {
        if (local.address.is_v4()) {
            Ipv4Address address = local.address.v4();
            if (!m_ip.is_local(address) && !m_ip.is_broadcast(address))
                return EADDRNOTAVAIL;
        } else if (!m_ip6.is_local(local.address.v6)) {
            return EADDRNOTAVAIL;
        }
    }
    if (local.port != 0) {
        if (conflicts(socket, local))
            return EADDRINUSE;
        return local;
    }
    constexpr uint32_t range = uint32_t(ephemeral_last) - ephemeral_first + 1;
    uint32_t start = 0;
    m_environment.fill_random(&start, sizeof start);
    for (uint32_t i = 0; i < range; ++i) {
        auto port = static_cast<uint16_t>(ephemeral_first + (start + i) % range);
        if (!port_in_use(port))
            return IpEndpoint{local.address, port};
    }
    return EADDRINUSE;
}

// Higher is more specific: a connected socket before one bound to the destination before a
// wildcard, and at each rank an AF_INET socket before a dual-stack one for IPv4, as Linux's
// compute_score has it.
int UdpLayer::match_score(DatagramSocket& socket, const Arrival& arrival) const {
    IpEndpoint local = socket.local_endpoint();
    bool ipv4 = arrival.from.address.is_v4();
    if (!socket.is_bound() || local.port != arrival.port || !socket.takes(ipv4))
        return -1;
    int score = ipv4 && socket.is_ipv6() ? 0 : 1;
    if (!local.address.is_any()) {
        if (local.address != arrival.destination)
            return -1;
        score += 2;
    }
    if (socket.is_connected()) {
        if (socket.remote() != arrival.from)
            return -1;
        score += 4;
    }
    return score;
}

bool UdpLayer::deliver(const Arrival& arrival) {
    if (arrival.to_group) {
        bool delivered = false;
        for (auto& socket : m_sockets) {
            if (match_score(socket, arrival) < 0)
                continue;
            delivered = true;
            if (!socket.deliver(arrival.from, arrival.payload, arrival.length))
                ++m_statistics.udp_receive_buffer_full;
        }
        return delivered;
    }
    int best_score = -1;
    size_t best_count = 0;
    for (auto& socket : m_sockets) {
        int score = match_score(socket, arrival);
        if (score > best_score) {
            best_score = score;
            best_count = 1;
        } else if (score == best_score && score >= 0) {
            ++best_count;
        }
    }
    if (best_score < 0)
        return false;
    size_t chosen = flow_hash(arrival.from) % best_count;
    for (auto& socket : m_sockets) {
        if (match_score(socket, arrival) != best_score)
            continue;
        if (chosen-- == 0) {
            if (!socket.deliver(arrival.from, arrival.payload, arrival.length))
                ++m_statistics.udp_receive_buffer_full;
            break;
        }
    }
    return true;
}

void UdpLayer::receive(const Ipv4Datagram& datagram) {
    const uint8_t* header = datagram.payload;
    if (datagram.payload_length < udp_header_length) {
        ++m_statistics.dropped_malformed;
        return;
    }
    size_t length = load_be16(header + 4);
    if (length < udp_header_length || length > datagram.payload_length) {
        ++m_statistics.dropped_malformed;
        return;
    }
    // Zero: the sender computed no checksum (RFC 768).
    if (load_be16(header + 6) != 0 && !datagram.checksum_verified) {
        ChecksumAccumulator sum(pseudo_header_sum(datagram.header.source,
                                                  datagram.header.destination, ip_protocol::udp,
                                                  static_cast<uint16_t>(length)));
        sum.add(header, length);
        if (sum.checksum() != 0) {
            ++m_statistics.dropped_bad_checksum;
            return;
        }
    }
    Ipv4Endpoint from{datagram.header.source, load_be16(header)};
    uint16_t port = load_be16(header + 2);
    const uint8_t* payload = header + udp_header_length;
    size_t payload_length = length - udp_header_length;

    if (m_port_receiver && port == m_port_receiver_port) {
        m_port_receiver->receive_udp(from, payload, payload_length);
        return;
    }
    // Before DHCP binds, unicast that is not DHCP's is not ours either.
    if (m_ip.local_address().is_any() && !datagram.link_broadcast && !datagram.local) {
        ++m_statistics.dropped_not_for_us;
        return;
    }
    Arrival arrival{from,           datagram.header.destination, port, payload,
                    payload_length, datagram.link_broadcast};
    if (deliver(arrival))
        return;
    ++m_statistics.udp_no_port;
    if (!arrival.to_group)
        m_icmp.send_port_unreachable(datagram);
}

void UdpLayer::receive6(const Ipv6Datagram& datagram) {
    const uint8_t* header = datagram.payload;
    if (datagram.payload_length < udp_header_length) {
        ++m_statistics.dropped_malformed;
        return;
    }
    size_t length = load_be16(header + 4);
    // An IPv4-mapped source would pass for an IPv4 peer (RFC 4291 2.5.5.2: such addresses are
    // never on the wire).
    if (length < udp_header_length || length > datagram.payload_length ||
        IpAddress(datagram.header.source).is_v4()) {
        ++m_statistics.dropped_malformed;
        return;
    }
    // RFC 8200 8.1: over IPv6 the checksum is mandatory, and a zero one is discarded.
    if (load_be16(header + 6) == 0) {
        ++m_statistics.dropped_bad_checksum;
        return;
    }
    if (!datagram.checksum_verified) {
        ChecksumAccumulator sum(ipv6_pseudo_header_sum(datagram.header.source,
                                                       datagram.header.destination,
                                                       ip_protocol::udp, uint32_t(length)));
        sum.add(header, length);
        if (sum.checksum() != 0) {
            ++m_statistics.dropped_bad_checksum;
            return;
        }
    }
    Arrival arrival{{datagram.header.source, load_be16(header)},
                    datagram.header.destination,
                    load_be16(header + 2),
                    header + udp_header_length,
                    length - udp_header_length,
                    datagram.multicast};
    if (deliver(arrival))
        return;
    ++m_statistics.udp_no_port;
    // RFC 4443 3.1: port unreachable, never for a multicast destination (2.4 e.3).
    if (!arrival.to_group)
        m_icmp6.send_error(icmpv6_type::destination_unreachable, icmpv6_unreachable::port, 0,
                           datagram.header, datagram.packet, datagram.packet_length);
}

void UdpLayer::receive_icmp_error(const IpAddress& remote, const uint8_t* quoted, size_t length,
                                  int error, size_t next_hop_mtu) {
    if (length < udp_header_length)
        return;
    uint16_t local_port = load_be16(quoted);
    IpEndpoint peer{remote, load_be16(quoted + 2)};
    // "Fragmentation needed" about a datagram one of our sockets sent: the path to `remote`
    // is smaller (IPv6's packet-too-big was recorded by its layer already).
    if (error == EMSGSIZE && remote.is_v4() && port_in_use(local_port))
        m_ip.learn_path_mtu(remote.v4(), next_hop_mtu);
    // Like Linux without IP_RECVERR: only connected sockets hear of errors.
    for (auto& socket : m_sockets)
        if (socket.is_connected() && socket.local_endpoint().port == local_port &&
            socket.remote() == peer)
            socket.report_error(error);
}

ErrorOr<void> UdpLayer::send(const IpEndpoint& source, const IpEndpoint& destination,
                             const void* data, size_t length, const SocketOptions& options) {
    if (!destination.address.is_v4())
        return send6(source, destination, data, length, options);
    if (length > udp_max_payload)
        return EMSGSIZE;
    Ipv4Address destination_address = destination.address.v4();
    Ipv4Address source_address = source.address.is_v4() ? source.address.v4() : Ipv4Address::any();
    if (source_address.is_any() || m_ip.is_broadcast(source_address))
        source_address = m_ip.source_for(destination_address);
    auto total = static_cast<uint16_t>(udp_header_length + length);
    uint8_t header[udp_header_length];
    TransmitFragment fragments[2] = {{header, sizeof header}, {data, length}};
    bool offloaded = m_ip.offers_checksum_offload();
    write_header(header, source.port, destination.port, total,
                 pseudo_header_sum(source_address, destination_address, ip_protocol::udp, total),
                 fragments, offloaded);
    TransportChecksum offload{6};
    MtuDiscovery discovery = options.mtu_discovery;
    // WANT sets DF on what fits, unless the path is locked (ip_dont_fragment).
    PathMtu path = m_ip.path_to(destination_address);
    bool fits = ipv4_header_length + size_t(total) <= path.mtu;
    bool dont_fragment = discovery == MtuDiscovery::do_ || discovery == MtuDiscovery::probe ||
                         (discovery == MtuDiscovery::want && fits && !path.locked);
    TRY(m_ip.send_datagram(source_address, destination_address, ip_protocol::udp, fragments,
                           length ? 2 : 1, offloaded ? &offload : nullptr, dont_fragment, &path));
    return {};
}

void UdpLayer::list(SocketVisitor& visitor) {
    for (DatagramSocket& socket : m_sockets) {
        if (!socket.is_bound())
            continue;
        SocketListing listing;
        listing.ipv6 = socket.is_ipv6();
        listing.local = socket.local_endpoint();
        constexpr uint8_t tcp_established = 1, tcp_close = 7; // as udp4_format_sock says
        listing.state = socket.is_connected() ? tcp_established : tcp_close;
        if (socket.is_connected())
            listing.remote = socket.remote();
        listing.receive_queue =
            static_cast<uint32_t>(min<size_t>(socket.readable_bytes(), 0xffffffff));
        listing.inode = socket.file_inode();
        visitor.visit(listing);
    }
}

size_t UdpLayer::path_mtu_for(const IpAddress& destination) const {
    return path_mtu_to(m_ip, m_ip6, destination);
}

ErrorOr<void> UdpLayer::send6(const IpEndpoint& source, const IpEndpoint& destination,
                              const void* data, size_t length, const SocketOptions& options) {
    const Ipv6Address& to = destination.address.v6;
    Ipv6Address from = source.address.is_any() ? m_ip6.source_for(to) : source.address.v6;
    if (from.is_any())
        return ENETUNREACH; // no address of a scope that reaches it
    if (length > udp6_max_payload)
        return EMSGSIZE;
    size_t total = udp_header_length + length;
    // PROBE measures against the interface, not what the path is known to carry (loopback's
    // is its own, larger).
    MtuDiscovery discovery = options.v6_mtu_discovery;
    bool refused = options.v6_dont_fragment || discovery == MtuDiscovery::do_ ||
                   discovery == MtuDiscovery::probe;
    size_t limit = m_ip6.mtu_for(to);
    if (discovery == MtuDiscovery::probe)
        limit = max(limit, m_ip6.link_mtu());
    // IPV6_MTU bounds it after PROBE widened it (ip6_setup_cork).
    if (options.v6_largest_fragment)
        limit = min<size_t>(limit, options.v6_largest_fragment);
    if (refused && ipv6_header_length + total > limit)
        return EMSGSIZE;
    uint8_t header[udp_header_length];
    TransmitFragment fragments[2] = {{header, sizeof header}, {data, length}};
    bool offloaded = m_ip6.offers_checksum_offload();
    write_header(header, source.port, destination.port, static_cast<uint16_t>(total),
                 ipv6_pseudo_header_sum(from, to, ip_protocol::udp, uint32_t(total)), fragments,
                 offloaded);
    TransportChecksum offload{6};
    TRY(m_ip6.send_datagram(from, to, ip_protocol::udp, fragments, length ? 2 : 1,
                            offloaded ? &offload : nullptr, 0, false, options.v6_largest_fragment));
    return {};
}

} // namespace kernel::net
