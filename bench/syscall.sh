#!/usr/bin/env bash
# What system calls cost, in the median nanoseconds per call, natively and inside Ingot on
# --platform qemu and, where /dev/kvm works, hvt, with ratios against the native figure timed
# in the same run:
#   - a null syscall, getppid() (glibc's `mov $110, %eax; syscall`): in Ingot as a call (the
#     default: the site is rewritten after its first trap) and as a trap (--syscalls trap);
#   - clock_gettime(CLOCK_MONOTONIC) through the vDSO (the C library's call) and through the
#     raw syscall instruction (syscall(SYS_clock_gettime)).
# Each figure is the median of BATCHES batches of CALLS calls, timed in the program itself with
# CLOCK_MONOTONIC.
# Usage: bench/syscall.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: CALLS (1000000 per batch; the syscall rows use CALLS / SYSCALL_DIVISOR, 10,
# since under QEMU's TCG each may leave the guest), BATCHES (9).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$root/build}" >&2; exit 1; }
ingot=$build/bin/ingot
calls=${CALLS:-1000000}
syscall_divisor=${SYSCALL_DIVISOR:-10}
batches=${BATCHES:-9}

[[ -x $ingot ]] || { echo "bench: $ingot is missing: build $build first" >&2; exit 1; }
command -v gcc >/dev/null || { echo "bench: gcc is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-syscall.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The program: MODE (null: getppid; vdso: clock_gettime; syscall: syscall(SYS_clock_gettime)),
# CALLS, BATCHES; prints the median ns per call.
cat >"$work/call_cost.c" <<'PROGRAM'
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int compare(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv) {
    if (argc != 4)
        return 2;
    int null = strcmp(argv[1], "null") == 0, raw = strcmp(argv[1], "syscall") == 0;
    long calls = atol(argv[2]), batches = atol(argv[3]);
    double per_call[64];
    if (calls <= 0 || batches <= 0 || batches > 64)
        return 2;
    struct timespec t;
    pid_t parent = getppid();
    for (long b = 0; b < batches; ++b) {
        long long start = now_ns();
        for (long i = 0; i < calls; ++i) {
            if (null) {
                if (getppid() != parent)
                    return 1;
            } else if (raw)
                syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
            else
                clock_gettime(CLOCK_MONOTONIC, &t);
        }
        per_call[b] = (double)(now_ns() - start) / calls;
    }
    qsort(per_call, batches, sizeof per_call[0], compare);
    printf("%.1f\n", per_call[batches / 2]);
    return 0;
}
PROGRAM
gcc -O2 -static "$work/call_cost.c" -o "$work/call_cost"

measure() { # label, calls, then the command (MODE CALLS BATCHES appended)
    local label=$1 count=$2
    shift 2
    local ns
    if ! ns=$("$@" "$count" "$batches" 2>"$work/stderr") || [[ -z $ns ]]; then
        echo "bench: $label failed: $(head -c 300 "$work/stderr")" >&2
        exit 1
    fi
    echo "$ns"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", a / b}'; }
row() { printf '%-44s %10s ns  %8s native\n' "$1" "$2" "$(ratio "$2" "$native")"; }

platforms=(qemu)
if [[ -r /dev/kvm && -w /dev/kvm ]]; then
    platforms=(hvt qemu)
else
    echo "hvt: skipped (no usable /dev/kvm)"
fi
command -v qemu-system-x86_64 >/dev/null || {
    echo "qemu: skipped (qemu-system-x86_64 is missing)"
    platforms=("${platforms[@]/qemu/}")
}
few=$((calls / syscall_divisor))

echo "getppid(): median ns per call ($batches batches of $few)"
native=$(measure native "$few" "$work/call_cost" null)
printf '%-44s %10s ns\n' "native (a Linux process)" "$native"
for platform in "${platforms[@]}"; do
    [[ -n $platform ]] || continue
    call_ns=$(measure "$platform call" "$few" "$ingot" run --platform "$platform" "$work/call_cost" -- null)
    row "ingot --platform $platform, syscalls as calls" "$call_ns"
    trap_ns=$(measure "$platform trap" "$few" \
        "$ingot" run --platform "$platform" --syscalls trap "$work/call_cost" -- null)
    row "ingot --platform $platform, --syscalls trap" "$trap_ns"
    echo "ingot --platform $platform: calls are $(ratio "$trap_ns" "$call_ns") faster than traps"
done

echo
echo "clock_gettime(CLOCK_MONOTONIC): median ns per call ($batches batches)"
native=$(measure native "$calls" "$work/call_cost" vdso)
printf '%-44s %10s ns\n' "native (Linux's vDSO)" "$native"
row "native, raw syscall" "$(measure "native syscall" "$few" "$work/call_cost" syscall)"
for platform in "${platforms[@]}"; do
    [[ -n $platform ]] || continue
    vdso_ns=$(measure "$platform vdso" "$calls" "$ingot" run --platform "$platform" "$work/call_cost" -- vdso)
    row "ingot --platform $platform, vDSO" "$vdso_ns"
    syscall_ns=$(measure "$platform syscall" "$few" \
        "$ingot" run --platform "$platform" "$work/call_cost" -- syscall)
    row "ingot --platform $platform, raw syscall" "$syscall_ns"
    echo "ingot --platform $platform: the vDSO is $(ratio "$syscall_ns" "$vdso_ns") faster than the syscall"
done
