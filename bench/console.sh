#!/usr/bin/env bash
# The console's throughput under QEMU: SIZE_MIB (64) of random bytes piped into a program that
# echoes them (tests/programs/stdin_echo.c) and back out, through `ingot run --platform qemu`
# over its virtio-console port and, as the baseline timed in the same run, over COM1
# (--qemu-console serial); hvt beside them where /dev/kvm works, and the same copy natively.
# Usage: bench/console.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (3, for every row but COM1), SERIAL_RUNS (1: COM1 takes minutes a run),
# SIZE_MIB (64), SERIAL_SIZE_MIB (SIZE_MIB; smaller makes COM1's row quicker, its MiB/s the same).
# Every run's output is checksummed against its input; a wrong one fails the bench.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$root/build}" >&2; exit 1; }
ingot=$build/bin/ingot
echo_program=$build/tests/programs/stdin_echo
runs=${RUNS:-3}
serial_runs=${SERIAL_RUNS:-1}
size_mib=${SIZE_MIB:-64}
serial_size_mib=${SERIAL_SIZE_MIB:-$size_mib}

for tool in "$ingot" "$echo_program"; do
    [[ -x $tool ]] || { echo "bench: $tool is missing: build $build first" >&2; exit 1; }
done
command -v qemu-system-x86_64 >/dev/null || { echo "bench: qemu-system-x86_64 is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-console.XXXXXX")
trap 'rm -rf "$work"' EXIT

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) exit 1; m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m}'; }

for mib in "$size_mib" "$serial_size_mib"; do
    [[ -f $work/input-$mib ]] || head -c $((mib << 20)) /dev/urandom >"$work/input-$mib"
done

problems=0
# One row: label, MiB, runs, then the command that copies stdin to stdout. Prints the median
# wall time and MiB/s each way; sets $row_us.
row() {
    local label=$1 mib=$2 count=$3
    shift 3
    local input=$work/input-$mib want
    want=$(sha256sum <"$input" | cut -d' ' -f1)
    : >"$work/times"
    for ((run = 0; run < count; ++run)); do
        local start end got
        start=$(now_us)
        got=$(cat "$input" | "$@" 2>"$work/stderr" | sha256sum | cut -d' ' -f1) || true
        end=$(now_us)
        if [[ $got != "$want" ]]; then
            echo "bench: $label: the output differs from the input ($(head -c 200 "$work/stderr"))" >&2
            problems=$((problems + 1))
            row_us=0
            return
        fi
        echo $((end - start)) >>"$work/times"
    done
    row_us=$(median <"$work/times")
    awk -v label="$label" -v mib="$mib" -v us="$row_us" -v n="$count" \
        'BEGIN {printf "%-44s %4d MiB  %8.2f s  %8.2f MiB/s each way  (median of %d)\n", label, mib, us / 1e6, mib / (us / 1e6), n}'
}
rate() { awk -v mib="$1" -v us="$2" 'BEGIN {if (us > 0) print mib / (us / 1e6); else print 0}'; }

echo "Console throughput: ${size_mib} MiB in through a pipe and back out, checksummed"
row "native (stdin_echo)" "$size_mib" "$runs" "$echo_program"
if [[ -r /dev/kvm && -w /dev/kvm ]]; then
    row "ingot run --platform hvt" "$size_mib" "$runs" "$ingot" run --platform hvt "$echo_program"
    hvt_rate=$(rate "$size_mib" "$row_us")
else
    echo "ingot run --platform hvt                     skipped: no usable /dev/kvm"
    hvt_rate=0
fi
row "ingot run --platform qemu (virtio-console)" "$size_mib" "$runs" \
    "$ingot" run --platform qemu "$echo_program"
virtio_rate=$(rate "$size_mib" "$row_us")
row "ingot run --platform qemu --qemu-console serial" "$serial_size_mib" "$serial_runs" \
    "$ingot" run --platform qemu --qemu-console serial "$echo_program"
serial_rate=$(rate "$serial_size_mib" "$row_us")

awk -v v="$virtio_rate" -v s="$serial_rate" -v h="$hvt_rate" 'BEGIN {
    if (v > 0 && s > 0) printf "virtio-console / COM1: %.1fx the throughput\n", v / s
    if (v > 0 && h > 0) printf "hvt / virtio-console: %.2fx (target: within 2x)%s\n", h / v, h / v <= 2 ? "" : "  MISSED"
}'
((problems == 0))
