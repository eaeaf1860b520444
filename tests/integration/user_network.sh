#!/usr/bin/env bash
# -p for an ordinary user (issue 11, "Without root"): ingot runs as nobody, in the kvm group,
# with no capability, so it may not create a tap and -p goes through user-mode networking
# (libslirp on hvt, QEMU's slirp on qemu). One case a run:
#   user_network.sh CASE PLATFORM INGOT PROGRAMS EXAMPLES
#   CASE: http (curl through -p), udp (udp_echo through -p .../udp), to_host (the guest reaches
#   a server on the host's loopback as 10.0.2.2), privileged_port (-p 80:80 is one line).
# Prints "ok: ..." and exits 0, "FAIL: why" and 1, or "SKIPPED: why" and 77.
set -u
case_name=$1 PLATFORM=$2 INGOT=$3 PROGRAMS=$4 EXAMPLES=$5

fail() {
    echo "FAIL: $*"
    [[ -s ${WORK:-/nonexistent}/guest.err ]] && sed 's/^/  guest stderr: /' "$WORK/guest.err"
    exit 1
}
skip() {
    echo "SKIPPED: $*"
    exit 77
}

user=nobody
uid=$(id -u "$user" 2>/dev/null) || skip "there is no user '$user' to run ingot as"
gid=$(id -g "$user")
kvm_gid=$(getent group kvm | cut -d: -f3)
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
command -v curl >/dev/null || skip "curl is missing"
(($(id -u) == 0)) || skip "switching to '$user' needs root; run the test as root"
# As the user: ingot, the programs and the examples must be readable, /dev/kvm usable on hvt.
user_command=(setpriv --reuid="$uid" --regid="$gid" --groups="${kvm_gid:-$gid}" --inh-caps=-all
    --bounding-set=-all --)
as_user() { "${user_command[@]}" "$@"; }
for file in "$INGOT" "$PROGRAMS/udp_echo" "$EXAMPLES/http_server"; do
    [[ -e $file ]] || skip "$file is missing: build it first"
    as_user test -r "$file" || skip "$user cannot read $file (a build directory under a private home?)"
done
if [[ $PLATFORM == hvt ]]; then
    [[ -c /dev/kvm ]] || skip "/dev/kvm is not a device on this host"
    [[ -n $kvm_gid ]] || skip "there is no kvm group"
    as_user bash -c 'exec 3<>/dev/kvm' 2>/dev/null ||
        skip "$user in the kvm group cannot open /dev/kvm read-write (its group or mode)"
fi
grep -q -- '--network' <<<"$(as_user "$INGOT" run --help)" || fail "ingot run --help does not mention --network"

WORK=$(mktemp -d /tmp/ingot-usernet-XXXXXX)
chmod 755 "$WORK"
GUEST_PID=
HOST_PID=
cleanup() {
    [[ -n $GUEST_PID ]] && kill "$GUEST_PID" 2>/dev/null && wait "$GUEST_PID" 2>/dev/null
    [[ -n $HOST_PID ]] && kill "$HOST_PID" 2>/dev/null && wait "$HOST_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

# A port nothing on the host listens on (TCP and UDP), above the privileged range.
free_port() {
    local port
    for _ in {1..50}; do
        port=$((20000 + RANDOM % 20000))
        ss -Htuln "( sport = :$port )" | grep -q . || { echo "$port"; return; }
    done
    fail "no free port found"
}

# Starts the guest as the user in the background: guest ARGS...
# A simple command, not a function, goes to the background: $GUEST_PID is then ingot itself
# (setpriv executes it), which cleanup's kill must reach; a function would run in a subshell
# whose death leaves ingot running.
guest() {
    "${user_command[@]}" "$INGOT" run --platform "$PLATFORM" "$@" >"$WORK/guest.out" \
        2>"$WORK/guest.err" </dev/null &
    GUEST_PID=$!
}

# Retries a command until it succeeds or 60 s have passed (QEMU under TCG boots slowly).
eventually() { # description command...
    local description=$1
    shift
    for ((i = 0; i < 300; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        kill -0 "$GUEST_PID" 2>/dev/null || fail "ingot exited before $description"
        sleep 0.2
    done
    fail "timed out waiting for $description"
}

http() {
    port=$(free_port)
    guest -p "$port:80" "$EXAMPLES/http_server" -- 80
    eventually "the page on 127.0.0.1:$port" curl -sf --max-time 5 "http://127.0.0.1:$port/"
    page=$(curl -sS --max-time 10 "http://127.0.0.1:$port/") || fail "curl failed"
    grep -q "<h1>Hello from Ingot</h1>" <<<"$page" || fail "not the example's page: $page"
    size=1000000
    curl -sS --max-time 60 -o "$WORK/body" "http://127.0.0.1:$port/bytes/$size" || fail "GET /bytes/$size failed"
    [[ $(wc -c <"$WORK/body") == "$size" ]] || fail "GET /bytes/$size gave $(wc -c <"$WORK/body") bytes"
    # Published on all the host's addresses, as docker does: not only on loopback.
    ss -Htln "( sport = :$port )" | grep -q "0.0.0.0:$port" || fail "port $port is not bound to 0.0.0.0: $(ss -Htln)"
    owner=$(ss -Htlnp "( sport = :$port )" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
    [[ -n $owner && $(stat -c %u "/proc/$owner") == "$uid" ]] || fail "port $port is not held by a process of $user"
    echo "ok: $PLATFORM: curl 127.0.0.1:$port through -p $port:80 as $user (page and 1 MB body)"
}

udp() {
    port=$(free_port)
    guest -p "$port:7/udp" "$PROGRAMS/udp_echo" serve 7
    eventually "the first echo" "$PROGRAMS/udp_echo" ping 127.0.0.1 "$port" 1 8
    out=$("$PROGRAMS/udp_echo" ping 127.0.0.1 "$port" 100 1000) || fail "udp_echo ping: $out"
    echo "ok: $PLATFORM: 100 UDP echoes through -p $port:7/udp as $user"
}

to_host() {
    port=$(free_port)
    "$PROGRAMS/udp_echo" serve "$port" >/dev/null 2>&1 &
    HOST_PID=$!
    guest "$PROGRAMS/udp_echo" ping 10.0.2.2 "$port" 20 100
    wait "$GUEST_PID"
    status=$?
    GUEST_PID=
    ((status == 0)) || fail "the guest's udp_echo ping 10.0.2.2 $port exited with $status"
    echo "ok: $PLATFORM: the guest (run with --network user) reached the host's loopback as 10.0.2.2"
}

privileged_port() {
    as_user "$INGOT" run --platform "$PLATFORM" -p 80:80 "$EXAMPLES/http_server" -- 80 \
        >"$WORK/out" 2>"$WORK/err" </dev/null
    status=$?
    ((status != 0)) || fail "-p 80:80 as $user succeeded"
    [[ $(wc -l <"$WORK/err") == 1 ]] || fail "expected one line, got: $(cat "$WORK/err")"
    grep -q -- "-p 80:80: host port 80 is privileged" "$WORK/err" || fail "unexpected message: $(cat "$WORK/err")"
    [[ ! -s $WORK/out ]] || fail "output on stdout: $(cat "$WORK/out")"
    echo "ok: $PLATFORM: -p 80:80 as $user: $(cat "$WORK/err")"
}

case $case_name in
http | udp | privileged_port) "$case_name" ;;
to_host)
    # No -p: the user asks for user-mode networking by name.
    guest() {
        as_user "$INGOT" run --platform "$PLATFORM" --network user "$@" >"$WORK/guest.out" 2>"$WORK/guest.err" </dev/null &
        GUEST_PID=$!
    }
    to_host
    ;;
*) fail "unknown case $case_name" ;;
esac
