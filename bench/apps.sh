#!/usr/bin/env bash
# Application figures: Debian's nginx-light (static files, wrk: req/s and p99) and redis-server
# (redis-benchmark: SET and GET ops/s), the same binaries with the same configuration in the
# four rows of bench/net_rows.sh (native, ingot hvt, ingot qemu, Debian's Linux under the same
# QEMU), all in one run; then ratios: ingot hvt / native, ingot qemu / linux qemu.
# Usage: bench/apps.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (3), WRK_SECONDS (10), WRK_CONNECTIONS (64, the index), WRK_BIG_CONNECTIONS
#   (8, the 1 MiB file), WRK_TIMEOUT (10), REDIS_REQUESTS (50000), REDIS_REQUESTS_TCG (20000),
#   REDIS_CLIENTS (50), LINUX_KERNEL (default: the newest /boot/vmlinuz-*), BOOT_SECONDS (180).
# Needs root (namespaces, taps), wrk, nginx-light, redis-server and redis-tools. Rows that cannot
# run here say why and do not fail.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/bench/net_rows.sh"
rows_arguments "$@"
nginx=/usr/sbin/nginx
redis_server=/usr/bin/redis-server
wrk_connections=${WRK_CONNECTIONS:-64}
wrk_big_connections=${WRK_BIG_CONNECTIONS:-8}
redis_requests=${REDIS_REQUESTS:-50000}
redis_requests_tcg=${REDIS_REQUESTS_TCG:-20000}
redis_clients=${REDIS_CLIENTS:-50}
# The same command lines in every row: the prefix and the configuration are at the same paths
# in Ingot's images and in the Linux guest's initramfs as on the host.
nginx_command() { echo "$nginx" -p "$work/nginx/" -c conf/nginx.conf; }
redis_command() { echo "$redis_server" "$work/redis.conf"; }

# ---------------------------------------------------------------------------------------------
# One row, inside its own network namespace.
if [[ -n $row ]]; then
    row_begin
    # shellcheck disable=SC2046 # the commands have no blanks in their words
    start_server --image "$work/nginx.img" $(nginx_command)
    wait_until_up curl -s --max-time 2 -o /dev/null "http://$guest_ip/index.html"
    if ! curl -s --max-time 60 "http://$guest_ip/big.bin" | cmp -s - "$work/nginx/html/big.bin"; then
        echo "result error nginx did not serve big.bin byte for byte: $(server_output 200)"
        exit 0
    fi
    wrk_figures index_ "$wrk_connections" "http://$guest_ip/index.html"
    wrk_figures big_ "$wrk_big_connections" "http://$guest_ip/big.bin"
    stop_server

    requests=$redis_requests
    [[ $row == *qemu ]] && requests=$redis_requests_tcg
    redis_answers() { [[ $(redis-cli -h "$guest_ip" ping 2>/dev/null) == PONG ]]; }
    # shellcheck disable=SC2046
    start_server --image "$work/redis.img" $(redis_command)
    wait_until_up redis_answers
    redis-benchmark -h "$guest_ip" -t set,get -n 1000 -c "$redis_clients" -q >/dev/null 2>&1 # warm-up
    for ((i = 0; i < runs; ++i)); do
        report=$(redis-benchmark -h "$guest_ip" -t set,get -n "$requests" -c "$redis_clients" --csv 2>&1)
        # CSV: "test","rps",... one line per test.
        figures=$(awk -F'"' '$2 == "SET" {print "result set", $4} $2 == "GET" {print "result get", $4}' <<<"$report")
        if [[ $(wc -l <<<"$figures") != 2 ]]; then
            echo "result error redis-benchmark: $(tr '\n' ' ' <<<"$report" | cut -c1-200) $(server_output 200)"
            exit 0
        fi
        echo "$figures"
    done
    stop_server
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# The driver: prepares the servers' files, checks what each row needs, runs the rows one after
# the other, prints the table.
rows_begin apps.sh wrk curl redis-cli redis-benchmark ldd
for file in "$nginx" "$redis_server"; do
    [[ -x $file ]] || { echo "bench: $file is missing (scripts/install-dependencies.sh)" >&2; exit 1; }
done
# nginx's prefix: the configuration, the site (a small index and a 1 MiB file) and tmp/ for
# its temporary files.
mkdir -p "$work/nginx/conf" "$work/nginx/html" "$work/nginx/tmp"
cp "$root/bench/apps/nginx.conf" "$work/nginx/conf/"
cp "$root/bench/apps/index.html" "$work/nginx/html/"
head -c 1048576 /dev/urandom >"$work/nginx/html/big.bin"
cp "$root/bench/apps/redis.conf" "$work/redis.conf"

# Ingot: one image per server, with its files (ingot collects the shared libraries itself).
pack() { # image program --add...
    local output
    output=$("$ingot" build "$2" -o "$1" "${@:3}" 2>&1) && return 0
    why_not[ingot-hvt]="not available (ingot build $2: $(head -n 1 <<<"$output" | cut -c1-150))"
    why_not[ingot-qemu]=${why_not[ingot-hvt]}
    return 1
}
if [[ -z ${why_not[ingot-hvt]:-} || -z ${why_not[ingot-qemu]:-} ]]; then
    pack "$work/nginx.img" "$nginx" --add "$work/nginx" &&
        pack "$work/redis.img" "$redis_server" --add "$work/redis.conf"
fi

# The Linux guest: both servers at /NAME, their shared libraries and the loader where ldd finds
# them on the host, the same files at the same paths, and the user database nginx's `user root`
# reads.
if ((${#linux_entries[@]})); then
    mkdir -p "$work/etc"
    echo "root:x:0:0:root:/root:/bin/sh" >"$work/etc/passwd"
    echo "root:x:0:" >"$work/etc/group"
    printf 'passwd: files\ngroup: files\n' >"$work/etc/nsswitch.conf"
    libraries=()
    while read -r library; do
        libraries+=("file:${library#/}=$library")
    done < <(ldd "$nginx" "$redis_server" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' | sort -u)
    source "$root/bench/initramfs.sh"
    make_initramfs "$work/initramfs.gz" "${linux_entries[@]}" "file:nginx=$nginx" \
        "file:redis-server=$redis_server" "${libraries[@]}" "tree:${work#/}/nginx=$work/nginx" \
        "file:${work#/}/redis.conf=$work/redis.conf" "tree:etc=$work/etc"
fi
rows_run

keys=(index_rps index_p99 big_rps big_p99 set get)
declare -A figure
for row in "${rows[@]}"; do
    for key in "${keys[@]}"; do
        figure[$row.$key]=$(value "$row" "$key")
    done
done

rows_header "Applications"
echo "nginx: Debian's nginx-light $("$nginx" -v 2>&1 | sed 's/.*nginx\///'), $(nginx_command | sed "s|$work|WORK|g"), bench/apps/nginx.conf"
echo "   index: wrk -t2 -c$wrk_connections -d${wrk_seconds}s --latency http://$guest_ip/index.html ($(stat -c %s "$root/bench/apps/index.html") bytes), median of $runs"
echo "   1 MiB: wrk -t2 -c$wrk_big_connections -d${wrk_seconds}s --latency http://$guest_ip/big.bin, median of $runs"
echo "redis: Debian's redis-server $("$redis_server" --version | sed 's/.*v=\([^ ]*\).*/\1/'), bench/apps/redis.conf (save '', appendonly no)"
echo "   redis-benchmark -t set,get -n $redis_requests (TCG rows: $redis_requests_tcg) -c $redis_clients, median of $runs"
echo "the client runs on the host side ($host_ip), the server at $guest_ip; linux: ${LINUX_KERNEL:-none}"
echo
printf '   %-12s %11s %8s %11s %8s %11s %11s\n' "" "index" "index" "1 MiB" "1 MiB" "redis SET" "redis GET"
printf '   %-12s %11s %8s %11s %8s %11s %11s\n' row "req/s" "p99 ms" "req/s" "p99 ms" "ops/s" "ops/s"
for row in "${rows[@]}"; do
    if [[ -n ${why_not[$row]:-} ]]; then
        printf '   %-12s %s\n' "$row" "${why_not[$row]}"
        continue
    fi
    printf '   %-12s %11s %8s %11s %8s %11s %11s\n' "$row" "${figure[$row.index_rps]}" \
        "${figure[$row.index_p99]}" "${figure[$row.big_rps]}" "${figure[$row.big_p99]}" \
        "${figure[$row.set]}" "${figure[$row.get]}"
    row_notes "$row"
done
echo
echo "ratios (req/s and ops/s: higher is better; p99: lower is better)"
compare() { # label row baseline
    local key line
    line=$(printf '   %-24s' "$1")
    for key in "${keys[@]}"; do
        line+=$(printf ' %8s' "$(ratio "${figure[$2.$key]}" "${figure[$3.$key]}")")
    done
    echo "$line"
}
printf '   %-24s %8s %8s %8s %8s %8s %8s\n' "" "index" "p99" "1 MiB" "p99" "SET" "GET"
compare "ingot hvt / native" ingot-hvt native
compare "ingot qemu / linux qemu" ingot-qemu linux-qemu
echo
echo "target (req/s and ops/s): ingot qemu >= linux qemu: $(at_least ingot-qemu linux-qemu index_rps big_rps set get)"
rows_failed && exit 1
exit 0
