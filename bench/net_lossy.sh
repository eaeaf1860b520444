#!/usr/bin/env bash
# TCP through loss: the same transfer each way through tests/tools/lossy_link (5% loss, 5%
# reordering, fixed seed) for native Linux processes, Ingot on hvt and Ingot under QEMU, all in
# one run, by the integration test's own script (tests/integration/net/transfer.sh); then Ingot's
# figures against native's, and the sending guest's own count of its retransmissions, recoveries
# and timeouts. Target: at least native each way. With BLACK_HOLE=MTU the link
# loses nothing but drops every packet over MTU bytes without ICMP, which each sender must find
# by itself (RFC 4821; the host's Linux with tcp_mtu_probing=1, as transfer.sh sets it).
# Usage: bench/net_lossy.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (1), LOSSY_MIB (64), LOSS (5), REORDER (5), BLACK_HOLE (none).
# Needs root (namespaces, taps). Rows that cannot run here say why and do not fail.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd) || exit 1
runs=${RUNS:-1}
bytes=$((${LOSSY_MIB:-64} << 20))
loss=${LOSS:-5}
reorder=${REORDER:-5}
impairment=(--loss "$loss" --reorder "$reorder")
what="${loss}% loss and ${reorder}% reordering"
if [[ -n ${BLACK_HOLE:-} ]]; then
    impairment=(--black-hole "$BLACK_HOLE")
    what="a black hole for packets over $BLACK_HOLE bytes"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) {print "-"; exit} m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "-" && b != "-" && b > 0) printf "%.2fx", a / b; else print "-"}'; }

modes=(native hvt qemu)
declare -A why_not to_guest from_guest
for mode in "${modes[@]}"; do
    for ((i = 0; i < runs; ++i)); do
        echo "bench: $mode, run $((i + 1)) of $runs ..." >&2
        bash "$root/tests/integration/net/transfer.sh" --mode "$mode" --build "$build" \
            --size "$bytes" "${impairment[@]}" --seed $((i + 1)) >"$work/$mode-$i" 2>&1
        status=$?
        if ((status == 77)); then
            why_not[$mode]=$(sed -n 's/^SKIPPED: //p' "$work/$mode-$i" | head -n 1)
            break
        elif ((status != 0)); then
            why_not[$mode]="failed: $(tail -n 1 "$work/$mode-$i" | cut -c1-200)"
            break
        fi
    done
    [[ -n ${why_not[$mode]:-} ]] && continue
    to_guest[$mode]=$(cat "$work/$mode"-* | sed -n 's/.*host -> guest: .*(\([0-9.]*\) MB\/s).*/\1/p' | median)
    from_guest[$mode]=$(cat "$work/$mode"-* | sed -n 's/.*guest -> host: .*(\([0-9.]*\) MB\/s).*/\1/p' | median)
done

echo "TCP through lossy_link: $((bytes >> 20)) MiB each way, $what, median of $runs"
printf '   %-8s %15s %17s\n' row "to guest MB/s" "from guest MB/s"
for mode in "${modes[@]}"; do
    if [[ -n ${why_not[$mode]:-} ]]; then
        printf '   %-8s %s\n' "$mode" "${why_not[$mode]}"
    else
        printf '   %-8s %15s %17s\n' "$mode" "${to_guest[$mode]}" "${from_guest[$mode]}"
    fi
done
# Through loss (not a black hole) transfer.sh also shows the sending guest's counters.
counters=""
for mode in "${modes[@]}"; do
    [[ -z ${why_not[$mode]:-} ]] || continue
    line=$(sed -n "s/.*guest's TCP counters //p" "$work/$mode-0")
    [[ -n $line ]] && counters+=$(printf '   %-8s %s' "$mode" "$line")$'\n'
done
[[ -n $counters ]] && printf "the sending guest's own TCP counters (/proc/net), first run\n%s" "$counters"
echo "ratios against native (target: at least 1x each way)"
for mode in hvt qemu; do
    printf '   ingot %-5s to guest %7s   from guest %7s\n' "$mode" \
        "$(ratio "${to_guest[$mode]:--}" "${to_guest[native]:--}")" \
        "$(ratio "${from_guest[$mode]:--}" "${from_guest[native]:--}")"
done
exit 0
