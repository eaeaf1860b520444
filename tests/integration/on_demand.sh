#!/usr/bin/env bash
# On-demand start (ingot run --on-demand --idle-stop): ingot listens on the published port, no
# VM runs until the first connection, that connection is answered by the VM it booted, the VM
# stops once idle and boots again for the next one, and SIGTERM to ingot leaves nothing behind.
#   on_demand.sh CASE INGOT EXAMPLES
# Cases: refusals (bad input; runs anywhere), cycle_hvt, cycle_qemu, detached. Every case but
# refusals runs as root, in a network namespace of its own (unshare -n), so that the taps ingot
# creates and the port it publishes are the case's alone.
# Prints "ok: CASE" and exits 0 when the case passed; "FAIL: why" and 1 when not; 77 when it
# cannot run here (with the reason).
set -u
case_name=$1 INGOT=$2 EXAMPLES=$3
SERVER=$EXAMPLES/http_server
PORT=8080

fail() {
    echo "FAIL: $*"
    [[ -s ${WORK:-/nonexistent}/ingot.err ]] && { echo "--- ingot's stderr:"; tail -n 30 "$WORK/ingot.err"; }
    exit 1
}
skip() {
    echo "SKIPPED: $*"
    exit 77
}

# Each refusal: one line on stderr, status 2, nothing listening.
refusals() {
    refused() { # expected-line-start ingot-run-arguments...
        local expected=$1 error status
        shift
        error=$("$INGOT" run "$@" 2>&1 >/dev/null)
        status=$?
        [[ $status == 2 ]] || fail "ingot run $* exited $status"
        [[ $(wc -l <<<"$error") == 1 && $error == "ingot: error: $expected"* ]] ||
            fail "ingot run $* said: $error"
    }
    [[ -x $SERVER ]] || skip "$SERVER is missing: build the target ingot-examples"
    refused "--on-demand boots the VM at the first connection to a published port: add -p" \
        --on-demand "$SERVER"
    refused "--idle-stop is for --on-demand: add --on-demand" --idle-stop 30s -p 18080:80 "$SERVER"
    refused "--idle-stop 'soon' is not a duration" --on-demand --idle-stop soon -p 18080:80 "$SERVER"
    refused "--idle-stop '0' is not a duration" --on-demand --idle-stop 0 -p 18080:80 "$SERVER"
    refused "--on-demand creates the VM's tap at each boot: it cannot be combined with --net" \
        --on-demand --net ondemandtap0 -p 18080:80 "$SERVER"
    refused "--on-demand publishes TCP ports only: *:18053/udp is UDP" \
        --on-demand -p 18080:80 -p 18053:53/udp "$SERVER"
}

# ---- The cases that boot: as root, in a network namespace of their own.
needs_boot() { # platform
    [[ $(id -u) == 0 ]] || skip "needs root (ingot's tap for -p, a network namespace)"
    [[ -c /dev/net/tun ]] || skip "/dev/net/tun is missing"
    [[ -x $SERVER ]] || skip "$SERVER is missing: build the target ingot-examples"
    command -v curl >/dev/null || skip "curl is not installed (apt-get install curl)"
    command -v ss >/dev/null || skip "ss is not installed (apt-get install iproute2)"
    { command -v unshare >/dev/null && unshare -n true 2>/dev/null; } ||
        skip "unshare -n fails here (no network namespaces)"
    if [[ $1 == qemu ]]; then
        local qemu=${INGOT_QEMU:-$(command -v qemu-system-x86_64)}
        [[ -n $qemu && -x $qemu ]] || skip "qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"
    else
        [[ -e /dev/kvm ]] || skip "/dev/kvm does not exist on this host"
        (exec 3<>/dev/kvm) 2>/dev/null || skip "/dev/kvm cannot be opened read-write"
    fi
    if [[ -z ${ON_DEMAND_IN_NAMESPACE:-} ]]; then
        ON_DEMAND_IN_NAMESPACE=1 exec unshare -n -- "$BASH" "$0" "$case_name" "$INGOT" "$EXAMPLES"
    fi
    ip link set lo up
    WORK=$(mktemp -d /tmp/ingot-on-demand-XXXXXX)
    trap cleanup EXIT
}

cleanup() {
    [[ -n ${INGOT_PID:-} ]] && kill "$INGOT_PID" 2>/dev/null
    [[ -n ${INGOT_STATE_DIR:-} ]] && "$INGOT" rm -f ondemand >/dev/null 2>&1
    wait 2>/dev/null
    rm -rf "$WORK"
}

taps() { ip -o link show | grep -c ': ingot' ; }
boots() { pgrep -P "$INGOT_PID" | wc -l; }

# Waits up to $2 tenths of a second for a shell condition.
wait_for() {
    local i
    for ((i = 0; i < $2; i++)); do
        eval "$1" && return 0
        sleep 0.1
    done
    fail "timed out waiting for: $1"
}

answered() { # what [host, default 127.0.0.1]
    local page
    page=$(curl -sS -g --max-time 60 "http://${2:-127.0.0.1}:$PORT/") || {
        [[ -n ${INGOT_STATE_DIR:-} ]] && "$INGOT" logs ondemand >"$WORK/ingot.err" 2>&1
        fail "$1: curl failed"
    }
    grep -q "Hello from Ingot" <<<"$page" || fail "$1: the page was: $page"
}

start_on_demand() { # platform
    "$INGOT" run --platform "$1" --on-demand --idle-stop 2s --stop-timeout 2 -p "$PORT:80" \
        "$SERVER" -- 80 >"$WORK/ingot.out" 2>"$WORK/ingot.err" </dev/null &
    INGOT_PID=$!
    # Listening, seen without connecting (a connection would boot the VM).
    wait_for "ss -Hltn 'sport = :$PORT' | grep -q . || ! kill -0 $INGOT_PID" 100
    kill -0 "$INGOT_PID" 2>/dev/null || fail "ingot ended: $(cat "$WORK/ingot.err")"
}

cycle() { # platform
    needs_boot "$1"
    start_on_demand "$1"
    sleep 1
    [[ $(boots) == 0 ]] || fail "a VM runs before any connection"
    [[ $(taps) == 0 ]] || fail "a tap exists before any connection: $(ip -o link show)"
    answered "the first connection"
    [[ $(boots) == 1 && $(taps) == 1 ]] || fail "no VM runs after the first connection"
    first_vm=$(pgrep -P "$INGOT_PID")
    # Idle for 2 s: the VM is stopped and its tap gone; ingot still listens.
    wait_for '[[ $(boots) == 0 && $(taps) == 0 ]]' 100
    kill -0 "$INGOT_PID" 2>/dev/null || fail "ingot ended with the VM"
    # Over IPv6 where lo has ::1: ingot holds the mapping's IPv6 socket across boots too.
    if ip -6 addr show dev lo 2>/dev/null | grep -q 'inet6 ::1/128'; then
        answered "the connection over IPv6 after an idle stop" "[::1]"
    else
        echo "SKIPPED (IPv6 half): no ::1 on lo in this namespace (IPv6 disabled)"
        answered "the connection after an idle stop"
    fi
    second_vm=$(pgrep -P "$INGOT_PID")
    [[ -n $second_vm && $second_vm != "$first_vm" ]] || fail "no new boot for the second connection"
    # SIGTERM while a VM runs: ingot stops it and ends, leaving no process and no tap.
    kill -TERM "$INGOT_PID"
    wait_for '! kill -0 $INGOT_PID 2>/dev/null' 150
    wait "$INGOT_PID"
    status=$?
    [[ -d /proc/$second_vm ]] && fail "the VM's process $second_vm outlived ingot"
    [[ $(taps) == 0 ]] || fail "a tap outlived ingot: $(ip -o link show)"
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && fail "the port is still published"
    grep -q "ingot: error" "$WORK/ingot.err" && fail "ingot said: $(cat "$WORK/ingot.err")"
    echo "ingot ended with status $status"
}

# -d: the supervisor runs ingot run --on-demand; rm -f ends it all. On hvt, or on qemu where
# /dev/kvm cannot be used.
detached() {
    local platform=hvt
    [[ -c /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null || platform=qemu
    needs_boot "$platform"
    INGOT_STATE_DIR=$WORK/state
    export INGOT_STATE_DIR
    id=$("$INGOT" run -d --name ondemand --platform "$platform" --on-demand --idle-stop 2s \
        -p "$PORT:80" "$SERVER" -- 80) ||
        fail "run -d --on-demand failed"
    "$INGOT" ps | grep -q "^ondemand " || fail "ps: $("$INGOT" ps)"
    wait_for "ss -Hltn 'sport = :$PORT' | grep -q ." 100
    answered "the first connection to a detached instance"
    "$INGOT" rm -f ondemand >/dev/null || fail "rm -f failed"
    wait_for '[[ $(taps) == 0 ]]' 100
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && fail "the port is still published after rm"
    : "$id"
}

case $case_name in
refusals) refusals ;;
cycle_hvt) cycle hvt ;;
cycle_qemu) cycle qemu ;;
detached) detached ;;
*) echo "usage: on_demand.sh refusals|cycle_hvt|cycle_qemu|detached INGOT EXAMPLES" >&2; exit 2 ;;
esac
echo "ok: $case_name"
