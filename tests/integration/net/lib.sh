# shellcheck shell=bash
# Shared by the networking tests (sourced, not run). Every test script takes:
#
#   TEST.sh --mode native|hvt|qemu --build DIR [test options...]
#
#   --mode native   the server is a host process in a network namespace of its own ("the
#                   guest namespace") behind a veth pair: the same program, the same addresses
#                   and the same host-side topology as a guest, without Ingot. It validates
#                   the test itself, and is the baseline.
#   --mode hvt|qemu the server is the same static program run by `ingot run --platform MODE`
#                   on a tap: `--net TAP --ip 10.0.2.15/24 --gw 10.0.2.1` (or `-p`).
#   --build DIR     the build directory: bin/ingot, tests/programs, tests/tools, examples.
#
# The script re-runs itself in a new network namespace (unshare -n): taps, bridges and addresses
# exist only there and vanish with it. The host side is 10.0.2.1/24, the guest 10.0.2.15.
# Exit status: 0 passed, 1 failed, 77 skipped (with the reason on stdout).
#
# Environment:
#   INGOT_NET_MEM            --mem for the guest (default: ingot's)
#   INGOT_NET_BOOT_SECONDS   how long the server may take to answer (default 20; qemu 120)
#   INGOT_NET_MEMORY_PROBE   a shell command printing the guest's memory in bytes, for the
#                            "flat memory" check (see guest_memory_bytes below)
#   INGOT_NET_TAP_OPTIONS    extra words for `ip tuntap add` of the guest's tap (multi_queue,
#                            should ingot open it with IFF_MULTI_QUEUE)

set -uo pipefail

readonly GUEST_IP=10.0.2.15
readonly HOST_IP=10.0.2.1
readonly PREFIX=24
# The IPv6 tests' addresses (documentation prefix, RFC 3849): the guest's static one (--ip6)
# and the host side's.
readonly GUEST_IP6=2001:db8::15
readonly HOST_IP6=2001:db8::1
readonly PREFIX6=64

net_usage() {
    echo "usage: $(basename "$0") --mode native|hvt|qemu --build DIR ${NET_TEST_USAGE:-}" >&2
    exit 2
}

skip() {
    echo "SKIPPED: $*"
    exit 77
}

# Parses the common options; what follows them is left in NET_ARGS for the test.
net_parse() {
    MODE="" BUILD=""
    NET_ARGS=()
    while (($#)); do
        case $1 in
        --mode) MODE=${2:-}; shift 2 || net_usage ;;
        --build) BUILD=${2:-}; shift 2 || net_usage ;;
        *) NET_ARGS+=("$1"); shift ;;
        esac
    done
    case $MODE in native | hvt | qemu) ;; *) net_usage ;; esac
    [[ -d $BUILD ]] || net_usage
    BUILD=$(cd "$BUILD" && pwd)
    INGOT=$BUILD/bin/ingot
    PROGRAMS=$BUILD/tests/programs
    EXAMPLES=$BUILD/examples
    TOOLS=$BUILD/tests/tools
}

# require_tools TOOL[:debian-package]...: skip unless each is on the PATH.
require_tools() {
    local spec tool package
    for spec in "$@"; do
        tool=${spec%%:*}
        package=${spec#*:}
        command -v "$tool" >/dev/null ||
            skip "$tool is not installed (apt-get install $package; scripts/install-dependencies.sh)"
    done
}

require_files() {
    local file
    for file in "$@"; do
        [[ -x $file ]] || skip "$file is missing: build the targets ingot-test-programs, ingot-examples and ingot-test-tools"
    done
}

# Skips while `ingot run` lacks an option (before networking is integrated), naming it.
require_ingot_option() { # option-regex description
    [[ $MODE == native ]] && return 0
    # The help is read whole first: grep -q stops at its match, and ingot, still writing,
    # would end with SIGPIPE, which pipefail takes for a missing option.
    local help
    help=$("$INGOT" run --help 2>&1)
    grep -Eq -- "$1" <<<"$help" ||
        skip "ingot run has no $2 option yet (networking is not in this build)"
}

# A static IPv6 address for the guest (--ip6): hvt's boot information carries IPv4 settings
# only, so ingot refuses --ip6 there (src/launch/resolve_launch.cpp).
require_guest_ip6() {
    require_ingot_option '(^|[ ,])--ip6[ ,]' --ip6
}

# Checks what the mode needs, then re-runs the script in its own network namespace.
# Call it first, with the script's arguments.
net_begin() {
    net_parse "$@"
    if [[ -z ${NET_TEST_IN_NAMESPACE:-} ]]; then
        [[ $(id -u) == 0 ]] || skip "needs root (network namespaces, taps, bridges)"
        [[ -c /dev/net/tun ]] || skip "/dev/net/tun is missing"
        require_tools unshare:util-linux nsenter:util-linux ip:iproute2 timeout:coreutils
        unshare -n true 2>/dev/null || skip "unshare -n fails here (no network namespaces)"
        case $MODE in
        hvt)
            [[ -e /dev/kvm ]] || skip "/dev/kvm does not exist on this host"
            (exec 3<>/dev/kvm) 2>/dev/null || skip "/dev/kvm cannot be opened read-write"
            require_files "$INGOT"
            require_ingot_option '(^|[ ,])--net[ ,]' --net
            ;;
        qemu)
            local qemu=${INGOT_QEMU:-$(command -v qemu-system-x86_64)}
            [[ -n $qemu && -x $qemu ]] || skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
            require_files "$INGOT"
            require_ingot_option '(^|[ ,])--net[ ,]' --net
            ;;
        esac
        NET_TEST_IN_NAMESPACE=1 exec unshare -n -- "$BASH" "$0" "$@"
    fi
    ip link set lo up
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/ingot-net.XXXXXX")
    STARTED_PIDS=()
    NET_FAILED=0
    trap net_cleanup EXIT
    local default_boot=20
    [[ $MODE == qemu ]] && default_boot=120
    BOOT_SECONDS=${INGOT_NET_BOOT_SECONDS:-$default_boot}
}

net_cleanup() {
    local i pid
    for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; --i)); do
        pid=${STARTED_PIDS[$i]}
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    if ((NET_FAILED)); then
        show_log "server stdout" "$WORK/server.out"
        show_log "server stderr" "$WORK/server.err"
        show_log "lossy_link" "$WORK/lossy.out"
    fi
    rm -rf "$WORK"
}

show_log() { # title file
    [[ -s $2 ]] || return 0
    echo "--- $1 (last 40 lines):"
    tail -n 40 "$2" | cut -c1-300
}

fail() {
    echo "FAILED ($MODE): $*"
    NET_FAILED=1
    exit 1
}

pass() {
    echo "passed ($MODE): $*"
    exit 0
}

note() { echo "  $*"; }

# ---- Topology. The guest's port is a tap named $GUEST_TAP that ingot opens (hvt, qemu), or
# the host end of a veth pair whose other end is eth0 in the guest namespace (native).

in_guest() { nsenter -t "$GUEST_NS_PID" -n -- "$@"; }

make_guest_namespace() {
    unshare -n sleep 1000000 &
    GUEST_NS_PID=$!
    STARTED_PIDS+=("$GUEST_NS_PID")
    local ours
    ours=$(readlink /proc/self/ns/net)
    for _ in $(seq 100); do
        [[ $(readlink "/proc/$GUEST_NS_PID/ns/net" 2>/dev/null) != "$ours" ]] && break
        sleep 0.02
    done
    ip link add "$GUEST_TAP" type veth peer name eth0 netns "$GUEST_NS_PID" || fail "cannot create the veth pair"
    in_guest ip link set lo up
    in_guest ip addr add "$GUEST_IP/$PREFIX" dev eth0
    in_guest ip link set eth0 up
    in_guest ip route add default via "$HOST_IP"
}

make_guest_port() {
    if [[ $MODE == native ]]; then
        make_guest_namespace
    else
        # shellcheck disable=SC2086 # INGOT_NET_TAP_OPTIONS is a list of words
        ip tuntap add dev "$GUEST_TAP" mode tap ${INGOT_NET_TAP_OPTIONS:-} || fail "cannot create tap $GUEST_TAP"
    fi
    ip link set "$GUEST_TAP" up
}

# The guest straight on the host's interface: tap0 (or veth0) holds 10.0.2.1/24.
topology_plain() {
    GUEST_TAP=tap0
    [[ $MODE == native ]] && GUEST_TAP=veth0
    make_guest_port
    ip addr add "$HOST_IP/$PREFIX" dev "$GUEST_TAP"
    GUEST_NET_ARGS=(--net "$GUEST_TAP" --ip "$GUEST_IP/$PREFIX" --gw "$HOST_IP")
}

# topology_plain's link with IPv6 beside IPv4: the host side's tap (or veth) holds HOST_IP6,
# the guest GUEST_IP6 (--ip6; natively the guest namespace's eth0), both without duplicate
# address detection so that they answer at once.
topology_plain_ipv6() {
    require_guest_ip6
    ip addr add "$HOST_IP6/$PREFIX6" dev "$GUEST_TAP" nodad
    if [[ $MODE == native ]]; then
        in_guest ip addr add "$GUEST_IP6/$PREFIX6" dev eth0 nodad
    fi
    GUEST_NET_ARGS+=(--ip6 "$GUEST_IP6/$PREFIX6")
}

# guest -- tapg (or veth0) -- br0 -- tapa ~lossy_link~ tapb (10.0.2.1/24) -- host
topology_lossy() { # loss-percent reorder-percent seed [more lossy_link options]
    require_files "$TOOLS/lossy_link"
    GUEST_TAP=tapg
    [[ $MODE == native ]] && GUEST_TAP=veth0
    ip link add br0 type bridge || fail "cannot create a bridge"
    # The bridge is an interface of this namespace too: by default Linux would answer the
    # guest's ARP for the host's address there as well (arp_ignore 0), and a guest that took
    # that answer would reach the host around lossy_link, losing nothing.
    sysctl -qw net.ipv4.conf.br0.arp_ignore=1 || fail "cannot keep the bridge from answering ARP"
    ip link set br0 up
    make_guest_port
    ip link set "$GUEST_TAP" master br0
    ip tuntap add dev tapa mode tap
    ip tuntap add dev tapb mode tap
    ip link set tapa master br0
    ip link set tapa up
    ip link set tapb up
    ip addr add "$HOST_IP/$PREFIX" dev tapb
    "$TOOLS/lossy_link" tapa tapb --loss "$1" --reorder "$2" --seed "$3" "${@:4}" \
        >"$WORK/lossy.out" 2>&1 &
    LOSSY_PID=$!
    STARTED_PIDS+=("$LOSSY_PID")
    GUEST_NET_ARGS=(--net "$GUEST_TAP" --ip "$GUEST_IP/$PREFIX" --gw "$HOST_IP")
}

# Ingot publishes GUEST_PORT on the host's HOST_PORT itself (-p); natively socat proxies on
# 127.0.0.1 and ::1 (when lo has it) play its part in front of the guest namespace. HOST-ADDRESS
# "[::1]" publishes on ::1 alone (-p [::1]:HOST:GUEST); empty, on every address of both families.
topology_publish() { # host-port guest-port [tcp|udp [host-address]]
    local protocol=${3:-tcp} address=${4:-}
    require_ingot_option '(^|[ ,])-p[ ,]' -p
    if [[ $MODE == native ]]; then
        require_tools socat:socat
        topology_plain
        local kind=TCP listen=LISTEN target=TCP4
        [[ $protocol == udp ]] && kind=UDP listen=RECVFROM target=UDP4-SENDTO
        if [[ -z $address ]]; then
            socat "${kind}4-$listen:$1,bind=127.0.0.1,fork,reuseaddr" "$target:$GUEST_IP:$2" &
            STARTED_PIDS+=("$!")
        fi
        if [[ $address == "[::1]" ]] || { [[ -z $address ]] && ipv6_loopback; }; then
            socat "${kind}6-$listen:$1,bind=[::1],ipv6only=1,fork,reuseaddr" \
                "$target:$GUEST_IP:$2" &
            STARTED_PIDS+=("$!")
        fi
    fi
    local spec=$1:$2
    [[ -n $address ]] && spec=$address:$spec
    [[ $protocol == udp ]] && spec+=/udp
    GUEST_NET_ARGS=(-p "$spec")
}

# Whether this namespace's lo has ::1 (not when the kernel runs with IPv6 disabled).
ipv6_loopback() { ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; }

# Stops lossy_link and leaves its counters in $WORK/lossy.out.
stop_lossy_link() {
    kill "$LOSSY_PID" 2>/dev/null && wait "$LOSSY_PID" 2>/dev/null
    cat "$WORK/lossy.out"
}

# ---- The server: a static program, as a host process in the guest namespace or in Ingot.

start_server() { # program args...
    local program=$1
    shift
    require_files "$program"
    # A guest started earlier in this test may have had another MAC address at 10.0.2.15.
    ip neigh flush all
    # Started directly, not through a function: $SERVER_PID must be the server's own process.
    if [[ $MODE == native ]]; then
        nsenter -t "$GUEST_NS_PID" -n -- "$program" "$@" >"$WORK/server.out" 2>"$WORK/server.err" &
    else
        local memory=()
        [[ -n ${INGOT_NET_MEM:-} ]] && memory=(--mem "$INGOT_NET_MEM")
        "$INGOT" run --platform "$MODE" "$program" "${GUEST_NET_ARGS[@]}" "${memory[@]}" -- "$@" \
            >"$WORK/server.out" 2>"$WORK/server.err" </dev/null &
    fi
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

server_alive() { kill -0 "$SERVER_PID" 2>/dev/null; }

# Waits until HOST:PORT accepts TCP connections (the guest has booted and listens). HOST may
# be an IPv6 address, without brackets: bash's /dev/tcp takes it so.
wait_for_tcp() { # host port
    local deadline=$((SECONDS + BOOT_SECONDS)) endpoint=$1:$2
    [[ $1 == *:* ]] && endpoint="[$1]:$2"
    while ((SECONDS < deadline)); do
        timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0
        server_alive || fail "the server exited before it listened on $endpoint"
        sleep 0.2
    done
    fail "nothing listens on $endpoint after ${BOOT_SECONDS}s"
}

# Waits until COMMAND succeeds (e.g. a dig or a ping), retrying until the boot deadline.
wait_until() { # description command...
    local description=$1 deadline=$((SECONDS + BOOT_SECONDS))
    shift
    while ((SECONDS < deadline)); do
        "$@" >/dev/null 2>&1 && return 0
        server_alive || fail "the server exited before $description"
        sleep 0.2
    done
    fail "$description: not after ${BOOT_SECONDS}s"
}

# Waits until the server's process ends, for at most SECONDS; fails past that.
wait_server_exit() { # seconds
    local deadline=$((SECONDS + $1))
    while server_alive; do
        ((SECONDS < deadline)) || fail "the server did not finish within $1 s"
        sleep 0.1
    done
    wait "$SERVER_PID"
}

# ---- The guest's memory, for the "flat memory" check of the soak test.
# By default the HTTP example's own figure: GET /stats, heap_footprint_bytes (what malloc holds
# from the system: brk and mmap), which the program measures itself with mallinfo2, natively and
# in a guest alike. This is the hook for a guest-wide figure: set INGOT_NET_MEMORY_PROBE to a
# shell command printing bytes (it sees MODE, SERVER_PID and GUEST_IP), e.g. one that reads
# the Ingot monitor's count of the guest's pages in use.
guest_memory_bytes() {
    if [[ -n ${INGOT_NET_MEMORY_PROBE:-} ]]; then
        MODE=$MODE SERVER_PID=$SERVER_PID GUEST_IP=$GUEST_IP bash -c "$INGOT_NET_MEMORY_PROBE"
        return
    fi
    curl -sS --max-time 10 "http://$GUEST_IP:${HTTP_PORT:-80}/stats" |
        awk '$1 == "heap_footprint_bytes" {print $2; found = 1} END {exit !found}'
}
