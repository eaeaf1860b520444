#!/usr/bin/env bash
# Networking figures: HTTP requests/s and p99 latency (wrk against examples/http_server) and bulk
# TCP throughput both ways (tests/programs/tcp_transfer), for the same static programs:
#   native       a host process in a network namespace behind a veth pair (the host's own stack)
#   ingot hvt    ingot run --platform hvt on a tap (Ingot's stack on Ingot's monitor)
#   ingot qemu   ingot run --platform qemu --accel tcg on a tap (virtio-net, QEMU TCG)
#   linux qemu   Debian's Linux kernel under the same QEMU (microvm, TCG, virtio-net on a tap),
#                /init = bench/net_init (configures eth0, then execs the server)
# all in one run, each row in a network namespace of its own, the client on the host side
# (10.0.2.1) and the server at 10.0.2.15; then ratios: ingot hvt / native, ingot qemu / linux qemu.
# Usage: bench/net.sh [build-dir]   (default: the repository's build/; build it first)
# Environment: RUNS (3), WRK_SECONDS (10), WRK_CONNECTIONS (64), BULK_MIB (256), BULK_MIB_TCG
#   (64), LINUX_KERNEL (default: the newest /boot/vmlinuz-*), BOOT_SECONDS (180).
# Needs root (namespaces, taps) and wrk. Rows that cannot run here say why and do not fail.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_arg=${1:-$root/build}
[[ ${1:-} == --row ]] && build_arg=$4 # a row, run by the driver below
build=$(cd "$build_arg" 2>/dev/null && pwd) || { echo "bench: no build directory $build_arg" >&2; exit 1; }
ingot=$build/bin/ingot
http_server=$build/examples/http_server
tcp_transfer=$build/tests/programs/tcp_transfer
net_init=$build/bin/ingot-bench-net-init
runs=${RUNS:-3}
wrk_seconds=${WRK_SECONDS:-10}
wrk_connections=${WRK_CONNECTIONS:-64}
bulk_mib=${BULK_MIB:-256}
bulk_mib_tcg=${BULK_MIB_TCG:-64}
boot_seconds=${BOOT_SECONDS:-180}
guest_ip=10.0.2.15
host_ip=10.0.2.1

# ---------------------------------------------------------------------------------------------
# One row, run by this script inside its own network namespace: prints "result KEY VALUE" lines.
if [[ ${1:-} == --row ]]; then
    row=$2 work=$3
    pids=()
    trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done' EXIT
    ip link set lo up
    bulk_bytes=$((bulk_mib << 20))
    [[ $row == *qemu ]] && bulk_bytes=$((bulk_mib_tcg << 20))
    if [[ $row == native ]]; then
        unshare -n sleep 1000000 &
        guest_ns=$!
        pids+=("$guest_ns")
        until [[ $(readlink /proc/$guest_ns/ns/net) != "$(readlink /proc/self/ns/net)" ]]; do sleep 0.01; done
        ip link add veth0 type veth peer name eth0 netns "$guest_ns"
        nsenter -t "$guest_ns" -n sh -c "ip link set lo up && ip addr add $guest_ip/24 dev eth0 &&
            ip link set eth0 up && ip route add default via $host_ip"
        ip addr add "$host_ip/24" dev veth0
        ip link set veth0 up
    else
        ip tuntap add dev tap0 mode tap
        ip addr add "$host_ip/24" dev tap0
        ip link set tap0 up
    fi

    start_server() { # program args...
        ip neigh flush all # the guest before may have had another MAC address at $guest_ip
        case $row in # each branch execs: $server is the server's (or its VM's) process
        native) exec nsenter -t "$guest_ns" -n -- "$@" ;;
        ingot-hvt) exec "$ingot" run --platform hvt "$1" --net tap0 --ip "$guest_ip/24" --gw "$host_ip" --mem 256M -- "${@:2}" ;;
        ingot-qemu) exec "$ingot" run --platform qemu --accel tcg "$1" --net tap0 --ip "$guest_ip/24" --gw "$host_ip" --mem 256M -- "${@:2}" ;;
        linux-qemu)
            exec qemu-system-x86_64 -nodefaults -no-reboot -display none -M microvm -accel tcg -m 256M \
                -serial stdio -kernel "$LINUX_KERNEL" -initrd "$work/initramfs.gz" \
                -append "console=ttyS0 quiet panic=-1 tsc_early_khz=2000000 -- $guest_ip/24 $host_ip /$(basename "$1") ${*:2}" \
                -netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-device,netdev=n0
            ;;
        esac >"$work/server-$row.out" 2>&1 </dev/null &
        server=$!
        pids+=("$server")
    }
    stop_server() { kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; }
    wait_until_up() { # command...: retried until it succeeds or the boot time runs out
        local deadline=$((SECONDS + boot_seconds))
        until "$@" >/dev/null 2>&1; do
            if ((SECONDS > deadline)) || ! kill -0 "$server" 2>/dev/null; then
                echo "result error the server did not come up: $(tail -c 300 "$work/server-$row.out" | tr '\n' ' ')"
                exit 0
            fi
            sleep 0.5
        done
    }

    # HTTP: wrk RUNS times.
    start_server "$http_server" 80
    wait_until_up curl -s --max-time 2 -o /dev/null "http://$guest_ip/"
    wrk -t 2 -c "$wrk_connections" -d 2s "http://$guest_ip/" >/dev/null 2>&1 # warm-up
    for ((i = 0; i < runs; ++i)); do
        report=$(wrk -t 2 -c "$wrk_connections" -d "${wrk_seconds}s" --latency "http://$guest_ip/" 2>&1)
        if grep -qE 'Socket errors|Non-2xx' <<<"$report"; then
            echo "result note wrk: $(grep -E 'Socket errors|Non-2xx' <<<"$report" | tr '\n' ' ')"
        fi
        awk '/Requests\/sec/ {print "result rps", $2}' <<<"$report"
        awk '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
             f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; print "result p99", v * f}' <<<"$report"
    done
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
                echo "result error $key: $line $(tail -c 200 "$work/server-$row.out" | tr '\n' ' ')"
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
[[ $(id -u) == 0 ]] || { echo "bench: net.sh needs root (network namespaces and taps)" >&2; exit 1; }
for tool in wrk curl unshare nsenter ip; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-dependencies.sh)" >&2; exit 1; }
done
for file in "$http_server" "$tcp_transfer"; do
    [[ -x $file ]] || { echo "bench: $file is missing: build $build first" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-net.XXXXXX")
trap 'rm -rf "$work"' EXIT

rows=(native ingot-hvt ingot-qemu linux-qemu)
declare -A why_not
ingot_has_net() { [[ -x $ingot ]] && "$ingot" run --help 2>&1 | grep -Eq '(^|[ ,])--net[ ,]'; }
if ! ingot_has_net; then
    why_not[ingot-hvt]="not available (ingot run has no --net in this build)"
    why_not[ingot-qemu]=${why_not[ingot-hvt]}
fi
[[ -r /dev/kvm && -w /dev/kvm ]] || why_not[ingot-hvt]="not available (no usable /dev/kvm)"
if ! command -v qemu-system-x86_64 >/dev/null; then
    why_not[ingot-qemu]="not available (qemu-system-x86_64 is missing)"
    why_not[linux-qemu]=${why_not[ingot-qemu]}
fi

# The Linux guest: Debian's kernel, its virtio modules, net_init and the two servers.
LINUX_KERNEL=${LINUX_KERNEL:-}
if [[ -z $LINUX_KERNEL ]]; then
    if ! compgen -G '/boot/vmlinuz-*' >/dev/null; then
        echo "bench: installing linux-image-cloud-amd64 for the Linux guest" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-image-cloud-amd64; } >&2
    fi
    LINUX_KERNEL=$(ls -v /boot/vmlinuz-* 2>/dev/null | tail -n 1)
fi
export LINUX_KERNEL
# The modules (dependencies first, as modules.dep lists them last to first), decompressed.
linux_modules() { # kernel-version
    local dir=/lib/modules/$1 wanted entry dependency n=0
    local -A taken
    [[ -r $dir/modules.dep ]] || return 1
    for wanted in virtio_mmio virtio_net; do
        entry=$(grep -E "/$wanted\.ko(\.[a-z]+)?:" "$dir/modules.dep") || return 1
        local -a chain
        read -ra chain <<<"${entry#*:}"
        local -a order=()
        for ((i = ${#chain[@]} - 1; i >= 0; --i)); do order+=("${chain[$i]}"); done
        order+=("${entry%%:*}")
        for dependency in "${order[@]}"; do
            [[ -n ${taken[$dependency]:-} ]] && continue
            taken[$dependency]=1
            n=$((n + 1))
            local name
            name=$(basename "$dependency")
            name=${name%%.ko*}
            case $dependency in
            *.ko.xz) xz -dc "$dir/$dependency" ;;
            *.ko.zst) zstd -qdc "$dir/$dependency" ;;
            *.ko.gz) gzip -dc "$dir/$dependency" ;;
            *) cat "$dir/$dependency" ;;
            esac >"$work/$(printf '%02d' "$n")-$name.ko" || return 1
            echo "file:modules/$(printf '%02d' "$n")-$name.ko=$work/$(printf '%02d' "$n")-$name.ko"
        done
    done
}
if [[ -z ${why_not[linux-qemu]:-} ]]; then
    kernel_version=${LINUX_KERNEL##*/vmlinuz-}
    if [[ ! -r $LINUX_KERNEL ]]; then
        why_not[linux-qemu]="not available (no Linux kernel: install linux-image-cloud-amd64)"
    elif [[ ! -x $net_init ]]; then
        why_not[linux-qemu]="not available ($net_init is missing: build the target ingot-bench-net-init)"
    elif ! module_entries=$(linux_modules "$kernel_version"); then
        why_not[linux-qemu]="not available (no virtio modules in /lib/modules/$kernel_version)"
    else
        source "$root/bench/initramfs.sh"
        # shellcheck disable=SC2086 # one entry per line
        make_initramfs "$work/initramfs.gz" dir:dev console:dev/console dir:modules \
            "file:init=$net_init" "file:http_server=$http_server" "file:tcp_transfer=$tcp_transfer" \
            $module_entries
    fi
fi

declare -A figure
for row in "${rows[@]}"; do
    [[ -n ${why_not[$row]:-} ]] && continue
    echo "bench: measuring $row ..." >&2
    RUNS=$runs WRK_SECONDS=$wrk_seconds WRK_CONNECTIONS=$wrk_connections BULK_MIB=$bulk_mib \
        BULK_MIB_TCG=$bulk_mib_tcg BOOT_SECONDS=$boot_seconds \
        unshare -n -- "$BASH" "$0" --row "$row" "$work" "$build" >"$work/result-$row" 2>"$work/stderr-$row"
    if grep -q '^result error' "$work/result-$row"; then
        why_not[$row]="failed: $(sed -n 's/^result error //p' "$work/result-$row" | head -n 1 | cut -c1-200)"
    fi
done

median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) {print "-"; exit} m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m}'; }
value() { # row key
    [[ -f $work/result-$1 && -z ${why_not[$1]:-} ]] || { echo -; return; }
    awk -v k="$2" '$1 == "result" && $2 == k {print $3}' "$work/result-$1" | median
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "-" && b != "-" && b > 0) printf "%.2fx", a / b; else print "-"}'; }
for row in "${rows[@]}"; do
    for key in rps p99 to_guest from_guest; do
        figure[$row.$key]=$(value "$row" "$key")
    done
done

echo "Networking ($(date -u +%Y-%m-%dT%H:%MZ), Linux $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
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
    grep '^result note' "$work/result-$row" | sort -u | sed 's/^result note /      /'
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
verdict() { # row baseline: are req/s and both throughputs at least the baseline's?
    awk -v a="${figure[$1.rps]} ${figure[$1.to_guest]} ${figure[$1.from_guest]}" \
        -v b="${figure[$2.rps]} ${figure[$2.to_guest]} ${figure[$2.from_guest]}" 'BEGIN {
        n = split(a, x, " "); split(b, y, " ")
        for (i = 1; i <= n; ++i) if (x[i] == "-" || y[i] == "-") { print "not measured"; exit }
        for (i = 1; i <= n; ++i) if (x[i] + 0 < y[i] + 0) { print "MISSED"; exit }
        print "met" }'
}
echo
echo "targets (req/s and both throughputs):"
echo "   ingot hvt >= native:        $(verdict ingot-hvt native)"
echo "   ingot qemu >= linux qemu:   $(verdict ingot-qemu linux-qemu)"
failed=0
for row in "${rows[@]}"; do
    [[ ${why_not[$row]:-} == failed* ]] && failed=1
done
exit $failed
