#!/usr/bin/env bash
# Publishing a port (-p HOST:GUEST, as with Docker): curl http://127.0.0.1:8080/ reaches the
# HTTP example's port 80 in the guest, and with --udp dig @127.0.0.1 -p 5353 reaches the DNS
# example's port 53. Ingot sets the host side up itself.
NET_TEST_USAGE="[--udp]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
if [[ ${NET_ARGS[0]:-} == --udp ]]; then
    require_tools dig:bind9-dnsutils
    topology_publish 5353 53 udp
    start_server "$EXAMPLES/dns_server" 53
    dig_local() { dig @127.0.0.1 -p 5353 +norecurse +time=2 +tries=1 +short example.test A; }
    wait_until "dig @127.0.0.1 -p 5353" dig_local
    [[ $(dig_local) == "$GUEST_IP" ]] || fail "dig through the published port: '$(dig_local)'"
    pass "dig @127.0.0.1 -p 5353 example.test through -p 5353:53/udp"
fi
require_tools curl:curl
topology_publish 8080 80
start_server "$EXAMPLES/http_server" 80
wait_until "curl http://127.0.0.1:8080/" curl -sS --max-time 2 -o /dev/null http://127.0.0.1:8080/
page=$(curl -sS --max-time 10 http://127.0.0.1:8080/) || fail "curl http://127.0.0.1:8080/ failed"
grep -q "Hello from Ingot" <<<"$page" || fail "the published port did not serve the page: $page"
pass "curl http://127.0.0.1:8080/ through -p 8080:80"
