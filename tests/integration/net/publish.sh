#!/usr/bin/env bash
# Publishing a port (-p HOST:GUEST, as with Docker): curl http://127.0.0.1:8080/ and
# curl -g http://[::1]:8080/ reach the HTTP example's port 80 in the guest, and with --udp
# dig @127.0.0.1 -p 5353 and dig @::1 -p 5353 reach the DNS example's port 53: a mapping without
# an address listens on the host's IPv4 and IPv6 addresses. Ingot sets the host side up itself.
# With --ipv6-only, -p [::1]:8081:80 serves [::1]:8081 alone: 127.0.0.1:8081 refuses.
# Without ::1 in the test's namespace the IPv6 half says SKIPPED and the IPv4 half still runs
# (--ipv6-only, all IPv6, is skipped).
NET_TEST_USAGE="[--udp | --ipv6-only]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"

# "and [::1]" for pass's message once the IPv6 half passed; else it says why it was skipped.
ipv6_half() { # description command...
    local description=$1
    shift
    if ! ipv6_loopback; then
        echo "SKIPPED (IPv6 half, $description): no ::1 on lo in this namespace (IPv6 disabled)"
        return 1
    fi
    "$@" || fail "$description"
    return 0
}

case ${NET_ARGS[0]:-} in
--udp)
    require_tools dig:bind9-dnsutils
    topology_publish 5353 53 udp
    start_server "$EXAMPLES/dns_server" 53
    dig_at() { dig @"$1" -p 5353 +norecurse +time=2 +tries=1 +short example.test A; }
    wait_until "dig @127.0.0.1 -p 5353" dig_at 127.0.0.1
    [[ $(dig_at 127.0.0.1) == "$GUEST_IP" ]] || fail "dig through the published port: '$(dig_at 127.0.0.1)'"
    answers_over_ipv6() { [[ $(dig_at ::1) == "$GUEST_IP" ]]; }
    also=""
    ipv6_half "dig @::1 -p 5353 through the published port" answers_over_ipv6 && also=" and @::1"
    pass "dig @127.0.0.1$also -p 5353 example.test through -p 5353:53/udp"
    ;;
--ipv6-only)
    ipv6_loopback || skip "no ::1 on lo in this namespace (IPv6 disabled)"
    require_tools curl:curl
    topology_publish 8081 80 tcp "[::1]"
    start_server "$EXAMPLES/http_server" 80
    wait_until "curl -g http://[::1]:8081/" curl -sS -g --max-time 2 -o /dev/null "http://[::1]:8081/"
    page=$(curl -sS -g --max-time 10 "http://[::1]:8081/") || fail "curl -g http://[::1]:8081/ failed"
    grep -q "Hello from Ingot" <<<"$page" || fail "[::1]:8081 did not serve the page: $page"
    # curl's 7: the connection was refused (nothing listens on 127.0.0.1:8081).
    curl -sS --max-time 10 -o /dev/null http://127.0.0.1:8081/ 2>"$WORK/refused.err"
    status=$?
    [[ $status == 7 ]] || fail "127.0.0.1:8081 should refuse with -p [::1]:8081:80 (curl exit $status: $(cat "$WORK/refused.err"))"
    pass "curl -g http://[::1]:8081/ through -p [::1]:8081:80, and 127.0.0.1:8081 refused"
    ;;
esac
require_tools curl:curl
topology_publish 8080 80
start_server "$EXAMPLES/http_server" 80
wait_until "curl http://127.0.0.1:8080/" curl -sS --max-time 2 -o /dev/null http://127.0.0.1:8080/
page=$(curl -sS --max-time 10 http://127.0.0.1:8080/) || fail "curl http://127.0.0.1:8080/ failed"
grep -q "Hello from Ingot" <<<"$page" || fail "the published port did not serve the page: $page"
serves_over_ipv6() {
    local page
    page=$(curl -sS -g --max-time 10 "http://[::1]:8080/") && grep -q "Hello from Ingot" <<<"$page"
}
also=""
ipv6_half "curl -g http://[::1]:8080/ through the published port" serves_over_ipv6 && also=" and http://[::1]:8080/"
pass "curl http://127.0.0.1:8080/$also through -p 8080:80"
