#!/usr/bin/env bash
# The guest answers ICMP echo: ping 10.0.2.15 from the host side (the guest runs the HTTP
# example, any server would do: the stack answers, not the program).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
require_tools ping:iputils-ping

topology_plain
start_server "$EXAMPLES/http_server" 80
wait_until "the first ping answer" ping -c 1 -W 1 "$GUEST_IP"
out=$(ping -c 20 -i 0.05 -W 2 -s 1000 "$GUEST_IP" 2>&1)
echo "$out" | tail -n 2
grep -q ' 20 received' <<<"$out" || fail "not all 20 pings of 1000 bytes were answered"
out=$(ping -c 3 -W 2 -p 1234abcd "$GUEST_IP" 2>&1)
grep -q ' 3 received' <<<"$out" || fail "pings with a payload pattern were not answered"
pass "ping $GUEST_IP: 23 of 23 answered"
