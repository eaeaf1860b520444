#!/usr/bin/env bash
# 1,000 concurrent connections served: http_crowd opens them all, and only then sends a request
# on each, twice (keep-alive); every answer must be a complete 200, and the HTTP example must
# report at least 1,000 connections open at once.
# Test options: [--connections N] (default 1000)
NET_TEST_USAGE="[--connections N]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
connections=1000
[[ ${NET_ARGS[0]:-} == --connections ]] && connections=${NET_ARGS[1]}
require_files "$TOOLS/http_crowd"

topology_plain
start_server "$EXAMPLES/http_server" 80
wait_for_tcp "$GUEST_IP" 80
out=$(timeout 120 "$TOOLS/http_crowd" "$GUEST_IP" 80 "$connections" --rounds 2 2>&1)
status=$?
sed 's/^/  /' <<<"$out"
((status == 0)) || fail "http_crowd failed (status $status)"
open=$(sed -n 's/.*connections_open \(-\?[0-9]*\).*/\1/p' <<<"$out")
((open >= connections)) || fail "the server reported $open connections open at once, not $connections"
curl -sS --max-time 10 -o /dev/null "http://$GUEST_IP/" || fail "the server stopped serving after the crowd left"
pass "$connections concurrent connections served, twice each"
