// The largest segment the path carries: lowered by ICMP (RFC 1191, RFC 8201), and, where ICMP
// is filtered, found by TCP itself (RFC 4821, mtu_search.h).
#include "lib/utility.h"
#include "net/ipv6_header.h"
#include "net/tcp/sequence.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

size_t TcpConnection::packet_overhead() const {
    size_t options = m_timestamps ? 12 : 0;
    return TcpTable::ip_header_length_for(m_remote.address) + tcp_minimum_header + options;
}

void TcpConnection::lower_path_mtu(size_t next_hop_mtu) {
    if (m_remote.address.is_v4()) {
        // Believed (the quoted sequence was ours): the IP layer keeps it for new connections
        // and datagrams there too, and locks a report below its floor, which output() then
        // sends to without DF.
        m_table.learn_path_mtu(m_remote.address.v4(), next_hop_mtu);
        // A report below the floor (or none, from a router older than RFC 1191) is taken as
        // the floor: such a path fragments what is larger.
        next_hop_mtu = max(next_hop_mtu, ipv4_minimum_path_mtu);
    } else {
        // Every IPv6 link carries 1280 bytes; a smaller report is forged (RFC 8201 4).
        next_hop_mtu = max(next_hop_mtu, ipv6_minimum_mtu);
    }
    if (!m_path_mtu || next_hop_mtu < m_path_mtu)
        m_path_mtu = next_hop_mtu;
    m_mtu_search.on_path_mtu(next_hop_mtu);
    size_t mss = max<size_t>(next_hop_mtu - packet_overhead(), 64);
    // An ICMP error never raises the estimate (RFC 1191 6.3), which the MSS is: over IPv6 the
    // layer below has already lowered its own by the time the message reaches us.
    if (mss >= m_mss)
        return;
    m_mss = static_cast<uint16_t>(mss);
    ++m_table.statistics().path_mtu_reductions;
    // What is in flight was too big for the path and is gone: it goes again at the new size
    // at once, without a congestion response, as Linux's tcp_simple_retransmit() does
    // (RFC 1191 6.5).
    if (m_snd_nxt == m_snd_una)
        return;
    m_rtt_timing = false;
    if (m_sack) {
        // Each segment now too big is deemed lost, and retransmit_record() cuts it to size.
        size_t limit = payload_limit();
        for (size_t index = 0; index < m_scoreboard.size(); ++index) {
            const SentSegment& segment = m_scoreboard.at(index);
            if (!segment.has(segment_flag::sacked) && segment.length() > limit)
                m_scoreboard.mark_lost(index);
        }
    } else {
        m_snd_nxt = m_snd_una;
    }
    output();
}

void TcpConnection::detect_black_hole() {
    // RFC 4821 7.7 (RFC 8899 4.3): the same data timed out again and again while segments are
    // large. The segments that go next (resent, cut to the new size by retransmit_record())
    // are small; were it congestion after all, the search finds the old size again.
    bool ipv4 = m_remote.address.is_v4();
    size_t base = ipv4 ? MtuSearch::base_ipv4 : MtuSearch::base_ipv6;
    size_t overhead = packet_overhead();
    // Less in flight than a base-sized packet carries: the size is not what is lost.
    if (m_retransmits == 0 || m_retransmits % MtuSearch::black_hole_timeouts != 0 ||
        m_snd_max - m_snd_una <= base - overhead)
        return;
    size_t current = m_mss + overhead;
    size_t size = m_mtu_search.on_black_hole(
        current, base, ipv4 ? ipv4_minimum_path_mtu : ipv6_minimum_mtu, m_table.now_ns());
    if (size == 0 || size <= overhead + 64)
        return;
    m_mss = static_cast<uint16_t>(size - overhead);
    ++m_table.statistics().path_mtu_black_holes;
}

bool TcpConnection::send_mtu_probe(uint32_t usable) {
    // Probes go only while nothing is being recovered, as new data (RFC 4821 7.4), one at a
    // time, and never with the FIN.
    if (m_recovery_state != RecoveryState::open || m_snd_nxt != m_snd_max)
        return false;
    size_t size = m_mtu_search.probe_size(m_table.now_ns());
    if (size == 0)
        return false;
    // The SACK blocks the next segments carry take room from the probe too.
    size_t payload = size - packet_overhead() - (m_mss - payload_limit());
    uint32_t data_end = m_snd_una + static_cast<uint32_t>(m_send_queue.size());
    size_t available =
        sequence_less(m_snd_nxt, data_end) ? static_cast<size_t>(data_end - m_snd_nxt) : 0;
    if (payload <= payload_limit() || available < payload || usable < payload)
        return false;
    uint32_t start = m_snd_nxt;
    uint32_t end = start + static_cast<uint32_t>(payload);
    uint64_t now = m_table.now_ns();
    if (!m_scoreboard.record_sent(start, end, static_cast<uint32_t>(payload), now))
        return false;
    send_data(start, payload, false, true);
    m_mtu_search.on_probe_sent(start, end, size);
    ++m_table.statistics().path_mtu_probes;
    new_data_sent(end);
    return true;
}

void TcpConnection::mtu_probe_acknowledged() {
    if (!m_mtu_search.probe_in_flight() ||
        !sequence_greater_equal(m_snd_una, m_mtu_search.probe_end()))
        return;
    size_t size = m_mtu_search.on_probe_acknowledged(m_table.now_ns());
    size_t overhead = packet_overhead();
    if (size > overhead + m_mss)
        m_mss = static_cast<uint16_t>(size - overhead);
}

bool TcpConnection::only_mtu_probe_lost() const {
    if (!m_mtu_search.probe_in_flight())
        return false;
    size_t first = m_scoreboard.next_lost();
    return first < m_scoreboard.size() &&
           m_scoreboard.at(first).start == m_mtu_search.probe_start() &&
           m_scoreboard.lost_bytes() == m_scoreboard.at(first).length();
}

void TcpConnection::mtu_probe_lost(uint32_t start) {
    if (!m_mtu_search.probe_in_flight() || start != m_mtu_search.probe_start())
        return;
    m_mtu_search.on_probe_lost(m_table.now_ns());
    ++m_table.statistics().path_mtu_probes_failed;
}

} // namespace kernel::net::tcp
