#!/usr/bin/env bash
# The guest answers ICMPv6 echo on its static address (--ip6) and on its link-local one, which
# it forms from its MAC: ping -6 both from the host side, whose tap (or veth) holds
# 2001:db8::1/64. Neighbour discovery runs both ways first (the host solicits the guest, the
# guest the host for its replies), and duplicate address detection delays the guest's
# addresses by a second. Pings of 4,000 bytes arrive in fragments and are answered in them
# (RFC 8200 4.5). Natively the guest namespace's Linux answers, the baseline.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
require_tools ping:iputils-ping
require_guest_ip6

readonly GUEST_MAC=02:00:00:00:00:15

topology_plain
ip addr add "$HOST_IP6/$PREFIX6" dev "$GUEST_TAP" nodad
if [[ $MODE == native ]]; then
    in_guest ip link set eth0 down
    in_guest ip link set eth0 address "$GUEST_MAC"
    in_guest ip link set eth0 up
    in_guest ip addr add "$GUEST_IP6/$PREFIX6" dev eth0
fi
GUEST_NET_ARGS+=(--ip6 "$GUEST_IP6/$PREFIX6" --mac "$GUEST_MAC")
# The modified EUI-64 identifier of 02:00:00:00:00:15 (RFC 4291 appendix A).
GUEST_LINK_LOCAL=fe80::ff:fe00:15
start_server "$EXAMPLES/http_server" 80
wait_until "the first ping6 answer" ping -6 -c 1 -W 1 "$GUEST_IP6"
out=$(ping -6 -c 20 -i 0.05 -W 2 -s 1000 "$GUEST_IP6" 2>&1)
echo "$out" | tail -n 2
grep -q ' 20 received' <<<"$out" || fail "not all 20 pings of 1000 bytes to $GUEST_IP6 were answered"
out=$(ping -6 -c 5 -i 0.2 -W 2 -s 4000 "$GUEST_IP6" 2>&1)
echo "$out" | tail -n 2
grep -q ' 5 received' <<<"$out" || fail "not all 5 fragmented pings of 4000 bytes were answered"
wait_until "the first link-local ping6 answer" ping -6 -c 1 -W 1 "$GUEST_LINK_LOCAL%$GUEST_TAP"
out=$(ping -6 -c 5 -i 0.05 -W 2 -p 1234abcd "$GUEST_LINK_LOCAL%$GUEST_TAP" 2>&1)
echo "$out" | tail -n 2
grep -q ' 5 received' <<<"$out" || fail "not all 5 pings to $GUEST_LINK_LOCAL were answered"
pass "ping -6 $GUEST_IP6 (1000 and 4000 bytes) and $GUEST_LINK_LOCAL: 30 of 30 answered"
