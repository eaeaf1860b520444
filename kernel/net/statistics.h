// What the network stack counts: drops, errors and TCP's events, since the stack was made.
// Programs read them as Linux's /proc/net/snmp and /proc/net/netstat (fs/synthetic/proc_net.cpp).
#pragma once

#include <stdint.h>

namespace kernel::net {

struct StackStatistics {
    uint64_t frames_received = 0; // by the network device, with the bytes of their Ethernet frames
    uint64_t frames_sent = 0;
    uint64_t bytes_received = 0;
    uint64_t bytes_sent = 0;
    uint64_t loopback_packets = 0; // IP packets sent to ourselves, and their bytes
    uint64_t loopback_bytes = 0;
    uint64_t dropped_malformed = 0;    // truncated, bad lengths, bad header fields
    uint64_t dropped_bad_checksum = 0; // IP, ICMP, UDP (TCP counts its own)
    uint64_t dropped_not_for_us = 0;
    uint64_t dropped_no_memory = 0;
    uint64_t dropped_device_full = 0; // frames the device's transmit queue had no room for
    uint64_t fragments_reassembled = 0;
    uint64_t fragments_dropped = 0; // overlapping, timed out, too many, malformed (both families)
    uint64_t icmp_echo_replies = 0;
    uint64_t udp_no_port = 0;
    uint64_t udp_receive_buffer_full = 0; // datagrams dropped: the socket's queue was full
    uint64_t arp_unresolved = 0;          // packets dropped: the next hop never answered
    uint64_t ipv6_parameter_problems = 0; // packets refused for a header we cannot process
    uint64_t ipv6_unresolved = 0;         // packets dropped: neighbour discovery found no one
    uint64_t icmpv6_echo_replies = 0;
    uint64_t icmpv6_packet_too_big = 0; // messages received (the path-MTU cache is bounded)
    uint64_t icmpv6_rate_limited = 0;   // errors we did not send
    uint64_t nd_invalid = 0;            // neighbour discovery messages failing RFC 4861 checks
    uint64_t dad_conflicts = 0;         // addresses given up: another node has them
};

struct TcpStatistics {
    uint64_t segments_received = 0;
    uint64_t segments_sent = 0;
    uint64_t retransmitted = 0;
    uint64_t dropped_bad_checksum = 0;
    uint64_t dropped_malformed = 0;
    uint64_t dropped_out_of_window = 0;
    uint64_t resets_sent = 0;
    uint64_t resets_received = 0;
    uint64_t challenge_acks_sent = 0;    // RFC 5961: to a reset or SYN that may be blind
    uint64_t challenge_acks_skipped = 0; // over the rate limit: a reset or SYN storm's share
    uint64_t syn_dropped_backlog_full = 0;
    uint64_t syn_cookies_sent = 0;    // SYN-ACKs answering a SYN the full SYN queue had no room for
    uint64_t syn_cookies_valid = 0;   // ACKs whose cookie opened a connection
    uint64_t syn_cookies_invalid = 0; // ACKs to a listener whose cookie was forged or stale
    uint64_t connections_opened = 0;  // reached ESTABLISHED
    uint64_t fastopen_accepted = 0;   // SYNs whose data a valid Fast Open cookie let in
    uint64_t fastopen_cookies_invalid = 0; // SYNs with a Fast Open cookie not ours
    uint64_t fastopen_queue_full = 0;      // valid cookies whose data waited: TCP_FASTOPEN's limit
    uint64_t segments_offloaded = 0;       // sent for the device to cut (TSO)
    // ICMP errors quoting a sequence outside SND.UNA..SND.MAX, forged or stale (RFC 5927 4.1).
    uint64_t icmp_out_of_window = 0;
    uint64_t path_mtu_reductions = 0;  // "fragmentation needed" that lowered a connection's MSS
    uint64_t path_mtu_black_holes = 0; // timeouts that lowered it (RFC 4821 black holes)
    uint64_t path_mtu_probes = 0;      // segments sent to find a larger size (RFC 4821)
    uint64_t path_mtu_probes_failed = 0;
    uint64_t retransmission_timeouts = 0; // of data, after the handshake
    // Loss recovery with SACK.
    uint64_t sack_blocks_ignored = 0; // malformed or outside the data in flight
    uint64_t dsacks_received = 0;     // RFC 2883 duplicate reports
    uint64_t sack_renegings = 0;      // the peer dropped data it had SACKed (RFC 2018 8)
    uint64_t rack_losses = 0;         // segments RACK deemed lost
    uint64_t sack_recoveries = 0;     // recoveries entered with SACK (RFC 6675)
    uint64_t reno_recoveries = 0;     // and without it, on three duplicate ACKs (RFC 6582)
    uint64_t tail_loss_probes = 0;
    uint64_t tail_loss_recoveries = 0; // a probe repaired a loss (RFC 8985 7.4.2)
    uint64_t spurious_undos = 0;       // a retransmission found needless, its reduction undone
};

// Both, as the kernel reads them (net/network.h).
struct NetworkCounters {
    StackStatistics stack;
    TcpStatistics tcp;
};

} // namespace kernel::net
