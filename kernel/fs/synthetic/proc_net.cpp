// /proc/net/snmp and /proc/net/netstat: the network stack's counters in Linux's layout
// (net/ipv4/proc.c), a line of names and a line of values per group, which nstat, netstat -s
// and metrics exporters read by name. Only what the stack counts as Linux does is shown under
// Linux's names; Linux's Udp line counts IPv4 only, this one both families (Linux keeps IPv6's in
// /proc/net/snmp6). The stack's own counters follow in /proc/net/netstat as "IngotExt".
#include "fs/synthetic/proc_generators.h"
#include "net/tcp/rtt_estimator.h"

namespace kernel::synthetic {

namespace {

struct Counter {
    const char* name;
    long long value;
};

template <size_t N>
void append_group(TextBuffer& text, const char* group, const Counter (&counters)[N]) {
    text.append("%s:", group);
    for (const Counter& counter : counters)
        text.append(" %s", counter.name);
    text.append("\n%s:", group);
    for (const Counter& counter : counters)
        text.append(" %lld", counter.value);
    text.append("\n");
}

long long value(uint64_t counter) {
    return static_cast<long long>(counter);
}

constexpr long long milliseconds(uint64_t ns) {
    return static_cast<long long>(ns / 1'000'000);
}

} // namespace

void generate_net_snmp(const SystemFacts& facts, TextBuffer& text) {
    net::NetworkCounters counters = facts.network_counters();
    const net::StackStatistics& stack = counters.stack;
    const net::TcpStatistics& tcp = counters.tcp;
    // RFC 1213's ipForwarding: 2 is "not a router".
    const Counter ip[] = {{"Forwarding", 2}, {"DefaultTTL", 64}};
    append_group(text, "Ip", ip);
    const Counter icmp[] = {{"OutEchoReps", value(stack.icmp_echo_replies)}};
    append_group(text, "Icmp", icmp);
    // RFC 2012's tcpRtoAlgorithm: 1 is "other" (RFC 6298's), as Linux says; MaxConn -1: no limit.
    const Counter tcp_group[] = {
        {"RtoAlgorithm", 1},
        {"RtoMin", milliseconds(net::tcp::RttEstimator::minimum_rto_ns)},
        {"RtoMax", milliseconds(net::tcp::RttEstimator::maximum_rto_ns)},
        {"MaxConn", -1},
        {"InSegs", value(tcp.segments_received)},
        {"OutSegs", value(tcp.segments_sent)},
        {"RetransSegs", value(tcp.retransmitted)},
        {"InErrs", value(tcp.dropped_bad_checksum + tcp.dropped_malformed)},
        {"OutRsts", value(tcp.resets_sent)},
        {"InCsumErrors", value(tcp.dropped_bad_checksum)},
    };
    append_group(text, "Tcp", tcp_group);
    const Counter udp[] = {{"NoPorts", value(stack.udp_no_port)},
                           {"RcvbufErrors", value(stack.udp_receive_buffer_full)}};
    append_group(text, "Udp", udp);
}

void generate_net_netstat(const SystemFacts& facts, TextBuffer& text) {
    net::NetworkCounters counters = facts.network_counters();
    const net::StackStatistics& stack = counters.stack;
    const net::TcpStatistics& tcp = counters.tcp;
    const Counter tcp_ext[] = {
        {"SyncookiesSent", value(tcp.syn_cookies_sent)},
        {"SyncookiesRecv", value(tcp.syn_cookies_valid)},
        {"SyncookiesFailed", value(tcp.syn_cookies_invalid)},
        {"OutOfWindowIcmps", value(tcp.icmp_out_of_window)},
        {"ListenDrops", value(tcp.syn_dropped_backlog_full)},
        {"TCPRenoRecovery", value(tcp.reno_recoveries)},
        {"TCPSackRecovery", value(tcp.sack_recoveries)},
        {"TCPSACKReneging", value(tcp.sack_renegings)},
        {"TCPTimeouts", value(tcp.retransmission_timeouts)},
        {"TCPLossProbes", value(tcp.tail_loss_probes)},
        {"TCPLossProbeRecovery", value(tcp.tail_loss_recoveries)},
        {"TCPDSACKRecv", value(tcp.dsacks_received)},
        {"TCPSACKDiscard", value(tcp.sack_blocks_ignored)},
        {"TCPFastOpenPassive", value(tcp.fastopen_accepted)},
        {"TCPFastOpenPassiveFail", value(tcp.fastopen_cookies_invalid)},
        {"TCPFastOpenListenOverflow", value(tcp.fastopen_queue_full)},
        {"TCPMTUPFail", value(tcp.path_mtu_probes_failed)},
        {"TCPChallengeACK", value(tcp.challenge_acks_sent)},
        {"TCPACKSkippedChallenge", value(tcp.challenge_acks_skipped)},
    };
    append_group(text, "TcpExt", tcp_ext);
    const Counter ingot[] = {
        {"FramesReceived", value(stack.frames_received)},
        {"FramesSent", value(stack.frames_sent)},
        {"DroppedMalformed", value(stack.dropped_malformed)},
        {"DroppedBadChecksum", value(stack.dropped_bad_checksum)},
        {"DroppedNotForUs", value(stack.dropped_not_for_us)},
        {"DroppedNoMemory", value(stack.dropped_no_memory)},
        {"DroppedDeviceFull", value(stack.dropped_device_full)},
        {"Reassembled", value(stack.fragments_reassembled)},
        {"FragmentsDropped", value(stack.fragments_dropped)},
        {"ArpUnresolved", value(stack.arp_unresolved)},
        {"Ip6ParameterProblems", value(stack.ipv6_parameter_problems)},
        {"Ip6Unresolved", value(stack.ipv6_unresolved)},
        {"Icmp6EchoReplies", value(stack.icmpv6_echo_replies)},
        {"Icmp6PacketTooBig", value(stack.icmpv6_packet_too_big)},
        {"Icmp6RateLimited", value(stack.icmpv6_rate_limited)},
        {"NdInvalid", value(stack.nd_invalid)},
        {"DadConflicts", value(stack.dad_conflicts)},
        {"TcpEstablished", value(tcp.connections_opened)},
        {"TcpDroppedOutOfWindow", value(tcp.dropped_out_of_window)},
        {"TcpResetsReceived", value(tcp.resets_received)},
        {"TcpSegmentsOffloaded", value(tcp.segments_offloaded)},
        {"TcpRackLosses", value(tcp.rack_losses)},
        {"TcpSpuriousUndos", value(tcp.spurious_undos)},
        {"TcpPathMtuReductions", value(tcp.path_mtu_reductions)},
        {"TcpPathMtuBlackHoles", value(tcp.path_mtu_black_holes)},
        {"TcpPathMtuProbes", value(tcp.path_mtu_probes)},
    };
    append_group(text, "IngotExt", ingot);
}

} // namespace kernel::synthetic
