#include "net/udp/udp_layer.h"

#include "lib/errno.h"
#include "net/byte_order.h"
#include "net/checksum.h"

namespace kernel::net {

namespace {

bool addresses_overlap(Ipv4Address a, Ipv4Address b) {
    return a.is_any() || b.is_any() || a == b;
}

uint32_t flow_hash(Ipv4Endpoint from) {
    uint32_t hash = from.address.value * 0x9e3779b1u;
    return hash ^ (uint32_t(from.port) * 0x85ebca6bu);
}

} // namespace

UdpLayer::UdpLayer(Ipv4Layer& ip, IcmpLayer& icmp, const Environment& environment,
                   StackStatistics& statistics)
    : m_ip(ip), m_icmp(icmp), m_environment(environment), m_statistics(statistics) {}

UdpLayer::~UdpLayer() {
    // Sockets the program still holds outlive the stack only as empty shells.
    while (DatagramSocket* socket = m_sockets.take_first())
        socket->detach();
}

UdpSocket* UdpLayer::create_socket() {
    auto* socket = new DatagramSocket(*this);
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

bool UdpLayer::conflicts(const DatagramSocket& socket, Ipv4Endpoint local) const {
    for (auto& other : m_sockets) {
        if (&other == &socket || !other.is_bound() || other.local_endpoint().port != local.port)
            continue;
        if (!addresses_overlap(other.local_endpoint().address, local.address))
            continue;
        auto& mine = const_cast<DatagramSocket&>(socket).options();
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

ErrorOr<Ipv4Endpoint> UdpLayer::claim(DatagramSocket& socket, Ipv4Endpoint local) {
    if (!local.address.is_any() && !m_ip.is_local(local.address) &&
        !m_ip.is_broadcast(local.address))
        return EADDRNOTAVAIL;
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
            return Ipv4Endpoint{local.address, port};
    }
    return EADDRINUSE;
}

int UdpLayer::match_score(DatagramSocket& socket, const Ipv4Datagram& datagram, Ipv4Endpoint from,
                          uint16_t port) const {
    Ipv4Endpoint local = socket.local_endpoint();
    if (!socket.is_bound() || local.port != port)
        return -1;
    int score = 0;
    if (!local.address.is_any()) {
        if (local.address != datagram.header.destination)
            return -1;
        score += 1;
    }
    if (socket.is_connected()) {
        if (socket.remote() != from)
            return -1;
        score += 2;
    }
    return score;
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
    if (datagram.link_broadcast) {
        bool delivered = false;
        for (auto& socket : m_sockets) {
            if (match_score(socket, datagram, from, port) < 0)
                continue;
            delivered = true;
            if (!socket.deliver(from, payload, payload_length))
                ++m_statistics.udp_receive_buffer_full;
        }
        if (!delivered)
            ++m_statistics.udp_no_port;
        return;
    }
    int best_score = -1;
    size_t best_count = 0;
    for (auto& socket : m_sockets) {
        int score = match_score(socket, datagram, from, port);
        if (score > best_score) {
            best_score = score;
            best_count = 1;
        } else if (score == best_score && score >= 0) {
            ++best_count;
        }
    }
    if (best_score < 0) {
        ++m_statistics.udp_no_port;
        m_icmp.send_port_unreachable(datagram);
        return;
    }
    size_t chosen = flow_hash(from) % best_count;
    for (auto& socket : m_sockets) {
        if (match_score(socket, datagram, from, port) != best_score)
            continue;
        if (chosen-- == 0) {
            if (!socket.deliver(from, payload, payload_length))
                ++m_statistics.udp_receive_buffer_full;
            return;
        }
    }
}

void UdpLayer::receive_icmp_error(Ipv4Address remote, const uint8_t* quoted, size_t length,
                                  int error) {
    if (length < udp_header_length)
        return;
    uint16_t local_port = load_be16(quoted);
    Ipv4Endpoint peer{remote, load_be16(quoted + 2)};
    // Like Linux without IP_RECVERR: only connected sockets hear of errors.
    for (auto& socket : m_sockets)
        if (socket.is_connected() && socket.local_endpoint().port == local_port &&
            socket.remote() == peer)
            socket.report_error(error);
}

ErrorOr<void> UdpLayer::send(Ipv4Endpoint source, Ipv4Endpoint destination, const void* data,
                             size_t length) {
    if (length > udp_max_payload)
        return EMSGSIZE;
    Ipv4Address source_address = source.address;
    if (source_address.is_any() || m_ip.is_broadcast(source_address))
        source_address = m_ip.source_for(destination.address);
    auto total = static_cast<uint16_t>(udp_header_length + length);
    uint8_t header[udp_header_length];
    store_be16(header, source.port);
    store_be16(header + 2, destination.port);
    store_be16(header + 4, total);
    uint32_t pseudo =
        pseudo_header_sum(source_address, destination.address, ip_protocol::udp, total);
    TransmitFragment fragments[2] = {{header, sizeof header}, {data, length}};
    TransportChecksum offload{6};
    bool offloaded = m_ip.offers_checksum_offload();
    if (offloaded) {
        store_be16(header + 6, fold_checksum(pseudo));
    } else {
        store_be16(header + 6, 0);
        ChecksumAccumulator sum(pseudo);
        sum.add(fragments, 2);
        uint16_t checksum = sum.checksum();
        // Zero on the wire means "no checksum"; its ones' complement twin stands in for it.
        store_be16(header + 6, checksum == 0 ? 0xffff : checksum);
    }
    TRY(m_ip.send_datagram(source_address, destination.address, ip_protocol::udp, fragments,
                           length ? 2 : 1, offloaded ? &offload : nullptr));
    return {};
}

} // namespace kernel::net
