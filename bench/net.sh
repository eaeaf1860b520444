#!/usr/bin/env bash
# Networking figures: HTTP requests/s and p99 latency (wrk against examples/http_server) and bulk
# TCP throughput both ways (tests/programs/tcp_transfer), for the same static programs in the
# four rows of bench/net_rows.sh (native, ingot hvt, ingot qemu, Debian's Linux under the same
# QEMU), all in one run; then ratios: ingot hvt / native, ingot qemu / linux qemu.
# Usage: bench/net.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (3), WRK_SECONDS (10), WRK_CONNECTIONS (64), WRK_TIMEOUT (10), BULK_MIB (256),
#   BULK_MIB_TCG (64), LINUX_KERNEL (default: the newest /boot/vmlinuz-*), BOOT_SECONDS (180).
# Needs root (namespaces, taps) and wrk. Rows that cannot run here say why and do not fail.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/bench/net_rows.sh"
rows_arguments "$@"
http_server=$build/examples/http_server
tcp_transfer=$build/tests/programs/tcp_transfer
wrk_connections=${WRK_CONNECTIONS:-64}
bulk_mib=${BULK_MIB:-256}
bulk_mib_tcg=${BULK_MIB_TCG:-64}

# ---------------------------------------------------------------------------------------------
# One row, inside its own network namespace.
if [[ -n $row ]]; then
    row_begin
    bulk_bytes=$((bulk_mib << 20))
    [[ $row == *qemu ]] && bulk_bytes=$((bulk_mib_tcg << 20))

    start_server "$http_server" 80
    wait_until_up curl -s --max-time 2 -o /dev/null "http://$guest_ip/"
    wrk_figures "" "$wrk_connections" "http://$guest_ip/"
    stop_server

    # Bulk TCP: the guest serves RUNS connections in each direction.
    bulk() { # key port guest-role host-role...
        local key=$1 port=$2 role=$3
        shift 3
        if [[ $role == send ]]; then
            start_server "$tcp_transfer" listen "$port" send "$bulk_bytes" --count $((runs + 1))
        else
            start_server "$tcp_transfer" listen "$port" receive --count $((runs + 1))
        fi
        # The first connection waits out the boot and warms up; it is not counted.
        local first=1 line
        for ((i = 0; i <= runs; ++i)); do
            line=$(timeout $((boot_seconds + 600)) "$tcp_transfer" connect "$guest_ip" "$port" "$@" 2>&1)
            if [[ $line != *"bytes in"* ]]; then
                echo "result error $key: $line $(server_output 200)"
                break
            fi
            ((first)) || sed -n 's/.*(\([0-9.]*\) MB\/s).*/result '"$key"' \1/p' <<<"$line"
            first=0
        done
        stop_server
    }
    bulk to_guest 5001 receive send "$bulk_bytes"
    bulk from_guest 5002 send receive
    exit 0
fi

# ---------------------------------------------------------------------------------------------
# The driver: checks what each row needs, runs the rows one after the other, prints the table.
rows_begin net.sh wrk curl
for file in "$http_server" "$tcp_transfer"; do
    [[ -x $file ]] || { echo "bench: $file is missing: build $build first" >&2; exit 1; }
done
if ((${#linux_entries[@]})); then
    source "$root/bench/initramfs.sh"
    make_initramfs "$work/initramfs.gz" "${linux_entries[@]}" \
        "file:http_server=$http_server" "file:tcp_transfer=$tcp_transfer"
fi
rows_run

declare -A figure
for row in "${rows[@]}"; do
    for key in rps p99 to_guest from_guest; do
        figure[$row.$key]=$(value "$row" "$key")
    done
done

rows_header Networking
echo "HTTP: wrk -t2 -c$wrk_connections -d${wrk_seconds}s --latency http://$guest_ip/ against examples/http_server, median of $runs"
echo "bulk: tcp_transfer, $bulk_mib MiB each way (TCG rows: $bulk_mib_tcg MiB), median of $runs after one warm-up"
echo "the client runs on the host side ($host_ip), the server at $guest_ip; linux: ${LINUX_KERNEL:-none}"
echo
printf '   %-12s %10s %10s %15s %17s\n' row "req/s" "p99 ms" "to guest MB/s" "from guest MB/s"
for row in "${rows[@]}"; do
    if [[ -n ${why_not[$row]:-} ]]; then
        printf '   %-12s %s\n' "$row" "${why_not[$row]}"
        continue
    fi
    printf '   %-12s %10s %10s %15s %17s\n' "$row" "${figure[$row.rps]}" "${figure[$row.p99]}" \
        "${figure[$row.to_guest]}" "${figure[$row.from_guest]}"
    row_notes "$row"
done
echo
echo "ratios (req/s and MB/s: higher is better; p99: lower is better)"
compare() { # label row baseline
    printf '   %-26s req/s %7s   p99 %7s   to guest %7s   from guest %7s\n' "$1" \
        "$(ratio "${figure[$2.rps]}" "${figure[$3.rps]}")" "$(ratio "${figure[$2.p99]}" "${figure[$3.p99]}")" \
        "$(ratio "${figure[$2.to_guest]}" "${figure[$3.to_guest]}")" "$(ratio "${figure[$2.from_guest]}" "${figure[$3.from_guest]}")"
}
compare "ingot hvt / native" ingot-hvt native
compare "ingot qemu / linux qemu" ingot-qemu linux-qemu
echo
echo "targets (req/s and both throughputs):"
echo "   ingot hvt >= native:        $(at_least ingot-hvt native rps to_guest from_guest)"
echo "   ingot qemu >= linux qemu:   $(at_least ingot-qemu linux-qemu rps to_guest from_guest)"
rows_failed && exit 1
exit 0
