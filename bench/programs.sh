#!/usr/bin/env bash
# Debian's own dynamically linked programs in Ingot (issue 10's figures): python3 start-up and
# a standard-library script on hvt and qemu against the same program natively, the image sizes
# of python3 and nginx, and the time from `ingot run` to nginx's first answered request against
# nginx started natively. Medians, every figure beside its baseline timed in the same run.
# Usage: bench/programs.sh [build-dir]   (RUNS=10 QEMU_RUNS=3 by default)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory" >&2; exit 1; }
ingot=$build/bin/ingot
runs=${RUNS:-10}
qemu_runs=${QEMU_RUNS:-3}
for tool in "$ingot" /usr/bin/python3 /usr/sbin/nginx; do
    [[ -x $tool ]] || { echo "bench: $tool is missing" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-programs.XXXXXX")
trap 'rm -rf "$work"' EXIT
tour=$root/tests/integration/debian

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) exit 1; m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f ms", us / 1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1fx", a / b; else print "-"}'; }
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }

# Median wall time of a command, in microseconds (its output is discarded; it must succeed).
time_command() { # count command...
    local count=$1 i start
    shift
    "$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; return 1; }
    for ((i = 0; i < count; ++i)); do
        start=$(now_us)
        "$@" >/dev/null 2>&1
        echo $(($(now_us) - start))
    done | median
}

# python3 needs its standard library (encodings at least) to start at all.
"$ingot" build -m 256M --add /usr/lib/python3.11 /usr/bin/python3 -o "$work/python-pass.img" \
    -- -c pass
"$ingot" build -m 256M --add /usr/lib/python3.11 --add "$tour:/app" /usr/bin/python3 \
    -o "$work/python-tour.img" -- /app/stdlib_tour.py

echo "a. python3 (Debian's, unmodified), ${runs} runs (qemu ${qemu_runs}), medians"
printf '   %-34s %12s %12s %12s\n' case native hvt qemu
for which in pass tour; do
    if [[ $which == pass ]]; then
        native=$(time_command "$runs" /usr/bin/python3 -c pass)
    else
        native=$(time_command "$runs" /usr/bin/python3 "$tour/stdlib_tour.py")
    fi
    hvt=$(time_command "$runs" "$ingot" run "$work/python-$which.img")
    qemu=$(time_command "$qemu_runs" "$ingot" run --platform qemu "$work/python-$which.img")
    label="python3 -c pass"
    [[ $which == tour ]] && label="stdlib_tour.py (json, sqlite3, ssl..)"
    printf '   %-34s %12s %12s %12s   hvt %s, qemu %s of native\n' "$label" "$(ms "$native")" \
        "$(ms "$hvt")" "$(ms "$qemu")" "$(ratio "$hvt" "$native")" "$(ratio "$qemu" "$native")"
done

echo "b. image sizes"
site=$work/site
cp -r "$root/tests/integration/net/nginx" "$site"
"$ingot" build /usr/sbin/nginx -o "$work/nginx.img" --add "$site:/srv/site" \
    -- -p /srv/site -c conf/nginx.conf -g 'daemon off; master_process off;'
printf '   %-34s %s\n' "python3 + /usr/lib/python3.11" "$(mib "$work/python-pass.img")"
printf '   %-34s %s\n' "nginx + its site" "$(mib "$work/nginx.img")"

echo "c. from start to nginx's first answered request (hvt, -p 8080:80; native: nginx itself), ${runs} runs"
if [[ $(id -u) != 0 ]]; then
    echo "   (skipped: -p needs root)"
    exit 0
fi
first_answer() { # command...
    local start pid
    start=$(now_us)
    "$@" >/dev/null 2>&1 &
    pid=$!
    until curl -s -o /dev/null --max-time 1 http://127.0.0.1:8080/; do sleep 0.002; done
    echo $(($(now_us) - start))
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}
sed 's/listen 80;/listen 127.0.0.1:8080;/' "$site/conf/nginx.conf" >"$site/conf/native.conf"
native=$(for ((i = 0; i < runs; ++i)); do
    first_answer /usr/sbin/nginx -p "$site" -c conf/native.conf -g 'daemon off; master_process off;'
done | median)
guest=$(for ((i = 0; i < runs; ++i)); do
    first_answer "$ingot" run -p 8080:80 "$work/nginx.img"
done | median)
printf '   native %s, Ingot hvt %s (%s)\n' "$(ms "$native")" "$(ms "$guest")" "$(ratio "$guest" "$native")"
