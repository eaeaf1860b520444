#!/usr/bin/env bash
# DHCP: a guest given only --net asks for an address; dnsmasq on the host side leases it one
# from a range that excludes the default, and the guest answers HTTP there. Without --fallback
# the lease must come; with --fallback no server answers and the guest takes the documented
# default 10.0.2.15 after its wait.
# Test options: [--fallback]
NET_TEST_USAGE="[--fallback]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
fallback=0
case "${NET_ARGS[*]}" in
"") ;;
--fallback) fallback=1 ;;
*) net_usage ;;
esac
[[ $MODE == native ]] && skip "DHCP is the guest kernel's: there is no native case"
require_tools curl:curl
((fallback)) || require_tools dnsmasq:dnsmasq-base

topology_plain
GUEST_NET_ARGS=(--net "$GUEST_TAP")
leased=10.0.2.77
if ((!fallback)); then
    dnsmasq --no-daemon --no-resolv --no-hosts --port=0 --interface="$GUEST_TAP" \
        --bind-interfaces --dhcp-range="$leased,$leased,255.255.255.0,2m" \
        --dhcp-leasefile="$WORK/leases" --pid-file="$WORK/dnsmasq.pid" \
        >"$WORK/dnsmasq.log" 2>&1 &
    STARTED_PIDS+=("$!")
fi
start_server "$EXAMPLES/http_server" 80
address=$leased
((fallback)) && address=$GUEST_IP
wait_until "the page at $address" curl -sf -o /dev/null "http://$address/"
page=$(curl -sS -m 10 "http://$address/")
grep -q "Hello from Ingot" <<<"$page" || fail "unexpected page from $address: $page"
if ((fallback)); then
    grep -q "no DHCP server answered" "$WORK/server.err" ||
        fail "the guest did not say it fell back: $(<"$WORK/server.err")"
    pass "no DHCP server: the guest fell back to $GUEST_IP and serves there"
else
    grep -q "$leased" "$WORK/leases" || fail "dnsmasq recorded no lease: $(cat "$WORK/leases" 2>/dev/null)"
    pass "the guest leased $leased from dnsmasq and serves there"
fi
