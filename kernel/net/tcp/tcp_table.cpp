#include "net/tcp/tcp_table.h"

#include "lib/utility.h"
#include "net/tcp/tcp_checksum.h"

namespace kernel::net::tcp {

namespace {

constexpr uint16_t ephemeral_first = 32768;
constexpr uint16_t ephemeral_last = 60999;
constexpr size_t maximum_payload_pieces = 35;

bool addresses_overlap(Ipv4Address a, Ipv4Address b) {
    return a.is_any() || b.is_any() || a == b;
}

// Whether `binder` may share `port` on `address` with the bound socket `other`.
bool may_share(const TcpConnection& binder, Ipv4Address address, const TcpConnection& other) {
    const SocketOptions& mine = binder.socket_options();
    const SocketOptions& theirs = other.socket_options();
    if (!addresses_overlap(address, other.local_endpoint().address))
        return true;
    if (mine.reuse_port && theirs.reuse_port)
        return true;
    if (other.state() == TcpState::time_wait && mine.reuse_address)
        return true;
    return mine.reuse_address && theirs.reuse_address && !other.is_listening();
}

} // namespace

TcpTable::TcpTable(IpOutput& ip, const Environment& environment)
    : m_ip(ip), m_environment(environment), m_hash_key(random32()) {}

TcpTable::~TcpTable() {
    while (TcpConnection* connection = m_connections.take_first())
        delete connection;
}

uint32_t TcpTable::random32() const {
    uint32_t value = 0;
    m_environment.fill_random(&value, sizeof value);
    return value;
}

TcpConnection* TcpTable::create_connection() {
    auto* connection = new TcpConnection(*this);
    if (connection)
        m_connections.append(*connection);
    return connection;
}

TcpTable::LookupList& TcpTable::bucket(Ipv4Address local, uint16_t local_port,
                                       Ipv4Endpoint remote) {
    uint32_t hash = (remote.address.value ^ m_hash_key) * 0x9e3779b1u;
    hash ^= ((uint32_t(remote.port) << 16) | local_port) + local.value;
    hash *= 0x85ebca6bu;
    return m_buckets[(hash >> 16) % bucket_count];
}

void TcpTable::index(TcpConnection& connection) {
    unindex(connection);
    if (connection.is_listening()) {
        m_listeners.append(connection);
        return;
    }
    Ipv4Endpoint local = connection.local_endpoint();
    bucket(local.address, local.port, connection.remote()).append(connection);
}

void TcpTable::unindex(TcpConnection& connection) {
    LookupList::remove(connection);
}

bool TcpTable::allow_challenge_ack() {
    uint64_t now = now_ns();
    if (now - m_challenge_window_start >= 1'000'000'000) {
        m_challenge_window_start = now;
        m_challenge_acks = 0;
    }
    if (m_challenge_acks >= challenge_acks_per_second)
        return false;
    ++m_challenge_acks;
    return true;
}

void TcpTable::destroy(TcpConnection& connection) {
    unindex(connection);
    IntrusiveList<TcpConnection, &TcpConnection::table_node>::remove(connection);
    delete &connection;
}

void TcpTable::reap() {
    if (!m_reap_pending)
        return;
    m_reap_pending = false;
    for (auto& connection : m_connections) {
        if (connection.is_finished())
            destroy(connection);
    }
}

ErrorOr<uint16_t> TcpTable::choose_port(const TcpConnection& binder, Ipv4Endpoint local) {
    Ipv4Address address = local.address;
    if (!address.is_any() && !address.is_loopback() && address != m_ip.local_address())
        return EADDRNOTAVAIL;
    auto port_free = [&](uint16_t port) {
        for (auto& other : m_connections) {
            if (&other == &binder || !other.is_bound() || other.local_endpoint().port != port)
                continue;
            if (other.state() == TcpState::closed && other.is_finished())
                continue;
            if (!may_share(binder, address, other))
                return false;
        }
        return true;
    };
    if (local.port != 0)
        return port_free(local.port) ? ErrorOr<uint16_t>(local.port)
                                     : ErrorOr<uint16_t>(EADDRINUSE);
    uint32_t span = ephemeral_last - ephemeral_first + 1;
    uint32_t start = random32() % span;
    for (uint32_t step = 0; step < span; ++step) {
        auto port = static_cast<uint16_t>(ephemeral_first + (start + step) % span);
        if (port_free(port))
            return port;
    }
    return EADDRINUSE;
}

ErrorOr<uint16_t> TcpTable::choose_connect_port(Ipv4Address local, Ipv4Endpoint remote) {
    uint32_t span = ephemeral_last - ephemeral_first + 1;
    uint32_t start = random32() % span;
    for (uint32_t step = 0; step < span; ++step) {
        auto port = static_cast<uint16_t>(ephemeral_first + (start + step) % span);
        bool taken = false;
        for (auto& other : m_connections) {
            if (other.is_bound() && other.local_endpoint().port == port &&
                addresses_overlap(local, other.local_endpoint().address)) {
                taken = true;
                break;
            }
        }
        if (!taken)
            return port;
    }
    return EADDRNOTAVAIL;
}

TcpConnection* TcpTable::find(Ipv4Address source, Ipv4Address destination,
                              const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    Ipv4Endpoint remote = {source, header.source_port};
    for (auto& connection : bucket(destination, header.destination_port, remote)) {
        Ipv4Endpoint local = connection.local_endpoint();
        if (local.port == header.destination_port && local.address == destination &&
            connection.remote() == remote && connection.state() != TcpState::closed)
            return &connection;
    }
    for (auto& listener : m_listeners) {
        Ipv4Endpoint local = listener.local_endpoint();
        if (local.port == header.destination_port &&
            (local.address.is_any() || local.address == destination))
            return &listener;
    }
    return nullptr;
}

void TcpTable::receive(Ipv4Address source, Ipv4Address destination, const uint8_t* data,
                       size_t length, bool checksum_verified) {
    ++m_statistics.segments_received;
    if (length < tcp_minimum_header) {
        ++m_statistics.dropped_malformed;
        return;
    }
    if (!checksum_verified && !tcp_checksum_valid(source, destination, data, length)) {
        ++m_statistics.dropped_bad_checksum;
        return;
    }
    TcpSegment segment;
    if (!parse_tcp_segment(data, length, segment) || segment.header.source_port == 0 ||
        segment.header.destination_port == 0) {
        ++m_statistics.dropped_malformed;
        return;
    }
    if (destination.is_multicast() || destination == Ipv4Address::limited_broadcast() ||
        source.is_multicast() || source.is_any()) {
        ++m_statistics.dropped_malformed;
        return;
    }
    TcpConnection* connection = find(source, destination, segment);
    if (connection && connection->yields_to_new_syn(segment))
        connection = find(source, destination, segment);
    if (!connection) {
        if (!segment.header.has(tcp_flag::rst))
            send_reset_for(source, destination, segment);
    } else if (connection->is_listening()) {
        connection->listener_input(source, destination, segment);
    } else {
        connection->input(segment);
    }
    reap();
}

void TcpTable::receive_icmp_error(Ipv4Address remote, const uint8_t* quoted, size_t length,
                                  int error, size_t next_hop_mtu) {
    if (length < 8)
        return;
    auto local_port = static_cast<uint16_t>((quoted[0] << 8) | quoted[1]);
    auto remote_port = static_cast<uint16_t>((quoted[2] << 8) | quoted[3]);
    uint32_t sequence = (uint32_t(quoted[4]) << 24) | (uint32_t(quoted[5]) << 16) |
                        (uint32_t(quoted[6]) << 8) | quoted[7];
    for (auto& connection : m_connections) {
        if (connection.is_listening() || connection.local_endpoint().port != local_port ||
            connection.remote().address != remote || connection.remote().port != remote_port)
            continue;
        connection.icmp_error(sequence, error, next_hop_mtu);
        break;
    }
    reap();
}

void TcpTable::run_timers() {
    uint64_t now = now_ns();
    for (auto& connection : m_connections) {
        uint64_t deadline = connection.next_deadline_ns();
        if (deadline && deadline <= now)
            connection.run_timers(now);
    }
    reap();
}

bool TcpTable::has_undelivered_output() const {
    for (auto& connection : const_cast<TcpTable*>(this)->m_connections) {
        if (connection.has_undelivered_output())
            return true;
    }
    return false;
}

uint64_t TcpTable::next_deadline_ns() const {
    uint64_t earliest = 0;
    for (auto& connection : const_cast<TcpTable*>(this)->m_connections) {
        uint64_t deadline = connection.next_deadline_ns();
        if (deadline && (!earliest || deadline < earliest))
            earliest = deadline;
    }
    return earliest;
}

void TcpTable::transmit(Ipv4Address source, Ipv4Address destination, const TcpHeader& header,
                        const TransmitFragment* payload, size_t pieces, size_t payload_length,
                        size_t segment_size, bool dont_fragment) {
    uint8_t bytes[tcp_maximum_header];
    size_t header_length = build_tcp_header(header, bytes);
    auto tcp_length = static_cast<uint16_t>(header_length + payload_length);
    TransmitFragment fragments[1 + maximum_payload_pieces];
    pieces = min(pieces, maximum_payload_pieces);
    fragments[0] = {bytes, header_length};
    for (size_t index = 0; index < pieces; ++index)
        fragments[1 + index] = payload[index];

    ChecksumAccumulator sum = tcp_checksum_start(source, destination, tcp_length);
    bool offloading = m_ip.offers_checksum_offload();
    // The pseudo-header sum covers the whole payload even when the device cuts it: each
    // segment's sum is then adjusted by the device, as for Linux's TSO.
    bool segmenting = offloading && segment_size && payload_length > segment_size;
    TransportChecksum offload = {static_cast<uint16_t>(tcp_checksum_offset),
                                 segmenting ? static_cast<uint16_t>(segment_size) : uint16_t(0)};
    uint16_t checksum;
    if (offloading) {
        checksum = sum.folded();
    } else {
        for (size_t index = 0; index <= pieces; ++index)
            sum.add(fragments[index].data, fragments[index].length);
        checksum = sum.checksum();
    }
    bytes[tcp_checksum_offset] = static_cast<uint8_t>(checksum >> 8);
    bytes[tcp_checksum_offset + 1] = static_cast<uint8_t>(checksum);
    // A failure (no route, a full queue) is like a loss on the wire: the timers recover.
    (void)m_ip.send(source, destination, ip_protocol::tcp, fragments, 1 + pieces,
                    offloading ? &offload : nullptr, dont_fragment);
    ++m_statistics.segments_sent;
    if (segmenting)
        ++m_statistics.segments_offloaded;
}

void TcpTable::send_reset_for(Ipv4Address source, Ipv4Address destination,
                              const TcpSegment& segment) {
    const TcpHeader& received = segment.header;
    TcpHeader header;
    header.source_port = received.destination_port;
    header.destination_port = received.source_port;
    if (received.has(tcp_flag::ack)) {
        header.sequence = received.acknowledgment;
        header.flags = tcp_flag::rst;
    } else {
        header.acknowledgment = received.sequence + segment.sequence_length();
        header.flags = tcp_flag::rst | tcp_flag::ack;
    }
    transmit(destination, source, header, nullptr, 0, 0, 0, false);
    ++m_statistics.resets_sent;
}

} // namespace kernel::net::tcp
