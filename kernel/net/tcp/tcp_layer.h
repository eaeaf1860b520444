// TCP for the whole stack, over IPv4 and IPv6: the table of connections and listeners, input
// demultiplexing and the timers (retransmission, delayed ACK, persist, keep-alive, TIME_WAIT).
#pragma once

#include "net/address.h"
#include "net/environment.h"
#include "net/ip6_output.h"
#include "net/ip_output.h"
#include "net/socket.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

struct TcpStatistics {
    uint64_t segments_received = 0;
    uint64_t segments_sent = 0;
    uint64_t retransmitted = 0;
    uint64_t dropped_bad_checksum = 0;
    uint64_t dropped_malformed = 0;
    uint64_t dropped_out_of_window = 0;
    uint64_t resets_sent = 0;
    uint64_t resets_received = 0;
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
    uint64_t tail_loss_probes = 0;
    uint64_t tail_loss_recoveries = 0; // a probe repaired a loss (RFC 8985 7.4.2)
    uint64_t spurious_undos = 0;       // a retransmission found needless, its reduction undone
};

class TcpLayer {
public:
    TcpLayer(IpOutput& ip, Ip6Output& ip6, const Environment& environment);
    ~TcpLayer();
    TcpLayer(const TcpLayer&) = delete;
    TcpLayer& operator=(const TcpLayer&) = delete;

    // An AF_INET socket, or an AF_INET6 one with `ipv6`; nullptr when out of memory.
    TcpSocket* create_socket(bool ipv6 = false);

    // One segment addressed to us (the IP header already stripped and checked); both
    // addresses of its family, IPv4 ones in their mapped form.
    void receive(const IpAddress& source, const IpAddress& destination, const uint8_t* segment,
                 size_t length, bool checksum_verified);
    // An ICMP or ICMPv6 destination-unreachable or similar about a segment we sent: `quoted`
    // is the start of our TCP header as the message quotes it. `next_hop_mtu`: what a
    // "fragmentation needed" error or an ICMPv6 packet-too-big (`error` EMSGSIZE) says the path
    // carries (0 from a router older than RFC 1191, and for every other error).
    void receive_icmp_error(const IpAddress& remote, const uint8_t* quoted, size_t length,
                            int error, size_t next_hop_mtu);

    // Runs every timer that is due, and sends what became sendable.
    void run_timers();
    // The earliest pending timer (monotonic ns), or 0 when none.
    uint64_t next_deadline_ns() const;
    // Whether some connection still has data or a FIN its peer has not acknowledged.
    bool has_undelivered_output() const;

    const TcpStatistics& statistics() const;

private:
    struct State;
    State* m_state;
};

} // namespace kernel::net
