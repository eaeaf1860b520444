#!/usr/bin/env bash
# Concurrent connections served (1,000 by default): http_crowd opens them all, and only then
# sends a request on each, twice (keep-alive); every answer must be a complete 200, and the
# HTTP example must report that many connections open at once. The guest's memory in use
# (sysinfo's, from the example's /stats) is printed before and with all of them open: in total
# and per connection.
# One host address has about 64,000 ports towards the server's one port, so beyond 20,000
# connections the host side takes more addresses (10.0.2.100 and up) and http_crowd spreads
# the connections over them.
# Test options: [--connections N] (default 1000) [--seconds S] (http_crowd's limit, default 60)
NET_TEST_USAGE="[--connections N] [--seconds S]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
connections=1000
seconds=60
set -- "${NET_ARGS[@]}"
while (($#)); do
    case $1 in
    --connections) connections=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) net_usage ;;
    esac
done
require_files "$TOOLS/http_crowd"
# Natively the server is a host process: it needs a descriptor per connection.
if [[ $MODE == native ]]; then
    hard=$(ulimit -Hn)
    if [[ $hard != unlimited ]] && ((hard < connections + 64)) &&
        ! (ulimit -Hn $((connections + 64))) 2>/dev/null; then
        skip "natively the server needs $((connections + 64)) descriptors; the hard limit here is $hard and cannot rise"
    fi
fi

topology_plain
sources_option=()
if ((connections > 20000)); then
    sources=()
    for ((i = 0; i < (connections + 19999) / 20000; ++i)); do
        ip addr add "10.0.2.$((100 + i))/$PREFIX" dev "$GUEST_TAP" || fail "cannot add a host address"
        sources+=("10.0.2.$((100 + i))")
    done
    sources_option=(--sources "$(IFS=,; echo "${sources[*]}")")
fi
# This namespace's own ports for the clients: all of them rather than Linux's 28,232.
sysctl -qw net.ipv4.ip_local_port_range="1024 65535" 2>/dev/null || true
# The guest's 64 MiB hold a few thousand connections; beyond, 8 KiB more for each.
if ((connections > 5000)) && [[ -z ${INGOT_NET_MEM:-} ]]; then
    INGOT_NET_MEM=$((64 + connections / 128))
fi
start_server "$EXAMPLES/http_server" 80
wait_for_tcp "$GUEST_IP" 80

memory_in_use() {
    curl -sS --max-time 30 "http://$GUEST_IP/stats" |
        awk '$1 == "system_memory_in_use_bytes" {print $2}'
}
before=$(memory_in_use)
out=$(timeout $((seconds + 60)) "$TOOLS/http_crowd" "$GUEST_IP" 80 "$connections" --rounds 2 \
    --timeout "$seconds" "${sources_option[@]}" 2>&1)
status=$?
sed 's/^/  /' <<<"$out"
((status == 0)) || fail "http_crowd failed (status $status)"
open=$(sed -n 's/.*connections_open \(-\?[0-9]*\).*/\1/p' <<<"$out")
((open >= connections)) || fail "the server reported $open connections open at once, not $connections"
during=$(sed -n 's/.*system_memory_in_use_bytes \(-\?[0-9]*\).*/\1/p' <<<"$out")
if [[ -n $before && -n $during ]] && ((during > 0)); then
    echo "  memory in use: $before bytes before, $during bytes with $connections connections open," \
        "$(((during - before) / connections)) bytes per connection"
fi
curl -sS --max-time 10 -o /dev/null "http://$GUEST_IP/" || fail "the server stopped serving after the crowd left"
pass "$connections concurrent connections served, twice each"
