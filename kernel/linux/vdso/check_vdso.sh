#!/usr/bin/env bash
# Refuses a vDSO the loader could not map as it is (CMakeLists.txt runs it after the link):
#   check_vdso.sh READELF VDSO
# It must hold no relocations (nothing would apply them: every address is RIP-relative), no
# writable segment, and export each __vdso_ function at version LINUX_2.6, with DT_HASH
# (musl looks the symbols up with it) and DT_GNU_HASH.
set -euo pipefail
readelf=$1
vdso=$2

fail() {
    echo "check_vdso.sh: $vdso: $*" >&2
    exit 1
}

relocations=$("$readelf" --relocs --wide "$vdso")
grep -q "There are no relocations in this file" <<<"$relocations" || fail "it has relocations:
$relocations"
"$readelf" --program-headers --wide "$vdso" | grep -E '^ +LOAD ' | grep -q ' RW' &&
    fail "it has a writable segment"
dynamic=$("$readelf" --dynamic --wide "$vdso")
for tag in '(HASH)' '(GNU_HASH)'; do
    grep -qF "$tag" <<<"$dynamic" || fail "no $tag in its dynamic section"
done
symbols=$("$readelf" --dyn-syms --wide "$vdso")
for name in clock_gettime gettimeofday time getcpu clock_getres; do
    grep -qE " __vdso_${name}@@LINUX_2\.6$" <<<"$symbols" || fail "__vdso_$name@@LINUX_2.6 missing"
    grep -qE " WEAK .* ${name}@@LINUX_2\.6$" <<<"$symbols" || fail "weak $name@@LINUX_2.6 missing"
done
