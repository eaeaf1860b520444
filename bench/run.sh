#!/usr/bin/env bash
# Ingot's benchmarks: boot time against the KVM floor, exits per boot, sizes, smallest memory,
# boot time under QEMU (bench/qemu.sh), networking (bench/net.sh, bench/net_lossy.sh), the
# console (bench/console.sh) and system calls: null, and clock reads (bench/syscall.sh).
# Usage: bench/run.sh [build-dir]   (default: the repository's build/; build it first)
# Exits non-zero only when a figure could not be measured; missed targets are only reported.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$root/build}" >&2; exit 1; }
ingot=$build/bin/ingot
floor=$build/bin/ingot-bench-floor
runs=20
warmups=3
expected="Hello, world!"

problems=0
problem() { echo "bench: cannot measure: $*" >&2; problems=$((problems + 1)); }

for tool in "$ingot" "$floor"; do
    [[ -x $tool ]] || { echo "bench: $tool is missing: build $build first" >&2; exit 1; }
done
[[ -r /dev/kvm && -w /dev/kvm ]] || { echo "bench: /dev/kvm is not usable" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$work/stdout
err=$work/stderr

# ---- The programs: hello in C (glibc), C++ (iostream) and C (musl, when musl-gcc exists).
programs=()
compile() { # name compiler source
    local name=$1 compiler=$2 source=$3
    if ! command -v "$compiler" >/dev/null; then
        echo "bench: $compiler not found: no $name hello" >&2
        return 1
    fi
    if ! "$compiler" -O2 -static "$root/bench/hello/$source" -o "$work/hello-$name" 2>"$err"; then
        problem "$compiler could not build the $name hello: $(head -c 400 "$err")"
        return 1
    fi
    if ! "$ingot" build "$work/hello-$name" -o "$work/hello-$name.img" >"$out" 2>"$err"; then
        problem "ingot build failed for the $name hello: $(head -c 400 "$err")"
        return 1
    fi
    programs+=("$name")
}
compile c gcc hello.c
compile c++ g++ hello.cpp
command -v musl-gcc >/dev/null && compile musl musl-gcc hello.c
have() { [[ " ${programs[*]} " == *" $1 "* ]]; }

# ---- Helpers.
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; } # bash 5: no fork
median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) exit 1; m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.2f", us / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "-"}'; }
# A run is correct when it exits with the expected status and, for a hello, prints the greeting.
correct() { # status expected-status wants-greeting
    [[ $1 == "$2" ]] || return 1
    [[ $3 == no ]] || [[ $(<"$out") == "$expected" ]]
}

# ---- a. Boot time: the whole `ingot run` process, rounds interleaving every case.
case_names=() case_status=() case_greets=()
add_case() { # label expected-status wants-greeting command...
    local index=${#case_names[@]}
    case_names+=("$1") case_status+=("$2") case_greets+=("$3")
    shift 3
    declare -g -a "case_cmd_$index=()"
    local -n cmd=case_cmd_$index
    cmd=("$@")
}
add_case "floor (bench/floor)" 0 no "$floor"
add_case "ingot refused (--mem 4K)" 2 no "$ingot" run "$work/hello-c.img" --mem 4K
add_case "native ./hello (Linux)" 0 yes "$work/hello-c"
for name in c c++ musl; do
    have "$name" && add_case "ingot run hello-$name.img" 0 yes "$ingot" run "$work/hello-$name.img"
done
for name in c c++; do
    have "$name" && add_case "ingot run ./hello-$name" 0 yes "$ingot" run "$work/hello-$name"
done

declare -A broken
for ((round = 0; round < warmups + runs; ++round)); do
    for ((i = 0; i < ${#case_names[@]}; ++i)); do
        [[ -n ${broken[$i]:-} ]] && continue
        local_cmd="case_cmd_$i[@]"
        start=$(now_us)
        "${!local_cmd}" >"$out" 2>"$err" </dev/null
        status=$?
        end=$(now_us)
        if ! correct "$status" "${case_status[$i]}" "${case_greets[$i]}"; then
            problem "${case_names[$i]}: exit $status, stderr: $(head -c 300 "$err")"
            broken[$i]=1
            continue
        fi
        ((round >= warmups)) && echo $((end - start)) >>"$work/times-$i"
    done
done
case_median() { [[ -z ${broken[$1]:-} ]] && median <"$work/times-$1"; }
case_index() { local i; for ((i = 0; i < ${#case_names[@]}; ++i)); do [[ ${case_names[$i]} == "$1" ]] && echo "$i" && return; done; return 1; }
floor_median=$(case_median 0) || floor_median=0

echo "Ingot benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), Linux $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "build $build; timings are noisy when the machine is busy: compare within one run"
echo
echo "a. Boot: wall time of the whole process, $runs runs after $warmups warm-ups (interleaved)"
printf '   %-28s %9s %9s %9s %9s   %s\n' case median min max "/floor" target
for ((i = 0; i < ${#case_names[@]}; ++i)); do
    name=${case_names[$i]}
    if [[ -n ${broken[$i]:-} ]]; then
        printf '   %-28s %9s\n' "$name" failed
        continue
    fi
    m=$(case_median "$i")
    read -r lo hi < <(sort -n "$work/times-$i" | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo, hi}')
    target=""
    case $name in
    "ingot run hello-c.img") limit=2 ;;
    "ingot run hello-c++.img") limit=3 ;;
    *) limit="" ;;
    esac
    if [[ -n $limit ]]; then
        target=$(awk -v m="$m" -v f="$floor_median" -v l="$limit" 'BEGIN {printf "<= %dx: %s", l, (f > 0 && m <= l * f) ? "met" : "MISSED"}')
    fi
    r=-
    ((i > 0)) && r=$(ratio "$m" "$floor_median")
    printf '   %-28s %6s ms %6s ms %6s ms %9s   %s\n' "$name" "$(ms "$m")" "$(ms "$lo")" "$(ms "$hi")" "$r" "$target"
done
echo "   (refused: ingot starts, reads the image and stops before KVM; native: the C hello on Linux)"

# ---- b. Exits per boot, from --stats (5 runs each), and the monitor's own wall time.
echo
echo "b. Exits per boot (ingot run IMAGE --stats, 5 runs; wall_ms = inside the monitor, median)"
printf '   %-10s %8s %11s %15s %10s\n' hello exits hypercalls console_writes wall_ms
for name in "${programs[@]}"; do
    : >"$work/stats"
    for ((n = 0; n < 5; ++n)); do
        "$ingot" run "$work/hello-$name.img" --stats >"$out" 2>"$err" </dev/null
        status=$?
        line=$(grep '^ingot-stats:' "$err")
        if ! correct "$status" 0 yes || [[ -z $line ]]; then
            problem "--stats for the $name hello: exit $status, stderr: $(head -c 300 "$err")"
            continue 2
        fi
        echo "$line" >>"$work/stats"
    done
    field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" "$work/stats" | sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print (lo == hi) ? lo : lo "-" hi}'; }
    wall=$(sed -n 's/.* wall_ms=\([0-9.]*\).*/\1/p' "$work/stats" | median)
    printf '   %-10s %8s %11s %15s %10s\n' "$name" "$(field exits)" "$(field hypercalls)" "$(field console_writes)" "$wall"
done

# ---- c. Sizes of images and of their kernels in memory, by components (bench/sizes.sh).
echo
echo "c. Size (bench/sizes.sh)"
"$root/bench/sizes.sh" "$build" 2>&1 | sed 's/^/   /' || problem "bench/sizes.sh: see its messages above"

# ---- d. The smallest --mem that still runs each hello, by bisection in 256 KiB steps.
echo
echo "d. Memory: smallest --mem that runs the hello correctly (256 KiB steps, 1M..64M)"
step_kib() { echo $((1024 + 256 * $1)); } # step 0 = 1 MiB, step 252 = 64 MiB
runs_with() { # name step
    "$ingot" run "$work/hello-$1.img" --mem "$(step_kib "$2")K" >"$out" 2>"$err" </dev/null
    correct $? 0 yes
}
for name in "${programs[@]}"; do
    if ! runs_with "$name" 252; then
        problem "the $name hello does not run even with --mem 64M: $(head -c 300 "$err")"
        continue
    fi
    low=-1 high=252 # low fails (or is below the range), high runs
    runs_with "$name" 0 && high=0
    ((high == 0)) || low=0
    while ((high - low > 1)); do
        mid=$(((low + high) / 2))
        if runs_with "$name" "$mid"; then high=$mid; else low=$mid; fi
    done
    why=""
    if ((low >= 0)); then
        runs_with "$name" "$low"
        if grep -q "too small" "$err"; then
            why="(below: refused by ingot's estimate)"
        else
            why="(below: the guest fails)"
        fi
    fi
    minimum=$(step_kib "$high")
    target=""
    [[ $name == c++ ]] && target=$( ((minimum <= 8192)) && echo "target <= 8 MiB: met" || echo "target <= 8 MiB: MISSED")
    printf '   %-10s %8s KiB = %6s MiB  %-38s %s\n' "hello-$name" "$minimum" "$(awk -v k="$minimum" 'BEGIN {printf "%.2f", k / 1024}')" "$why" "$target"
done

# ---- e. QEMU: boot to program exit beside QEMU's floor and a Linux guest (bench/qemu.sh).
echo
if [[ ${INGOT_BENCH_QEMU:-1} == 0 ]]; then
    echo "e. QEMU: skipped (INGOT_BENCH_QEMU=0)"
else
    echo "e. QEMU (bench/qemu.sh, a few minutes; INGOT_BENCH_QEMU=0 skips it)"
    "$root/bench/qemu.sh" "$build" 2>&1 | sed 's/^/   /' || problem "bench/qemu.sh: see its messages above"
fi

# ---- f. Networking: HTTP and bulk TCP beside the host's stack and a Linux guest (bench/net.sh).
echo
if [[ ${INGOT_BENCH_NET:-1} == 0 ]]; then
    echo "f. Networking: skipped (INGOT_BENCH_NET=0)"
else
    echo "f. Networking (bench/net.sh, several minutes; INGOT_BENCH_NET=0 skips it)"
    "$root/bench/net.sh" "$build" 2>&1 | sed 's/^/   /' || problem "bench/net.sh: see its messages above"
fi

# ---- g. TCP through 5% loss and reordering beside native Linux (bench/net_lossy.sh).
echo
if [[ ${INGOT_BENCH_NET:-1} == 0 ]]; then
    echo "g. Networking through loss: skipped (INGOT_BENCH_NET=0)"
else
    echo "g. Networking through loss (bench/net_lossy.sh, several minutes; INGOT_BENCH_NET=0 skips it)"
    "$root/bench/net_lossy.sh" "$build" 2>&1 | sed 's/^/   /' || problem "bench/net_lossy.sh: see its messages above"
fi

# ---- h. The console under QEMU: 64 MiB each way, virtio-console beside COM1 (bench/console.sh).
echo
if [[ ${INGOT_BENCH_QEMU:-1} == 0 ]]; then
    echo "h. Console throughput: skipped (INGOT_BENCH_QEMU=0)"
else
    echo "h. Console throughput (bench/console.sh, a few minutes; INGOT_BENCH_QEMU=0 skips it)"
    SERIAL_SIZE_MIB=${SERIAL_SIZE_MIB:-4} "$root/bench/console.sh" "$build" 2>&1 | sed 's/^/   /' ||
        problem "bench/console.sh: see its messages above"
fi

# ---- i. What a system call costs: a null syscall as a call and as a trap, a clock read
# through the vDSO and through the syscall, beside native (bench/syscall.sh).
echo
if [[ ${INGOT_BENCH_QEMU:-1} == 0 ]]; then
    echo "i. System calls: skipped (INGOT_BENCH_QEMU=0)"
else
    echo "i. System calls (bench/syscall.sh, under a minute; INGOT_BENCH_QEMU=0 skips it)"
    "$root/bench/syscall.sh" "$build" 2>&1 | sed 's/^/   /' || problem "bench/syscall.sh: see its messages above"
fi

echo
if ((problems)); then
    echo "$problems figure(s) could not be measured: see the messages above" >&2
    exit 1
fi
