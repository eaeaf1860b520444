#!/usr/bin/env bash
# UDP both ways, echoed by the guest one datagram at a time and checked unchanged: 1,000 of
# 1,400 bytes, then 100 of 8,000 and 10 of the largest the family carries, which both ends'
# IP layers fragment and reassemble (RFC 791; RFC 8200 4.5 for IPv6). With --ipv6 all of it goes
# to the guest's static IPv6 address (--ip6; lib.sh's topology_plain_ipv6).
NET_TEST_USAGE="[--ipv6]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"

topology_plain
server_address=$GUEST_IP
largest=65507
case ${NET_ARGS[0]:-} in
--ipv6)
    topology_plain_ipv6
    server_address=$GUEST_IP6
    largest=65527
    ;;
"") ;;
*) net_usage ;;
esac
start_server "$PROGRAMS/udp_echo" serve 7
wait_until "the first echo" "$PROGRAMS/udp_echo" ping "$server_address" 7 1 8
for round in "1000 1400" "100 8000" "10 $largest"; do
    read -r count size <<<"$round"
    out=$("$PROGRAMS/udp_echo" ping "$server_address" 7 "$count" "$size") ||
        fail "udp_echo ping $server_address: $out"
    note "$out"
done
pass "UDP datagrams of 1,400, 8,000 and $largest bytes echoed by $server_address"
