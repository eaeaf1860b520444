// TCP_INFO (Linux's tcp_get_info): what the connection knows about itself, in Linux's units.
// Fields this stack does not track (pacing, delivery rate, the receiver's RTT estimate, the
// path MTU) stay 0, as Linux leaves those its configuration does not compute.
#include "lib/string.h"
#include "lib/utility.h"
#include "net/tcp/tcp_connection.h"
#include "net/tcp/tcp_table.h"

namespace kernel::net::tcp {

namespace {

// Linux's TCP_ESTABLISHED... numbering (include/net/tcp_states.h).
uint8_t linux_state(TcpState state) {
    switch (state) {
    case TcpState::established:
        return 1;
    case TcpState::syn_sent:
        return 2;
    case TcpState::syn_received:
        return 3;
    case TcpState::fin_wait_1:
        return 4;
    case TcpState::fin_wait_2:
        return 5;
    case TcpState::time_wait:
        return 6;
    case TcpState::closed:
        return 7;
    case TcpState::close_wait:
        return 8;
    case TcpState::last_ack:
        return 9;
    case TcpState::listen:
        return 10;
    case TcpState::closing:
        return 11;
    }
    return 7;
}

uint32_t microseconds(uint64_t ns) {
    return static_cast<uint32_t>(min<uint64_t>(ns / 1000, 0xffffffff));
}

// Milliseconds from `then` to `now`; 0 when it never happened, as Linux's jiffies difference
// from a zero stamp is not meaningful either.
uint32_t milliseconds_since(uint64_t now, uint64_t then) {
    if (!then || then > now)
        return 0;
    return static_cast<uint32_t>(min<uint64_t>((now - then) / 1'000'000, 0xffffffff));
}

} // namespace

void TcpConnection::describe(SocketListing& listing) const {
    LinuxTcpInfo info;
    get_info(info);
    listing.ipv6 = m_ipv6;
    listing.local = m_local;
    listing.remote = m_remote;
    listing.state = info.state;
    listing.inode = file_inode();
    if (m_state == TcpState::listen) {
        // As Linux: the accept queue's length, the initial RTO and window, and the Fast Open
        // queue's limit where the threshold would be.
        listing.receive_queue = m_accept_queue_length;
        listing.rto_us = microseconds(RttEstimator::initial_rto_ns);
        listing.congestion_window = CongestionControl::initial_window_segments;
        listing.slow_start_threshold = static_cast<int32_t>(m_options.fastopen_queue);
        return;
    }
    listing.send_queue = static_cast<uint32_t>(min<size_t>(m_send_queue.size(), 0xffffffff));
    listing.receive_queue = static_cast<uint32_t>(min<size_t>(readable_bytes(), 0xffffffff));
    listing.retransmits = info.retransmits;
    listing.rto_us = info.rto;
    listing.ato_us = info.ato;
    listing.congestion_window = info.snd_cwnd;
    listing.slow_start_threshold =
        info.snd_ssthresh >= tcp_infinite_ssthresh ? -1 : static_cast<int32_t>(info.snd_ssthresh);
}

void TcpConnection::get_info(LinuxTcpInfo& info) const {
    memset(&info, 0, sizeof info);
    info.state = linux_state(m_state);
    if (m_state == TcpState::listen)
        return; // Linux reports little more for a listener than its state
    uint64_t now = m_table.now_ns();
    info.ca_state = m_recovery.in_recovery() ? tcp_ca_recovery : tcp_ca_open;
    info.retransmits = static_cast<uint8_t>(min<uint32_t>(m_retransmits, 0xff));
    info.probes = static_cast<uint8_t>(min<uint32_t>(m_keep_alive_probes, 0xff));
    info.backoff = static_cast<uint8_t>(m_rtt.backoff());
    if (m_timestamps)
        info.options |= tcpi_opt_timestamps;
    if (m_sack)
        info.options |= tcpi_opt_sack;
    if (m_window_scaling) {
        info.options |= tcpi_opt_wscale;
        info.wscale = static_cast<uint8_t>((m_snd_wscale & 0xf) | (m_rcv_wscale & 0xf) << 4);
    }
    info.rto = microseconds(m_rtt.rto_ns());
    info.ato = microseconds(tcp_timing::delayed_ack);
    info.snd_mss = m_mss;
    // Linux starts its estimate of the peer's segment size at 536 and raises it with what
    // arrives (tcp_initialize_rcv_mss, tcp_measure_rcv_mss).
    info.rcv_mss = max(min<uint32_t>(m_mss, 536), m_counters.largest_received);
    uint32_t outstanding = m_snd_max - m_snd_una;
    info.unacked = m_mss ? (outstanding + m_mss - 1) / m_mss : 0;
    info.last_data_sent = milliseconds_since(now, m_counters.last_data_sent_ns);
    info.last_data_recv = milliseconds_since(now, m_counters.last_data_received_ns);
    info.last_ack_recv = milliseconds_since(now, m_counters.last_ack_received_ns);
    info.rtt = microseconds(m_rtt.smoothed_ns());
    info.rttvar = microseconds(m_rtt.variation_ns());
    uint32_t threshold = m_congestion.slow_start_threshold();
    info.snd_ssthresh = threshold == 0xffffffff ? tcp_infinite_ssthresh : threshold / m_mss;
    info.snd_cwnd = m_congestion.window() / m_mss;
    info.advmss = m_table.mss_for(m_remote.address);
    info.reordering = 3; // the duplicate-ACK threshold (RFC 5681 3.2), Linux's default
    info.total_retrans = m_counters.retransmitted_segments;
    info.bytes_acked = m_counters.bytes_acked;
    info.bytes_received = m_counters.bytes_received;
    info.segs_out = m_counters.segments_out;
    info.segs_in = m_counters.segments_in;
    size_t queued = m_send_queue.size();
    info.notsent_bytes = queued > outstanding ? static_cast<uint32_t>(queued - outstanding) : 0;
    info.min_rtt = microseconds(m_rtt.minimum_ns());
    info.data_segs_in = m_counters.data_segments_in;
    info.data_segs_out = m_counters.data_segments_out;
    info.bytes_sent = m_counters.bytes_sent;
    info.bytes_retrans = m_counters.bytes_retransmitted;
    info.snd_wnd = m_snd_wnd;
}

} // namespace kernel::net::tcp
