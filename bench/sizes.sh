#!/usr/bin/env bash
# What an image weighs, and its kernel in memory, for each choice of components: the hellos in C
# (glibc), C++ (iostream) and C (musl), and the HTTP and DNS examples, built by `ingot build` as
# is (hvt and pvh, debug), for one platform, and for hvt without debug (the smallest). Each row
# also shows the program itself, the baseline an image adds its kernel and payload to. No KVM
# needed: sizes do not change between runs.
# Usage: bench/sizes.sh [build-dir]   (default: the repository's build/; build it first)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$root/build}" >&2; exit 1; }
ingot=$build/bin/ingot
[[ -x $ingot ]] || { echo "bench: $ingot is missing: build $build first" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-sizes.XXXXXX")
trap 'rm -rf "$work"' EXIT

programs=()
compile() { # name compiler source
    if command -v "$2" >/dev/null && "$2" -O2 -static "$root/bench/hello/$3" -o "$work/$1"; then
        programs+=("$work/$1")
    else
        echo "bench: $2 is missing or failed: no $1" >&2
    fi
}
compile hello-c gcc hello.c
compile hello-c++ g++ hello.cpp
compile hello-musl musl-gcc hello.c
for example in http_server dns_server; do
    if [[ -x $build/examples/$example ]]; then
        programs+=("$build/examples/$example")
    else
        echo "bench: $build/examples/$example is missing: no $example" >&2
    fi
done

kib() { awk -v b="$1" 'BEGIN {printf "%.1f KiB", b / 1024}'; }
variants=("" "--platform hvt" "--platform pvh" "--platform hvt --without debug")
labels=("hvt, pvh, debug" "hvt, debug" "pvh, debug" "hvt")

printf '%-12s %-16s %12s %12s %18s  %s\n' program "image's kernel" image program "kernel in memory" components
for program in "${programs[@]}"; do
    for i in "${!variants[@]}"; do
        # shellcheck disable=SC2086 # the variant is several flags
        "$ingot" build "$program" ${variants[$i]} -o "$work/image" >/dev/null
        "$ingot" inspect "$work/image" >"$work/inspect"
        printf '%-12s %-16s %12s %12s %18s  %s\n' "$(basename "$program")" "${labels[$i]}" \
            "$(kib "$(stat -c %s "$work/image")")" "$(kib "$(stat -c %s "$program")")" \
            "$(awk '$1 == "kernel" {print $2, $3}' "$work/inspect")" \
            "$(sed -n 's/^components *//p' "$work/inspect")"
    done
done
echo "targets (issue 13): musl hello image <= 128 KiB, glibc hello image <= 900 KiB, DNS example"
echo "image <= 1 MiB; kernel in memory for a hello on hvt <= 192 KiB, for the HTTP example <= 512 KiB"
