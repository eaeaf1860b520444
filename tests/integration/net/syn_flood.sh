#!/usr/bin/env bash
# A SYN flood during service: syn_flood sends SYNs from forged sources (whose SYN-ACKs go
# nowhere) faster than half-open connections time out, so the HTTP example's SYN queue stays
# full; curl's requests must still be served, each within a few seconds. Without SYN cookies
# curl's SYN would find no room and be dropped until the flood's entries expire (over a
# minute). Natively, the guest namespace's SyncookiesSent must have grown too.
# Test options: [--rate N] SYNs a second (default 3000)
NET_TEST_USAGE="[--rate N]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
rate=3000
[[ ${NET_ARGS[0]:-} == --rate ]] && rate=${NET_ARGS[1]}
require_tools curl:curl
require_files "$TOOLS/syn_flood"

topology_plain
start_server "$EXAMPLES/http_server" 80
wait_for_tcp "$GUEST_IP" 80
url=http://$GUEST_IP

flood_seconds=40
"$TOOLS/syn_flood" "$GUEST_IP" 80 --seconds "$flood_seconds" --rate "$rate" >"$WORK/flood.out" 2>&1 &
FLOOD_PID=$!
STARTED_PIDS+=("$FLOOD_PID")
# Long enough for the flood to fill any SYN queue Linux or Ingot allows (4096 entries).
sleep 5
served=0 slowest=0
for attempt in $(seq 1 15); do
    started=$(date +%s%N)
    page=$(curl -sS --connect-timeout 4 --max-time 8 "$url/") ||
        fail "request $attempt during the flood failed"
    grep -q "<h1>Hello from Ingot</h1>" <<<"$page" || fail "request $attempt got another page: $page"
    elapsed=$((($(date +%s%N) - started) / 1000000))
    ((elapsed > slowest)) && slowest=$elapsed
    served=$((served + 1))
    kill -0 "$FLOOD_PID" 2>/dev/null || fail "the flood ended before the requests: $(cat "$WORK/flood.out")"
    sleep 1
done
note "$served requests served during the flood, the slowest in $slowest ms"
if [[ $MODE == native ]]; then
    cookies=$(in_guest nstat -az TcpExtSyncookiesSent | awk '/SyncookiesSent/ {print $2}')
    ((${cookies:-0} > 0)) || fail "the native server sent no SYN cookies: the flood did not fill its queue"
    note "native: $cookies SYN cookies sent"
fi
wait "$FLOOD_PID" || fail "syn_flood failed: $(cat "$WORK/flood.out")"
note "$(cat "$WORK/flood.out")"
server_alive || fail "the server died under the flood"
curl -sS --max-time 10 -o /dev/null "$url/" || fail "the server stopped serving after the flood"
pass "HTTP served through a SYN flood of $rate SYNs/s"
