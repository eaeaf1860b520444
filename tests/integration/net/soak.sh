#!/usr/bin/env bash
# wrk against the HTTP example for 30 s (100 connections): no socket errors, no non-2xx answers,
# and flat guest memory: the figure of guest_memory_bytes (lib.sh: the example's /stats unless
# INGOT_NET_MEMORY_PROBE says otherwise), taken after a warm-up and again after the run, may
# grow by at most 1 MiB.
# Test options: [--seconds N] (default 30) [--connections N] (default 100)
NET_TEST_USAGE="[--seconds N] [--connections N]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
seconds=30 connections=100
set -- "${NET_ARGS[@]}"
while (($#)); do
    case $1 in
    --seconds) seconds=$2 ;;
    --connections) connections=$2 ;;
    *) net_usage ;;
    esac
    shift 2 || net_usage
done
require_tools wrk:wrk curl:curl
allowed_growth=$((1 << 20))

topology_plain
HTTP_PORT=80
start_server "$EXAMPLES/http_server" "$HTTP_PORT"
wait_for_tcp "$GUEST_IP" "$HTTP_PORT"
url=http://$GUEST_IP:$HTTP_PORT/

# Checks one wrk report: requests made, no socket errors, every answer 2xx.
check_wrk() { # label report
    local label=$1 report=$2
    grep -q 'requests in' <<<"$report" || fail "$label: wrk did not run: $report"
    local requests
    requests=$(awk '/requests in/ {print $1}' <<<"$report")
    ((requests > 0)) || fail "$label: wrk made no request"
    if grep -q 'Socket errors' <<<"$report"; then
        grep -Eq 'Socket errors: connect 0, read 0, write 0, timeout 0' <<<"$report" ||
            fail "$label: $(grep 'Socket errors' <<<"$report")"
    fi
    if grep -q 'Non-2xx' <<<"$report"; then
        fail "$label: $(grep 'Non-2xx' <<<"$report")"
    fi
}

warmup=$(wrk -t 2 -c "$connections" -d 3s "$url" 2>&1)
check_wrk "warm-up" "$warmup"
before=$(guest_memory_bytes) || fail "no memory figure from the guest before the run"
report=$(wrk -t 2 -c "$connections" -d "${seconds}s" --latency "$url" 2>&1)
check_wrk "the ${seconds} s run" "$report"
after=$(guest_memory_bytes) || fail "no memory figure from the guest after the run"
grep -E 'Requests/sec|requests in|Latency|99%' <<<"$report" | sed 's/^ */  /'
note "guest memory: $before bytes after the warm-up, $after after the run"
((after - before <= allowed_growth)) ||
    fail "guest memory grew by $((after - before)) bytes during the run (allowed: $allowed_growth)"
curl -sS --max-time 10 -o /dev/null "$url" || fail "the server stopped serving after the run"
pass "wrk ${seconds}s with $connections connections: no socket errors, all 2xx, memory flat"
