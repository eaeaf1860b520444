#!/usr/bin/env bash
# --net-interface: the guest takes over eth0 of a network namespace of its own (as an OCI
# runtime runs it inside a container's namespace), through a tap and two tc redirects.
#
#   script's namespace (the "bridge side")          namespace A (ingot runs here)
#   veth0 10.0.2.1/24, 10.0.9.1/32 on lo  <------>  eth0 10.0.2.15/24, default via 10.0.2.1
#
# Test options:
#   --case http       curl the HTTP example at eth0's address; a request from 10.0.9.1, off
#                     the guest's subnet, is answered through the gateway; after ingot exits,
#                     no tap and no ingress qdisc are left in A, and eth0 keeps its address
#   --case killed     the same after a SIGKILL of ingot: nothing left either
#   --case refusals   bad input: one line, non-zero status, nothing left behind
NET_TEST_USAGE="--case http|killed|refusals"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
CASE=""
[[ ${NET_ARGS[0]:-} == --case ]] && CASE=${NET_ARGS[1]:-}
case $CASE in http | killed | refusals) ;; *) net_usage ;; esac
[[ $MODE != native ]] || skip "--net-interface is an option of ingot run (no native mode)"
require_tools curl:curl tc:iproute2
require_ingot_option '(^|[ ,])--net-interface[ ,]' --net-interface
require_files "$EXAMPLES/http_server"

readonly OFF_SUBNET_IP=10.0.9.1
GUEST_TAP=veth0
make_guest_namespace
ip addr add "$HOST_IP/$PREFIX" dev "$GUEST_TAP"
ip link set "$GUEST_TAP" up
ip addr add "$OFF_SUBNET_IP/32" dev lo

# The kernel features the takeover needs, tried on the bridge side's own veth with tc.
probe_kernel() {
    tc qdisc add dev "$GUEST_TAP" ingress 2>"$WORK/probe.err" ||
        skip "this kernel has no ingress qdisc (CONFIG_NET_SCH_INGRESS): $(cat "$WORK/probe.err")"
    tc filter add dev "$GUEST_TAP" parent ffff: protocol all u32 match u32 0 0 \
        action mirred egress redirect dev lo 2>"$WORK/probe.err" ||
        skip "this kernel lacks the u32 classifier or the mirred action: $(cat "$WORK/probe.err")"
    tc qdisc del dev "$GUEST_TAP" ingress
}
probe_kernel

# Fails unless namespace A is as it was before ingot: eth0 alone (no tap) with its address,
# and no ingress qdisc.
check_nothing_left() { # when
    local links qdiscs
    links=$(in_guest ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | sort | tr '\n' ' ')
    [[ $links == "eth0 lo " ]] || fail "$1: namespace A has the interfaces '$links', not eth0 and lo alone"
    qdiscs=$(in_guest tc qdisc show dev eth0)
    grep -q ingress <<<"$qdiscs" && fail "$1: eth0 still has an ingress qdisc: $qdiscs"
    in_guest ip -4 -o addr show dev eth0 | grep -q "inet $GUEST_IP/$PREFIX" ||
        fail "$1: eth0 lost its address"
    note "$1: no tap, no ingress qdisc left; eth0 keeps $GUEST_IP/$PREFIX"
}

start_takeover() { # ingot options...
    ip neigh flush all
    local memory=()
    [[ -n ${INGOT_NET_MEM:-} ]] && memory=(--mem "$INGOT_NET_MEM")
    nsenter -t "$GUEST_NS_PID" -n -- "$INGOT" run --platform "$MODE" "$@" "${memory[@]}" \
        "$EXAMPLES/http_server" -- 80 >"$WORK/server.out" 2>"$WORK/server.err" </dev/null &
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
}

# Waits for the ingress qdisc to be gone after ingot's end (its cleanup process removes it).
wait_cleaned_up() {
    local deadline=$((SECONDS + 10))
    while in_guest tc qdisc show dev eth0 | grep -q ingress || (($(in_guest ip -o link show | wc -l) > 2)); do
        ((SECONDS < deadline)) || break
        sleep 0.1
    done
}

case_http() {
    start_takeover --net-interface eth0 --verbose
    wait_for_tcp "$GUEST_IP" 80
    grep -q "taking over eth0" "$WORK/server.err" || fail "--verbose does not name the interface taken over"
    in_guest tc filter show dev eth0 ingress | grep -q "Egress Redirect" ||
        fail "eth0 has no redirect filter while the guest runs"
    page=$(curl -sS --max-time 10 "http://$GUEST_IP/") || fail "curl http://$GUEST_IP/ failed"
    grep -q "<h1>Hello from Ingot</h1>" <<<"$page" || fail "the page is not the example's: $page"
    note "GET http://$GUEST_IP/ : the example's page, from the guest on eth0's address"
    mac=$(in_guest ip -o link show dev eth0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
    ip neigh show "$GUEST_IP" | grep -qi "lladdr $mac" ||
        fail "ARP for $GUEST_IP was not answered with eth0's MAC $mac: $(ip neigh show "$GUEST_IP")"
    note "ARP: $GUEST_IP is at eth0's MAC $mac"
    # From an address outside the guest's subnet: the answer must go through its gateway.
    curl -sS --max-time 10 --interface "$OFF_SUBNET_IP" -o /dev/null "http://$GUEST_IP/" ||
        fail "a request from $OFF_SUBNET_IP (off the guest's subnet) got no answer through the gateway $HOST_IP"
    note "from $OFF_SUBNET_IP: answered through the gateway $HOST_IP"
    kill -TERM "$SERVER_PID"
    wait_server_exit 30
    check_nothing_left "after ingot exits"
    pass "the guest took eth0 over and gave it back"
}

case_killed() {
    start_takeover --net-interface eth0
    wait_for_tcp "$GUEST_IP" 80
    kill -KILL "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null
    wait_cleaned_up
    check_nothing_left "after a SIGKILL of ingot"
    pass "a killed ingot leaves eth0 as it found it"
}

# refuse EXPECTED-TEXT ingot-run-options...: ingot must fail with one line containing the text.
refuse() {
    local expected=$1
    shift
    local status=0
    in_guest "$INGOT" run --platform "$MODE" "$@" "$EXAMPLES/http_server" -- 80 \
        >"$WORK/refused.out" 2>"$WORK/refused.err" </dev/null || status=$?
    ((status != 0)) || fail "ingot run $* succeeded"
    [[ $(wc -l <"$WORK/refused.err") == 1 ]] || fail "ingot run $* said more than one line: $(cat "$WORK/refused.err")"
    grep -qF -- "$expected" "$WORK/refused.err" || fail "ingot run $*: '$(cat "$WORK/refused.err")' does not say '$expected'"
    note "refused: $*: $(cat "$WORK/refused.err")"
}

case_refusals() {
    require_tools setpriv:util-linux
    refuse "no such interface" --net-interface ingotnone0
    refuse "loopback" --net-interface lo
    in_guest ip link add ingotbare0 type veth peer name ingotbare1 || fail "cannot create a veth pair in A"
    refuse "no IPv4 address" --net-interface ingotbare0
    in_guest ip link del ingotbare0
    refuse "-p cannot be combined" --net-interface eth0 -p 8080:80
    refuse "--net and --net-interface" --net-interface eth0 --net tap0
    refuse "--ip cannot be combined" --net-interface eth0 --ip 10.0.2.16/24
    in_guest tc qdisc add dev eth0 ingress
    refuse "has an ingress qdisc already" --net-interface eth0
    in_guest tc qdisc show dev eth0 | grep -q ingress || fail "a refused run removed a qdisc it did not add"
    in_guest tc qdisc del dev eth0 ingress
    # root without CAP_NET_ADMIN (as in a container without it)
    local status=0
    nsenter -t "$GUEST_NS_PID" -n -- setpriv --bounding-set=-net_admin --inh-caps=-net_admin \
        "$INGOT" run --platform "$MODE" --net-interface eth0 "$EXAMPLES/http_server" -- 80 \
        >"$WORK/refused.out" 2>"$WORK/refused.err" </dev/null || status=$?
    ((status != 0)) || fail "ingot run without CAP_NET_ADMIN succeeded"
    grep -q "needs CAP_NET_ADMIN" "$WORK/refused.err" || fail "without CAP_NET_ADMIN: '$(cat "$WORK/refused.err")'"
    note "refused without CAP_NET_ADMIN: $(cat "$WORK/refused.err")"
    check_nothing_left "after the refusals"
    pass "bad input refused in one line, nothing left behind"
}

case $CASE in
http) case_http ;;
killed) case_killed ;;
refusals) case_refusals ;;
esac
