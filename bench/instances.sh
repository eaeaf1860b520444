#!/usr/bin/env bash
# Detached instances: the time from `ingot run -d -p` of examples/http_server to its first
# answered request (median of RUNS), the supervisor's memory per instance (Rss and Pss of
# /proc/PID/smaps_rollup), and COUNT detached HTTP servers at once, each with its own -p port and
# its own subnet (--ip 10.1.N.2/24: a tap each): the time to start them all (from the first
# `run -d` to the last one's first answer), their total memory (the Pss of every supervisor,
# launch and QEMU process, and the drop of the host's MemAvailable), then their removal.
# Usage: bench/instances.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (5), COUNT (100), PLATFORM (hvt where /dev/kvm can be used, else qemu).
# Needs root (a network namespace of its own, taps), curl and jq. Prints figures, asserts nothing.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$root/build}" >&2; exit 1; }
ingot=$build/bin/ingot
http_server=$build/examples/http_server
runs=${RUNS:-5}
count=${COUNT:-100}

for tool in "$ingot" "$http_server"; do
    [[ -x $tool ]] || { echo "bench: $tool is missing: build $build first" >&2; exit 1; }
done
[[ $(id -u) == 0 ]] || { echo "bench: needs root (taps, a network namespace)" >&2; exit 1; }
for tool in curl jq; do
    command -v $tool >/dev/null || { echo "bench: $tool is missing" >&2; exit 1; }
done
if [[ -z ${PLATFORM:-} ]]; then
    PLATFORM=qemu
    [[ -e /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null && PLATFORM=hvt
fi
# In a network namespace of its own: its ports and taps are nobody else's, and vanish with it.
if [[ -z ${BENCH_IN_NAMESPACE:-} ]]; then
    BENCH_IN_NAMESPACE=1 PLATFORM=$PLATFORM exec unshare -n -- "$BASH" "$0" "$build"
fi
ip link set lo up

INGOT_STATE_DIR=$(mktemp -d /tmp/ingot-bench-instances-XXXXXX)
export INGOT_STATE_DIR
remove_all() { find "$INGOT_STATE_DIR/names" -mindepth 1 -printf '%f\n' | xargs -r "$ingot" rm -f >/dev/null; }
cleanup() {
    remove_all 2>/dev/null
    rm -rf "$INGOT_STATE_DIR"
}
trap cleanup EXIT

# An image file, so that each instance's plan names it and the VMs map it (not a packed copy).
image=$INGOT_STATE_DIR/http_server.img
"$ingot" build "$http_server" -o "$image" >/dev/null || { echo "bench: ingot build failed" >&2; exit 1; }

now() { date +%s.%N; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$2/smaps_rollup" 2>/dev/null || echo 0; }
available_kib() { awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo; }
answered() { curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$1/"; }
wait_answer() { # port: until it answers, at most 300 s
    local deadline=$((SECONDS + 300))
    until answered "$1"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.02
    done
}
# The processes of an instance: its supervisor, ingot launch-plan and (qemu) QEMU, from its
# state.json (instance/instance_record.h): an `ingot inspect` each would measure ingot.
processes() {
    local supervisor launch
    read -r supervisor launch < <(jq -r '"\(.supervisor.pid) \(.vm.pid)"' \
        "$INGOT_STATE_DIR/instances/$(readlink "$INGOT_STATE_DIR/names/$1")/state.json")
    echo "$supervisor $launch $(cat "/proc/$launch/task/$launch/children" 2>/dev/null)"
}

echo "platform: $PLATFORM (${runs} runs; ${count} instances)"

# a. run -d -p to the first answer.
to_answer=() returned=()
for ((i = 0; i < runs; i++)); do
    start=$(now)
    "$ingot" run -d --platform "$PLATFORM" --name "bench$i" -p 18080:80 "$image" -- 80 >/dev/null ||
        { echo "bench: run -d failed" >&2; exit 1; }
    back=$(now)
    wait_answer 18080 || { echo "bench: no answer in 300 s" >&2; exit 1; }
    done_at=$(now)
    returned+=("$(awk -v a="$start" -v b="$back" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
    to_answer+=("$(awk -v a="$start" -v b="$done_at" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
    if ((i == 0)); then
        read -r supervisor launch others <<<"$(processes bench0)"
        sup_rss=$(kib Rss "$supervisor") sup_pss=$(kib Pss "$supervisor")
        launch_pss=$(kib Pss "$launch") other_pss=0
        for pid in $others; do other_pss=$((other_pss + $(kib Pss "$pid"))); done
    fi
    "$ingot" rm -f "bench$i" >/dev/null
done
printf 'a. run -d -p to the first answered request: median %s ms (run -d itself returned after %s ms)\n' \
    "$(printf '%s\n' "${to_answer[@]}" | median)" "$(printf '%s\n' "${returned[@]}" | median)"
printf 'b. one instance: supervisor Rss %s KiB, Pss %s KiB; ingot launch-plan Pss %s KiB; QEMU Pss %s KiB\n' \
    "$sup_rss" "$sup_pss" "$launch_pss" "$other_pss"

# c. COUNT at once.
before=$(available_kib)
start=$(now)
for ((i = 0; i < count; i++)); do
    "$ingot" run -d --platform "$PLATFORM" --name "many$i" -p $((20000 + i)):80 --ip "10.1.$i.2/24" \
        "$image" -- 80 >/dev/null || { echo "bench: run -d of instance $i failed" >&2; exit 1; }
done
all_returned=$(now)
for ((i = 0; i < count; i++)); do
    wait_answer $((20000 + i)) || { echo "bench: instance $i did not answer" >&2; exit 1; }
done
all_answered=$(now)
sleep 2 # the guests settle: what they hold now is what they keep
after=$(available_kib)
supervisors=0 launches=0 others=0
for ((i = 0; i < count; i++)); do
    read -r supervisor launch children <<<"$(processes "many$i")"
    supervisors=$((supervisors + $(kib Pss "$supervisor")))
    launches=$((launches + $(kib Pss "$launch")))
    for pid in $children; do others=$((others + $(kib Pss "$pid"))); done
done
printf 'c. %d instances: all run -d returned after %.1f s, all answered after %.1f s\n' "$count" \
    "$(awk -v a="$start" -v b="$all_returned" 'BEGIN { print b - a }')" \
    "$(awk -v a="$start" -v b="$all_answered" 'BEGIN { print b - a }')"
printf '   Pss: supervisors %d MiB, ingot launch-plan %d MiB, QEMU %d MiB, total %d MiB (%d KiB per instance)\n' \
    $((supervisors >> 10)) $((launches >> 10)) $((others >> 10)) \
    $(((supervisors + launches + others) >> 10)) $(((supervisors + launches + others) / count))
printf '   MemAvailable dropped by %d MiB\n' $(((before - after) >> 10))
start=$(now)
remove_all
printf '   rm -f of all: %.1f s\n' "$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')"
