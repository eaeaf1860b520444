#!/usr/bin/env bash
# Bulk TCP both ways with tcp_transfer: the host sends BYTES to the guest, then the guest sends
# BYTES to the host; the receiver checks every byte against the pattern and both sides' checksums
# must match. With --loss/--reorder the path goes through lossy_link (5% loss and reordering in
# the issue's test), which must have dropped and reordered frames both ways. With --ipv6 the
# transfers go over IPv6 to the guest's static address (lib.sh's topology_plain_ipv6), where the
# device cuts and coalesces segments as over IPv4 (HOST_TSO6, GUEST_TSO6). With --black-hole MTU
# lossy_link drops every packet longer than MTU and sends no ICMP: each sender must find the
# black hole by its timeouts and probe for the largest size that passes (RFC 4821; the host's
# Linux with net.ipv4.tcp_mtu_probing=1, set in this test's namespaces only).
# Test options: [--size BYTES] (default 1 GiB) [--loss PERCENT --reorder PERCENT [--seed N]]
# [--black-hole MTU] [--ipv6]
NET_TEST_USAGE="[--size BYTES] [--loss PERCENT --reorder PERCENT [--seed N]] [--black-hole MTU] [--ipv6]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
size=$((1 << 30)) loss="" reorder=0 seed=1 ipv6="" black_hole=""
set -- "${NET_ARGS[@]}"
while (($#)); do
    case $1 in
    --size) size=${2:-} ;;
    --loss) loss=${2:-} ;;
    --reorder) reorder=${2:-} ;;
    --seed) seed=${2:-} ;;
    --black-hole) black_hole=${2:-} ;;
    --ipv6) ipv6=1 && shift && continue ;;
    *) net_usage ;;
    esac
    shift 2 || net_usage
done
limit=${INGOT_NET_TRANSFER_SECONDS:-900} # per direction
require_files "$PROGRAMS/tcp_transfer"

if [[ -n $loss || -n $black_hole ]]; then
    [[ -z $ipv6 ]] || net_usage
    lossy_options=()
    [[ -n $black_hole ]] && lossy_options=(--black-hole "$black_hole")
    topology_lossy "${loss:-0}" "$reorder" "$seed" "${lossy_options[@]}"
    if [[ -n $black_hole ]]; then
        sysctl -qw net.ipv4.tcp_mtu_probing=1 || fail "cannot turn on the host's MTU probing"
        [[ $MODE == native ]] && in_guest sysctl -qw net.ipv4.tcp_mtu_probing=1
    fi
else
    topology_plain
fi
server_address=$GUEST_IP
if [[ -n $ipv6 ]]; then
    topology_plain_ipv6
    server_address=$GUEST_IP6
fi

# One direction: the guest runs `tcp_transfer listen PORT GUEST_ROLE...`, the host connects.
transfer() { # label port guest-args host-args
    local label=$1 port=$2
    local -a guest_args host_args
    read -ra guest_args <<<"$3"
    read -ra host_args <<<"$4"
    start_server "$PROGRAMS/tcp_transfer" listen "$port" "${guest_args[@]}"
    local host_line
    host_line=$(timeout "$limit" "$PROGRAMS/tcp_transfer" connect "$server_address" "$port" "${host_args[@]}" 2>"$WORK/client.err") ||
        fail "$label: the host side failed or took over ${limit}s: $host_line $(<"$WORK/client.err")"
    # e.g. a guest that received everything and stopped before its last ACKs got through
    [[ -s $WORK/client.err ]] && note "$label: host side: $(<"$WORK/client.err")"
    wait_server_exit 60 || fail "$label: the guest side exited with status $?"
    local guest_line
    guest_line=$(grep -E '^(sent|received) ' "$WORK/server.out")
    [[ -n $guest_line ]] || fail "$label: the guest side printed no result"
    local sender receiver
    if [[ $host_line == sent* ]]; then sender=$host_line receiver=$guest_line; else sender=$guest_line receiver=$host_line; fi
    [[ $receiver == *"pattern ok"* ]] || fail "$label: the received bytes differ from the pattern: $receiver"
    [[ $sender == "sent $size bytes "* && $receiver == "received $size bytes "* ]] ||
        fail "$label: not $size bytes: sender '$sender', receiver '$receiver'"
    [[ ${receiver##*checksum } == "${sender##*checksum } "* ]] ||
        fail "$label: checksums differ: sender '$sender', receiver '$receiver'"
    note "$label: $receiver"
    if [[ -n $loss && $label == "guest -> host" ]]; then
        # The guest's own account of its sending through the loss (/proc/net/snmp, netstat).
        local counters_line
        counters_line=$(grep '^counters ' "$WORK/server.out") || fail "$label: the guest printed no counters"
        note "$label: guest's TCP $counters_line"
        [[ $counters_line =~ RetransSegs=[1-9] && $counters_line =~ TCPSackRecovery=[1-9] ]] ||
            fail "$label: the guest's counters show no retransmission or no SACK recovery: $counters_line"
    fi
}

transfer "host -> guest" 5001 "receive" "send $size"
transfer "guest -> host" 5002 "send $size --counters" "receive"
what="$size bytes each way${ipv6:+ over IPv6}, checksums match"
# Fails unless lossy_link's COUNTER ("dropped", "too big"...) is above zero in each direction.
expect_each_direction() { # counter failure-message
    local line count
    while read -r line; do
        count=$(sed -n "s/.* \([0-9]*\) $1.*/\1/p" <<<"$line")
        ((count > 0)) || fail "$2: $line"
    done < <(grep -E ': [0-9]+ frames' <<<"$counters")
}
if [[ -n $loss || -n $black_hole ]]; then
    counters=$(stop_lossy_link)
    sed "s/^/  /" <<<"$counters"
fi
if [[ -n $loss ]]; then
    expect_each_direction dropped "lossy_link dropped nothing"
    [[ $reorder != 0 ]] && expect_each_direction reordered "lossy_link reordered nothing"
    what+=", through ${loss}% loss and ${reorder}% reordering"
elif [[ -n $black_hole ]]; then
    expect_each_direction "too big" "no packet ran into the black hole"
    what+=", through a black hole for packets over $black_hole bytes"
fi
pass "$what"
