#!/usr/bin/env bash
# On-demand start: the first request's latency with `ingot run --on-demand` (the VM boots for
# it: cold), the next request while that VM is still up, and a request to an instance started
# ahead of time (warm), for examples/http_server on hvt and on qemu, all in one run. Each
# figure is curl's time_total (connect to the last byte of the answer) in milliseconds: median,
# min and max of RUNS requests.
# Usage: bench/on_demand.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (10), PLATFORMS ("hvt qemu").
# Needs root (ingot's tap for -p), run in a network namespace of its own; rows that cannot run
# here say why and do not fail.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
ingot=$build/bin/ingot
server=$build/examples/http_server
runs=${RUNS:-10}
platforms=${PLATFORMS:-hvt qemu}
port=18080
idle=500ms

[[ $(id -u) == 0 ]] || { echo "bench/on_demand.sh needs root (ingot's tap for -p)"; exit 1; }
[[ -x $ingot && -x $server ]] || { echo "build ingot and ingot-examples first ($build)"; exit 1; }
command -v curl >/dev/null || { echo "curl is missing (apt-get install curl)"; exit 1; }
if [[ -z ${ON_DEMAND_BENCH_IN_NAMESPACE:-} ]]; then
    ON_DEMAND_BENCH_IN_NAMESPACE=1 exec unshare -n -- "$BASH" "$0" "$build"
fi
ip link set lo up
work=$(mktemp -d /tmp/ingot-bench-on-demand-XXXXXX)
ingot_pid=""
trap '[[ -n $ingot_pid ]] && kill "$ingot_pid" 2>/dev/null; wait; rm -rf "$work"' EXIT

# Milliseconds for one answered request, or nothing.
request() {
    curl -s --max-time 60 -o /dev/null -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port/" |
        awk '$1 == 200 { printf "%.1f\n", $2 * 1000 }'
}

summary() { # label file
    local count
    count=$(wc -l <"$2")
    if ((count == 0)); then
        printf '%-34s no answer\n' "$1"
        return
    fi
    sort -n "$2" | awk -v label="$1" '{ v[NR] = $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%-34s median %8.1f ms   min %8.1f   max %8.1f   (%d runs)\n", label, m, v[1], v[NR], NR }'
}

listening() { ss -Hltn "sport = :$port" | grep -q .; }
booted() { pgrep -P "$ingot_pid" >/dev/null; }

stop_ingot() {
    kill "$ingot_pid" 2>/dev/null
    wait "$ingot_pid" 2>/dev/null
    ingot_pid=""
}

for platform in $platforms; do
    if [[ $platform == qemu ]] && ! command -v "${INGOT_QEMU:-qemu-system-x86_64}" >/dev/null; then
        echo "qemu: skipped (qemu-system-x86_64 is not installed)"
        continue
    fi
    if [[ $platform == hvt && ! -c /dev/kvm ]]; then
        echo "hvt: skipped (/dev/kvm does not exist on this host)"
        continue
    fi
    : >"$work/cold" && : >"$work/up" && : >"$work/warm"

    # Warm: an ordinary instance, up before the first request is timed.
    "$ingot" run --platform "$platform" -p "$port:80" "$server" -- 80 >/dev/null 2>"$work/err" &
    ingot_pid=$!
    for _ in $(seq 600); do
        curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$port/" && break
        kill -0 "$ingot_pid" 2>/dev/null || break
        sleep 0.1
    done
    for _ in $(seq "$runs"); do request >>"$work/warm"; done
    stop_ingot

    # On demand: each round waits for the idle stop, then times the request that boots the VM
    # and the one after it, while that VM is still up.
    "$ingot" run --platform "$platform" --on-demand --idle-stop "$idle" -p "$port:80" "$server" -- 80 \
        >/dev/null 2>"$work/err" &
    ingot_pid=$!
    for _ in $(seq 100); do listening && break; sleep 0.05; done
    for _ in $(seq "$runs"); do
        for _ in $(seq 600); do booted || break; sleep 0.05; done
        request >>"$work/cold"
        request >>"$work/up"
    done
    stop_ingot

    echo "$platform:"
    summary "  on demand, first request (cold)" "$work/cold"
    summary "  on demand, next request (up)" "$work/up"
    summary "  started ahead (warm)" "$work/warm"
    if [[ -s $work/err ]]; then grep "ingot: error" "$work/err" | head -3; fi
done
exit 0
