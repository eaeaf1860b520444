#!/usr/bin/env bash
# UDP both ways: 1,000 datagrams of 1,400 bytes echoed by the guest, one at a time, unchanged.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"

topology_plain
start_server "$PROGRAMS/udp_echo" serve 7
wait_until "the first echo" "$PROGRAMS/udp_echo" ping "$GUEST_IP" 7 1 8
out=$("$PROGRAMS/udp_echo" ping "$GUEST_IP" 7 1000 1400) || fail "udp_echo ping: $out"
note "$out"
pass "1,000 UDP datagrams echoed"
