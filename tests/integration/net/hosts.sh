#!/usr/bin/env bash
# The guest's /etc/hosts (kernel/fs/synthetic) names it at its addresses, so that a program
# finds them without DNS: getaddrinfo of the guest's own name gives 10.0.2.15 and, with --ip6,
# 2001:db8::15 as well; localhost gives 127.0.0.1 and ::1. Guest modes only: natively the
# namespace shares the host's name and /etc/hosts.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"

topology_plain
topology_plain_ipv6
lookup() { # name (empty: the guest's own); the lines land in $found
    start_server "$PROGRAMS/host_addresses" ${1:+"$1"}
    wait_server_exit 60 || fail "host_addresses ${1:-with no name} failed"
    found=$(<"$WORK/server.out")
    note "$found"
}
lookup
own=$found
grep -Eq "^[^ ]+ AF_INET $GUEST_IP\$" <<<"$own" || fail "the guest's name does not give $GUEST_IP"
grep -Eq "^[^ ]+ AF_INET6 $GUEST_IP6\$" <<<"$own" || fail "the guest's name does not give $GUEST_IP6"
lookup localhost
local_names=$found
grep -q "^localhost AF_INET 127.0.0.1\$" <<<"$local_names" || fail "localhost does not give 127.0.0.1"
grep -q "^localhost AF_INET6 ::1\$" <<<"$local_names" || fail "localhost does not give ::1"
pass "getaddrinfo of the guest's name gives $GUEST_IP and $GUEST_IP6; localhost both loopbacks"
