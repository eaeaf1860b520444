# shellcheck shell=bash
# What bench/net.sh and bench/apps.sh share: the same servers measured in four rows, one after
# the other, each in a network namespace of its own, the client on the host side ($host_ip) and
# the server at $guest_ip:
#   native       a host process in a second namespace behind a veth pair (the host's own stack)
#   ingot-hvt    ingot run --platform hvt on a tap (Ingot's stack on Ingot's monitor)
#   ingot-qemu   ingot run --platform qemu --accel tcg on a tap (virtio-net, QEMU TCG)
#   linux-qemu   Debian's Linux kernel under the same QEMU (microvm, TCG, virtio-net on a tap),
#                /init = bench/net_init (configures eth0, then execs the server, /NAME in the
#                initramfs for a server whose host path ends in NAME)
# A script sourcing this file calls rows_arguments "$@" first. Its driver (row empty) calls
# rows_begin, writes $work/initramfs.gz from linux_entries and its own servers, then rows_run,
# which runs the script again once per row as `unshare -n -- SCRIPT --row ROW WORK BUILD`. There
# (row set) it calls row_begin, then start_server/stop_server and prints "result KEY VALUE"
# lines ("result note TEXT" to show under the row, "result error TEXT" when the row broke); the
# driver reads them back with value.
# Environment: RUNS (3), WRK_SECONDS (10), WRK_TIMEOUT (10), LINUX_KERNEL (default: the newest
#   /boot/vmlinuz-*), BOOT_SECONDS (180).

guest_ip=10.0.2.15
host_ip=10.0.2.1
rows=(native ingot-hvt ingot-qemu linux-qemu)
runs=${RUNS:-3}
wrk_seconds=${WRK_SECONDS:-10}
wrk_timeout=${WRK_TIMEOUT:-10}
boot_seconds=${BOOT_SECONDS:-180}

rows_arguments() { # "$@" of the script: [build-dir], or --row ROW WORK BUILD
    local build_arg=${1:-$root/build}
    row='' work=''
    if [[ ${1:-} == --row ]]; then
        row=$2 work=$3 build_arg=$4
    fi
    build=$(cd "$build_arg" 2>/dev/null && pwd) || {
        echo "bench: no build directory $build_arg" >&2
        exit 1
    }
    ingot=$build/bin/ingot
    net_init=$build/bin/ingot-bench-net-init
}

# ---------------------------------------------------------------------------------------------
# In a row, inside its own network namespace.

row_begin() { # the link: a veth pair to a second namespace (native) or a tap
    pids=()
    trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done' EXIT
    ip link set lo up
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
}

# Starts the server in the row's place; $server is its (or its VM's) process. The Ingot rows run
# IMAGE (from `ingot build`, with the files the program needs) when one is given, else PROGRAM.
start_server() { # [--image IMAGE] program args...
    local image=
    if [[ $1 == --image ]]; then
        image=$2
        shift 2
    fi
    ip neigh flush all # the guest before may have had another MAC address at $guest_ip
    case $row in # each branch execs
    native) exec nsenter -t "$guest_ns" -n -- "$@" ;;
    ingot-hvt) exec "$ingot" run --platform hvt "${image:-$1}" --net tap0 --ip "$guest_ip/24" --gw "$host_ip" --mem 256M -- "${@:2}" ;;
    ingot-qemu) exec "$ingot" run --platform qemu --accel tcg "${image:-$1}" --net tap0 --ip "$guest_ip/24" --gw "$host_ip" --mem 256M -- "${@:2}" ;;
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

server_output() { tail -c "$1" "$work/server-$row.out" | tr '\n' ' '; }

wait_until_up() { # command...: retried until it succeeds or the boot time runs out
    local deadline=$((SECONDS + boot_seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS > deadline)) || ! kill -0 "$server" 2>/dev/null; then
            echo "result error the server did not come up: $(server_output 300)"
            exit 0
        fi
        sleep 0.5
    done
}

# wrk RUNS times after a 2 s warm-up: "result PREFIXrps" and "result PREFIXp99" (ms) lines.
wrk_figures() { # prefix connections url
    local prefix=$1 connections=$2 url=$3 report
    wrk -t 2 -c "$connections" -d 2s --timeout "${wrk_timeout}s" "$url" >/dev/null 2>&1
    for ((i = 0; i < runs; ++i)); do
        report=$(wrk -t 2 -c "$connections" -d "${wrk_seconds}s" --timeout "${wrk_timeout}s" --latency "$url" 2>&1)
        if grep -qE 'Socket errors|Non-2xx' <<<"$report"; then
            echo "result note wrk $url: $(grep -E 'Socket errors|Non-2xx' <<<"$report" | tr '\n' ' ')"
        fi
        awk -v k="${prefix}rps" '/Requests\/sec/ {print "result", k, $2}' <<<"$report"
        awk -v k="${prefix}p99" '$1 == "99%" {v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
             f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; print "result", k, v * f}' <<<"$report"
    done
}

# ---------------------------------------------------------------------------------------------
# The driver.

# Checks root and the tools, makes $work, and says in why_not[ROW] why a row cannot run here.
# For the Linux guest: LINUX_KERNEL (exported to the rows) and linux_entries, the initramfs
# entries (bench/initramfs.sh) every server needs: /dev/console, the virtio modules, /init.
rows_begin() { # script-name tool...
    local name=$1 tool
    shift
    [[ $(id -u) == 0 ]] || {
        echo "bench: $name needs root (network namespaces and taps)" >&2
        exit 1
    }
    for tool in unshare nsenter ip "$@"; do
        command -v "$tool" >/dev/null || {
            echo "bench: $tool is missing (scripts/install-dependencies.sh)" >&2
            exit 1
        }
    done
    work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-${name%.sh}.XXXXXX")
    trap 'rm -rf "$work"' EXIT

    declare -gA why_not=()
    # The help is read whole first: with pipefail, grep -q leaving early can end `ingot run
    # --help` with SIGPIPE and fail the pipe.
    local run_help=""
    [[ -x $ingot ]] && run_help=$("$ingot" run --help 2>&1)
    if ! grep -Eq '(^|[ ,])--net[ ,]' <<<"$run_help"; then
        why_not[ingot-hvt]="not available (ingot run has no --net in this build)"
        why_not[ingot-qemu]=${why_not[ingot-hvt]}
    fi
    [[ -r /dev/kvm && -w /dev/kvm ]] || why_not[ingot-hvt]="not available (no usable /dev/kvm)"
    if ! command -v qemu-system-x86_64 >/dev/null; then
        why_not[ingot-qemu]="not available (qemu-system-x86_64 is missing)"
        why_not[linux-qemu]=${why_not[ingot-qemu]}
    fi

    LINUX_KERNEL=${LINUX_KERNEL:-}
    if [[ -z $LINUX_KERNEL ]]; then
        if ! compgen -G '/boot/vmlinuz-*' >/dev/null; then
            echo "bench: installing linux-image-cloud-amd64 for the Linux guest" >&2
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-image-cloud-amd64; } >&2
        fi
        LINUX_KERNEL=$(ls -v /boot/vmlinuz-* 2>/dev/null | tail -n 1)
    fi
    export LINUX_KERNEL
    linux_entries=()
    [[ -n ${why_not[linux-qemu]:-} ]] && return
    local kernel_version=${LINUX_KERNEL##*/vmlinuz-} modules
    if [[ ! -r $LINUX_KERNEL ]]; then
        why_not[linux-qemu]="not available (no Linux kernel: install linux-image-cloud-amd64)"
    elif [[ ! -x $net_init ]]; then
        why_not[linux-qemu]="not available ($net_init is missing: build the target ingot-bench-net-init)"
    elif ! modules=$(linux_modules "$kernel_version"); then
        why_not[linux-qemu]="not available (no virtio modules in /lib/modules/$kernel_version)"
    else
        # shellcheck disable=SC2206 # one entry per line, no blanks in them
        linux_entries=(dir:dev console:dev/console dir:modules "file:init=$net_init" $modules)
    fi
}

# The virtio modules' initramfs entries (dependencies first, as modules.dep lists them last to
# first), decompressed into $work.
linux_modules() { # kernel-version
    local dir=/lib/modules/$1 wanted entry dependency name n=0
    local -A taken
    [[ -r $dir/modules.dep ]] || return 1
    for wanted in virtio_mmio virtio_net; do
        entry=$(grep -E "/$wanted\.ko(\.[a-z]+)?:" "$dir/modules.dep") || return 1
        local -a chain order=()
        read -ra chain <<<"${entry#*:}"
        for ((i = ${#chain[@]} - 1; i >= 0; --i)); do order+=("${chain[$i]}"); done
        order+=("${entry%%:*}")
        for dependency in "${order[@]}"; do
            [[ -n ${taken[$dependency]:-} ]] && continue
            taken[$dependency]=1
            n=$((n + 1))
            name=$(basename "$dependency")
            name=$(printf '%02d' "$n")-${name%%.ko*}.ko
            case $dependency in
            *.ko.xz) xz -dc "$dir/$dependency" ;;
            *.ko.zst) zstd -qdc "$dir/$dependency" ;;
            *.ko.gz) gzip -dc "$dir/$dependency" ;;
            *) cat "$dir/$dependency" ;;
            esac >"$work/$name" || return 1
            echo "file:modules/$name=$work/$name"
        done
    done
}

# Runs every row that can run here; a row that printed "result error" becomes why_not "failed".
rows_run() {
    for row in "${rows[@]}"; do
        [[ -n ${why_not[$row]:-} ]] && continue
        echo "bench: measuring $row ..." >&2
        unshare -n -- "$BASH" "$0" --row "$row" "$work" "$build" >"$work/result-$row" 2>"$work/stderr-$row"
        if grep -q '^result error' "$work/result-$row"; then
            why_not[$row]="failed: $(sed -n 's/^result error //p' "$work/result-$row" | head -n 1 | cut -c1-200)"
        fi
    done
    row=''
}

median() { sort -n | awk '{v[NR]=$1} END {if (NR == 0) {print "-"; exit} m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2; print m}'; }

value() { # row key: the median of the row's KEY results, or "-"
    [[ -f $work/result-$1 && -z ${why_not[$1]:-} ]] || {
        echo -
        return
    }
    awk -v k="$2" '$1 == "result" && $2 == k {print $3}' "$work/result-$1" | median
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "-" && b != "-" && b > 0) printf "%.2fx", a / b; else print "-"}'; }

# "met" when ROW's KEY figures (higher is better) are all at least BASELINE's, read from the
# caller's figure[ROW.KEY]; "MISSED" when one is not; "not measured" when one is missing.
at_least() { # row baseline key...
    local a='' b='' key
    for key in "${@:3}"; do
        a+=" ${figure[$1.$key]}"
        b+=" ${figure[$2.$key]}"
    done
    awk -v a="$a" -v b="$b" 'BEGIN {
        n = split(a, x, " "); split(b, y, " ")
        for (i = 1; i <= n; ++i) if (x[i] == "-" || y[i] == "-") { print "not measured"; exit }
        for (i = 1; i <= n; ++i) if (x[i] + 0 < y[i] + 0) { print "MISSED"; exit }
        print "met" }'
}

row_notes() { grep '^result note' "$work/result-$1" 2>/dev/null | sort -u | sed 's/^result note /      /'; }

rows_header() { echo "$1 ($(date -u +%Y-%m-%dT%H:%MZ), Linux $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"; }

# Succeeds when a row started and broke.
rows_failed() {
    local r
    for r in "${rows[@]}"; do
        [[ ${why_not[$r]:-} == failed* ]] && return 0
    done
    return 1
}
