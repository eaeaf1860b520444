#include "net/tcp/tcp_table.h"

#include "lib/utility.h"
#include "net/binding.h"
#include "net/ipv4.h"
#include "net/ipv6_header.h"
#include "net/path_mtu.h"
#include "net/tcp/tcp_checksum.h"

namespace kernel::net::tcp {

namespace {

constexpr uint16_t ephemeral_first = 32768;
constexpr uint16_t ephemeral_last = 60999;
constexpr size_t maximum_payload_pieces = 35;

Binding binding_of(const TcpConnection& connection, const IpAddress& address) {
    return {address, connection.is_ipv6(), connection.socket_options().v6_only};
}

// Whether `binder` may share `port` on `address` with the bound socket `other`.
bool may_share(const TcpConnection& binder, const IpAddress& address, const TcpConnection& other) {
    const SocketOptions& mine = binder.socket_options();
    const SocketOptions& theirs = other.socket_options();
    if (!binding_of(binder, address).overlaps(binding_of(other, other.local().address)))
        return true;
    if (mine.reuse_port && theirs.reuse_port)
        return true;
    if (other.state() == TcpState::time_wait && mine.reuse_address)
        return true;
    return mine.reuse_address && theirs.reuse_address && !other.is_listening();
}

} // namespace

// A level-0 slot of the timer wheel is 2^20 ns, about a millisecond: TCP's shortest timer
// (the 40 ms delayed ACK) spans many slots, and five levels reach past a 2-hour keep-alive.
constexpr unsigned timer_tick_shift = 20;

TcpTable::TcpTable(IpOutput& ip, Ip6Output& ip6, const Environment& environment)
    : m_ip(ip), m_ip6(ip6), m_environment(environment),
      m_timers(environment.now_ns(), timer_tick_shift), m_hash_key(random32()) {
    m_buckets = new LookupList[initial_bucket_count];
    if (m_buckets)
        m_bucket_count = initial_bucket_count;
}

TcpTable::~TcpTable() {
    while (TcpConnection* connection = m_connections.take_first()) {
        m_ports.remove(*connection);
        delete connection;
    }
    delete[] m_buckets;
}

uint32_t TcpTable::random32() const {
    uint32_t value = 0;
    m_environment.fill_random(&value, sizeof value);
    return value;
}

const SynCookies& TcpTable::syn_cookies() {
    if (!m_syn_cookies.has_key()) {
        uint32_t key[8];
        m_environment.fill_random(key, sizeof key);
        m_syn_cookies.set_key(key);
    }
    return m_syn_cookies;
}

TcpConnection* TcpTable::create_connection(bool ipv6) {
    if (m_connection_count >= m_bucket_count)
        grow_buckets();
    if (m_bucket_count == 0)
        return nullptr; // not even the first buckets could be had
    auto* connection = new TcpConnection(*this, ipv6);
    if (connection) {
        m_connections.append(*connection);
        ++m_connection_count;
    }
    return connection;
}

uint32_t TcpTable::hash(const IpAddress& remote, uint16_t remote_port, uint16_t local_port) const {
    uint32_t value = m_hash_key;
    for (int index = 0; index < 4; ++index)
        value = (value ^ remote.v6.word(index)) * 0x9e3779b1u;
    value ^= (uint32_t(remote_port) << 16) | local_port;
    value *= 0x85ebca6bu;
    return value ^ (value >> 15);
}

TcpTable::LookupList& TcpTable::bucket(uint16_t local_port, const IpEndpoint& remote) {
    return m_buckets[hash(remote.address, remote.port, local_port) & (m_bucket_count - 1)];
}

// Doubles the 4-tuple hash so that chains stay short: each connection moves once per
// doubling, which is O(1) for each connection created. Without memory the chains just grow.
void TcpTable::grow_buckets() {
    size_t count = m_bucket_count ? m_bucket_count * 2 : initial_bucket_count;
    auto* grown = new LookupList[count];
    if (!grown)
        return;
    LookupList* old = m_buckets;
    size_t old_count = m_bucket_count;
    m_buckets = grown;
    m_bucket_count = count;
    for (size_t index = 0; index < old_count; ++index) {
        while (TcpConnection* connection = old[index].take_first())
            bucket(connection->local().port, connection->remote()).append(*connection);
    }
    delete[] old;
}

void TcpTable::index(TcpConnection& connection) {
    unindex(connection);
    if (!connection.is_bound())
        return;
    if (!connection.port_node.is_linked())
        (void)m_ports.add(connection); // without memory the port is simply not held
    if (connection.is_listening()) {
        listener_bucket(connection.local().port).append(connection);
        return;
    }
    if (connection.state() == TcpState::closed)
        return; // bound, not yet connected: it holds its port only
    bucket(connection.local().port, connection.remote()).append(connection);
}

void TcpTable::unindex(TcpConnection& connection) {
    LookupList::remove(connection);
}

void TcpTable::note_closed(TcpConnection& connection) {
    unindex(connection);
    m_timers.cancel(connection.timer_node); // CLOSED runs no timers
    m_closed.append(connection);
}

void TcpTable::touch(TcpConnection& connection) {
    uint64_t deadline = connection.next_deadline_ns();
    if (deadline)
        m_timers.schedule(connection.timer_node, &connection, deadline);
    else
        m_timers.cancel(connection.timer_node);
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
    m_ports.remove(connection);
    m_timers.cancel(connection.timer_node);
    IntrusiveList<TcpConnection, &TcpConnection::table_node>::remove(connection);
    --m_connection_count;
    delete &connection;
}

// Only connections that reached CLOSED since the last reap are looked at; one the program
// still holds is freed by its close() instead.
void TcpTable::reap() {
    while (TcpConnection* connection = m_closed.take_first()) {
        if (connection->is_finished())
            destroy(*connection);
    }
}

bool TcpTable::port_free(const TcpConnection& binder, const IpAddress& address, uint16_t port) {
    TcpPortTable::Holders* holders = m_ports.holders(port);
    if (!holders)
        return true;
    for (auto& other : *holders) {
        if (&other == &binder)
            continue;
        if (other.state() == TcpState::closed && other.is_finished())
            continue;
        if (!may_share(binder, address, other))
            return false;
    }
    return true;
}

IpAddress TcpTable::source_for(const IpAddress& remote) const {
    if (!remote.is_v4())
        return m_ip6.source_for(remote.v6);
    return remote.is_loopback() ? remote : IpAddress(m_ip.local_address());
}

PathMtu TcpTable::path_to(const IpAddress& remote) const {
    return remote.is_v4() ? m_ip.path_to(remote.v4()) : PathMtu{m_ip6.mtu_for(remote.v6)};
}

size_t TcpTable::path_mtu_for(const IpAddress& remote) const {
    return path_mtu_to(m_ip, m_ip6, remote);
}

size_t TcpTable::ip_header_length_for(const IpAddress& remote) {
    return remote.is_v4() ? ipv4_header_length : ipv6_header_length;
}

uint16_t TcpTable::mss_for(const IpAddress& remote) const {
    size_t headers = ip_header_length_for(remote) + tcp_minimum_header;
    size_t mtu = remote.is_v4() ? m_ip.mtu() : m_ip6.link_mtu();
    return static_cast<uint16_t>(mtu > headers ? min<size_t>(mtu - headers, 0xffff) : 536);
}

size_t TcpTable::segmentation_limit_for(const IpAddress& remote) const {
    return remote.is_v4() ? m_ip.tcp_segmentation_limit() : m_ip6.tcp_segmentation_limit();
}

bool TcpTable::device_segments_for(const IpAddress& remote) const {
    return remote.is_v4() ? m_ip.tcp_segmentation_limit() > m_ip.mtu()
                          : m_ip6.tcp_segmentation_limit() > m_ip6.link_mtu();
}

ErrorOr<uint16_t> TcpTable::choose_port(const TcpConnection& binder, const IpEndpoint& local) {
    const IpAddress& address = local.address;
    bool ours = address.is_v4() ? address.v4() == m_ip.local_address() : m_ip6.is_local(address.v6);
    if (!address.is_any() && !address.is_loopback() && !ours)
        return EADDRNOTAVAIL;
    if (local.port != 0)
        return port_free(binder, address, local.port) ? ErrorOr<uint16_t>(local.port)
                                                      : ErrorOr<uint16_t>(EADDRINUSE);
    uint32_t span = ephemeral_last - ephemeral_first + 1;
    uint32_t start = random32() % span;
    for (uint32_t step = 0; step < span; ++step) {
        auto port = static_cast<uint16_t>(ephemeral_first + (start + step) % span);
        if (port_free(binder, address, port))
            return port;
    }
    return EADDRINUSE;
}

ErrorOr<uint16_t> TcpTable::choose_connect_port(const TcpConnection& binder,
                                                const IpAddress& local) {
    auto taken = [&](uint16_t port) {
        TcpPortTable::Holders* holders = m_ports.holders(port);
        if (!holders)
            return false;
        for (auto& other : *holders) {
            if (binding_of(binder, local).overlaps(binding_of(other, other.local().address)))
                return true;
        }
        return false;
    };
    uint32_t span = ephemeral_last - ephemeral_first + 1;
    uint32_t start = random32() % span;
    for (uint32_t step = 0; step < span; ++step) {
        auto port = static_cast<uint16_t>(ephemeral_first + (start + step) % span);
        if (!taken(port))
            return port;
    }
    return EADDRNOTAVAIL;
}

TcpConnection* TcpTable::find(const IpAddress& source, const IpAddress& destination,
                              const TcpSegment& segment) {
    const TcpHeader& header = segment.header;
    IpEndpoint remote = {source, header.source_port};
    if (m_bucket_count == 0)
        return find_listener(source, destination, header); // no connection could be made
    for (auto& connection : bucket(header.destination_port, remote)) {
        const IpEndpoint& local = connection.local();
        if (local.port == header.destination_port && local.address == destination &&
            connection.remote() == remote && connection.state() != TcpState::closed)
            return &connection;
    }
    return find_listener(source, destination, header);
}

// The listener for a new connection: one bound to the destination address before one bound
// to the wildcard of its family (or the dual-stack ::, for IPv4). Several sharing the port by
// SO_REUSEPORT take connections by a hash of the 4-tuple, as Linux's reuseport groups do, so that
// each one's SYNs always reach the same listener.
TcpConnection* TcpTable::find_listener(const IpAddress& source, const IpAddress& destination,
                                       const TcpHeader& header) {
    LookupList& listeners = listener_bucket(header.destination_port);
    auto matches = [&](TcpConnection& listener, bool exact) {
        const IpEndpoint& local = listener.local();
        if (local.port != header.destination_port)
            return false;
        return exact ? local.address == destination
                     : binding_of(listener, local.address).is_wildcard_for(destination);
    };
    for (int pass = 0; pass < 2; ++pass) {
        bool exact = pass == 0;
        uint32_t count = 0;
        for (auto& listener : listeners)
            count += matches(listener, exact) ? 1 : 0;
        if (count == 0)
            continue;
        uint32_t flow = hash(source, header.source_port, header.destination_port) ^
                        hash(destination, 0, 0) * 0xcc9e2d51u;
        // Linux's reciprocal_scale: the hash's high bits pick one of `count` evenly.
        auto chosen = static_cast<uint32_t>((uint64_t(flow) * count) >> 32);
        for (auto& listener : listeners) {
            if (matches(listener, exact) && chosen-- == 0)
                return &listener;
        }
    }
    return nullptr;
}

void TcpTable::receive(const IpAddress& source, const IpAddress& destination, const uint8_t* data,
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
        source.is_multicast() || source.is_any() || source.is_v4() != destination.is_v4()) {
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
        touch(*connection);
    }
    reap();
}

void TcpTable::receive_icmp_error(const IpAddress& remote, const uint8_t* quoted, size_t length,
                                  int error, size_t next_hop_mtu) {
    if (length < 8)
        return;
    auto local_port = static_cast<uint16_t>((quoted[0] << 8) | quoted[1]);
    auto remote_port = static_cast<uint16_t>((quoted[2] << 8) | quoted[3]);
    uint32_t sequence = (uint32_t(quoted[4]) << 24) | (uint32_t(quoted[5]) << 16) |
                        (uint32_t(quoted[6]) << 8) | quoted[7];
    if (m_bucket_count == 0)
        return;
    for (auto& connection : bucket(local_port, {remote, remote_port})) {
        if (connection.local().port != local_port || connection.remote().address != remote ||
            connection.remote().port != remote_port)
            continue;
        connection.icmp_error(sequence, error, next_hop_mtu);
        touch(connection);
        break;
    }
    reap();
}

void TcpTable::run_timers() {
    uint64_t now = now_ns();
    m_timers.advance(now, [&](void* owner) {
        auto& connection = *static_cast<TcpConnection*>(owner);
        // Filed by a deadline that may since have moved later: then this visit only re-files.
        uint64_t deadline = connection.next_deadline_ns();
        if (deadline && deadline <= now)
            connection.run_timers(now);
        touch(connection);
    });
    reap();
}

void TcpTable::list(SocketVisitor& visitor) {
    for (TcpConnection& connection : m_connections) {
        if (connection.state() == TcpState::closed)
            continue;
        SocketListing listing;
        connection.describe(listing);
        visitor.visit(listing);
    }
}

bool TcpTable::has_undelivered_output() const {
    for (auto& connection : const_cast<TcpTable*>(this)->m_connections) {
        if (connection.has_undelivered_output())
            return true;
    }
    return false;
}

uint64_t TcpTable::next_deadline_ns() const {
    return m_timers.next_deadline();
}

void TcpTable::transmit(const IpAddress& source, const IpAddress& destination,
                        const TcpHeader& header, const TransmitFragment* payload, size_t pieces,
                        size_t payload_length, size_t segment_size, bool dont_fragment) {
    uint8_t bytes[tcp_maximum_header];
    size_t header_length = build_tcp_header(header, bytes);
    auto tcp_length = static_cast<uint16_t>(header_length + payload_length);
    TransmitFragment fragments[1 + maximum_payload_pieces];
    pieces = min(pieces, maximum_payload_pieces);
    fragments[0] = {bytes, header_length};
    for (size_t index = 0; index < pieces; ++index)
        fragments[1 + index] = payload[index];

    ChecksumAccumulator sum = tcp_checksum_start(source, destination, tcp_length);
    bool ipv4 = destination.is_v4();
    bool offloading = ipv4 ? m_ip.offers_checksum_offload() : m_ip6.offers_checksum_offload();
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
    const TransportChecksum* checksum_offload = offloading ? &offload : nullptr;
    if (ipv4)
        (void)m_ip.send(source.v4(), destination.v4(), ip_protocol::tcp, fragments, 1 + pieces,
                        checksum_offload, dont_fragment);
    else
        (void)m_ip6.send6(source.v6, destination.v6, ip_protocol::tcp, fragments, 1 + pieces,
                          checksum_offload);
    ++m_statistics.segments_sent;
    if (segmenting)
        ++m_statistics.segments_offloaded;
}

void TcpTable::send_reset_for(const IpAddress& source, const IpAddress& destination,
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
