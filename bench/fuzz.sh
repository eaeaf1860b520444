#!/usr/bin/env bash
# The long run of the syscall fuzzer (tests/programs/syscall_fuzzer.c): many seeds, a minute
# each, on each platform. CTest runs seed 1 briefly (<platform>.syscall_fuzz); CTest cannot keep
# a labelled case out of a plain `ctest`, so the soak lives here.
#
# Usage: bench/fuzz.sh [build-dir]   (default: the repository's build/; build it first)
#   FUZZ_PLATFORMS  platforms to boot on (default "hvt qemu")
#   FUZZ_SEEDS      seeds (default "$(seq 1 20)")
#   FUZZ_SECONDS    seconds per run (default 60)
# A run fails on any status but 0, a missing "fuzz: done", or a stderr line other than the
# kernel's "not implemented" and "clone without CLONE_VM" notes; its output is kept and the
# command to reproduce it is printed. Exits 1 when a run failed, 2 when it cannot start.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || {
    echo "fuzz: no build directory ${1:-$root/build}" >&2
    exit 2
}
ingot=$build/bin/ingot
fuzzer=$build/tests/programs/syscall_fuzzer
for file in "$ingot" "$fuzzer"; do
    [[ -x $file ]] || { echo "fuzz: $file is missing: build $build first" >&2; exit 2; }
done
platforms=${FUZZ_PLATFORMS:-hvt qemu}
seeds=${FUZZ_SEEDS:-$(seq 1 20)}
seconds=${FUZZ_SECONDS:-60}
allowed='^ingot-kernel: syscall [0-9]+ \(.*\) is not implemented: returning ENOSYS$
^ingot-kernel: clone without CLONE_VM\|CLONE_THREAD \(fork, vfork, posix_spawn\) is not supported
^ingot-kernel: signal [0-9]+: the handler has no SA_RESTORER trampoline'

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-fuzz.XXXXXX")
failed=0
for platform in $platforms; do
    for seed in $seeds; do
        out=$work/$platform.$seed.out
        err=$work/$platform.$seed.err
        command=("$ingot" run --platform "$platform" "$fuzzer" -- --seed "$seed" --seconds "$seconds")
        timeout -k 5 $((seconds * 2 + 30)) "${command[@]}" >"$out" 2>"$err"
        status=$?
        summary=$(grep -m1 '^fuzz: seed' "$out")
        problem=""
        if [[ $status != 0 ]]; then
            problem="status $status"
        elif ! grep -q '^fuzz: done$' "$out"; then
            problem="no 'fuzz: done'"
        elif grep -Evq -e "$allowed" "$err"; then
            problem="unexpected stderr: $(grep -Ev -e "$allowed" "$err" | head -1)"
        fi
        if [[ -z $problem ]]; then
            echo "$platform seed $seed: ok: ${summary#fuzz: seed $seed: }"
        else
            failed=$((failed + 1))
            echo "$platform seed $seed: FAILED: $problem (output in $out, $err)"
            echo "  reproduce: ${command[*]} --log-from 0"
        fi
    done
done
if [[ $failed == 0 ]]; then
    rm -rf "$work"
    echo "fuzz: every run passed"
    exit 0
fi
echo "fuzz: $failed run(s) failed"
exit 1
