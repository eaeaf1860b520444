// struct tcp_info as Linux's getsockopt(TCP_INFO) gives it (include/uapi/linux/tcp.h), up to
// tcpi_snd_wnd. A program passes any length and gets that much of it, so the layout is fixed
// field by field.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

// tcpi_options bits.
inline constexpr uint8_t tcpi_opt_timestamps = 1;
inline constexpr uint8_t tcpi_opt_sack = 2;
inline constexpr uint8_t tcpi_opt_wscale = 4;

// tcpi_ca_state: the sender's loss-recovery state (enum tcp_ca_state).
inline constexpr uint8_t tcp_ca_open = 0;
inline constexpr uint8_t tcp_ca_recovery = 3;

// tcpi_snd_ssthresh before any reduction (TCP_INFINITE_SSTHRESH).
inline constexpr uint32_t tcp_infinite_ssthresh = 0x7fffffff;

struct LinuxTcpInfo {
    uint8_t state; // TCP_ESTABLISHED...
    uint8_t ca_state;
    uint8_t retransmits;
    uint8_t probes;
    uint8_t backoff;
    uint8_t options;
    uint8_t wscale;      // snd_wscale : 4, rcv_wscale : 4 (the low nibble first)
    uint8_t rate_limits; // delivery_rate_app_limited : 1, fastopen_client_fail : 2

    uint32_t rto; // microseconds
    uint32_t ato;
    uint32_t snd_mss;
    uint32_t rcv_mss;

    uint32_t unacked; // segments
    uint32_t sacked;
    uint32_t lost;
    uint32_t retrans;
    uint32_t fackets;

    uint32_t last_data_sent; // milliseconds ago
    uint32_t last_ack_sent;  // never filled by Linux either
    uint32_t last_data_recv;
    uint32_t last_ack_recv;

    uint32_t pmtu;
    uint32_t rcv_ssthresh;
    uint32_t rtt; // microseconds
    uint32_t rttvar;
    uint32_t snd_ssthresh; // segments
    uint32_t snd_cwnd;     // segments
    uint32_t advmss;
    uint32_t reordering;

    uint32_t rcv_rtt;
    uint32_t rcv_space;

    uint32_t total_retrans;

    uint64_t pacing_rate;
    uint64_t max_pacing_rate;
    uint64_t bytes_acked;
    uint64_t bytes_received;
    uint32_t segs_out;
    uint32_t segs_in;

    uint32_t notsent_bytes;
    uint32_t min_rtt;
    uint32_t data_segs_in;
    uint32_t data_segs_out;

    uint64_t delivery_rate;

    uint64_t busy_time;
    uint64_t rwnd_limited;
    uint64_t sndbuf_limited;

    uint32_t delivered;
    uint32_t delivered_ce;

    uint64_t bytes_sent;
    uint64_t bytes_retrans;
    uint32_t dsack_dups;
    uint32_t reord_seen;

    uint32_t rcv_ooopack;

    uint32_t snd_wnd;
};
static_assert(sizeof(LinuxTcpInfo) == 232);
static_assert(offsetof(LinuxTcpInfo, rto) == 8);
static_assert(offsetof(LinuxTcpInfo, last_data_sent) == 44);
static_assert(offsetof(LinuxTcpInfo, rtt) == 68);
static_assert(offsetof(LinuxTcpInfo, snd_cwnd) == 80);
static_assert(offsetof(LinuxTcpInfo, total_retrans) == 100);
static_assert(offsetof(LinuxTcpInfo, pacing_rate) == 104);
static_assert(offsetof(LinuxTcpInfo, bytes_acked) == 120);
static_assert(offsetof(LinuxTcpInfo, segs_out) == 136);
static_assert(offsetof(LinuxTcpInfo, min_rtt) == 148);
static_assert(offsetof(LinuxTcpInfo, delivery_rate) == 160);
static_assert(offsetof(LinuxTcpInfo, delivered) == 192);
static_assert(offsetof(LinuxTcpInfo, bytes_sent) == 200);
static_assert(offsetof(LinuxTcpInfo, rcv_ooopack) == 224);
static_assert(offsetof(LinuxTcpInfo, snd_wnd) == 228);

} // namespace kernel::net
