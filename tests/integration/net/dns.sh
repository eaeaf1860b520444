#!/usr/bin/env bash
# The DNS example answers dig: A records, CNAME chains, TXT, NXDOMAIN and NODATA with the SOA,
# REFUSED outside its zone, compressed answers, and it survives malformed datagrams.
# With --ipv6 all of it goes over IPv6 to the guest's static address (--ip6; lib.sh's
# topology_plain_ipv6): the example listens on [::] for both families, so the same program
# answers the IPv4 run and this one.
NET_TEST_USAGE="[--ipv6]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
require_tools dig:bind9-dnsutils

topology_plain
server_address=$GUEST_IP
case ${NET_ARGS[0]:-} in
--ipv6)
    topology_plain_ipv6
    server_address=$GUEST_IP6
    ;;
"") ;;
*) net_usage ;;
esac
start_server "$EXAMPLES/dns_server" 53
ask() { dig @"$server_address" -p 53 +norecurse +time=2 +tries=2 "$@"; }
wait_until "the first DNS answer" ask +short example.test A

expect() { # description expected-regex dig-arguments...
    local description=$1 regex=$2 out
    shift 2
    out=$(ask "$@" 2>&1) || fail "dig $*: $out"
    grep -Eq "$regex" <<<"$out" || fail "$description: dig $* gave:"$'\n'"$out"
    note "$description"
}
expect "A: example.test is 10.0.2.15, authoritative" 'flags: qr aa;' example.test A
expect "A record" '^example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.2\.15$' example.test A
# Header 12 + question 18 + one A record with its owner compressed to a pointer (16) + OPT (11).
expect "the answer's name is a compression pointer (57 bytes)" 'MSG SIZE +rcvd: 57$' example.test A
expect "CNAME followed in the zone" 'www\.example\.test\..*CNAME.*example\.test\.' www.example.test A
expect "CNAME chain ends in the A record" '^example\.test\..*IN[[:space:]]+A[[:space:]]+10\.0\.2\.15' alias.example.test A
expect "several A records" 'ANSWER: 2,' multi.example.test A
expect "TXT with two strings" '"first string" "second string"' txt.example.test TXT
expect "NXDOMAIN with the SOA" 'status: NXDOMAIN' no-such-name.example.test A
expect "NXDOMAIN: no answer, the SOA" 'ANSWER: 0, AUTHORITY: 1,' no-such-name.example.test A
expect "NODATA: NOERROR" 'status: NOERROR' example.test MX
expect "NODATA: no answer, the SOA" 'ANSWER: 0, AUTHORITY: 1,' example.test MX
expect "empty non-terminal: NOERROR" 'status: NOERROR' deep.example.test A
expect "case kept in the echoed question" '^;ExAmPlE\.TeSt\.' ExAmPlE.TeSt A
expect "outside the zone: REFUSED" 'status: REFUSED' example.com A
expect "without EDNS" 'flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0' +noedns example.test A
expect "EDNS version 1: BADVERS" 'status: BADVERS' +edns=1 +noednsnegotiation example.test A
expect "another opcode: NOTIMP" 'status: NOTIMP' +opcode=2 +noedns example.test A

# Malformed datagrams: too short, a question running off the end, a response, garbage.
datagrams=(
    '\x12\x34\x01'
    '\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x07exa'
    '\x12\x34\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01'
    '\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff'
    '\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01'
)
for datagram in "${datagrams[@]}"; do
    printf "$datagram" >"/dev/udp/$server_address/53" || fail "could not send a malformed datagram"
done
expect "still answering after ${#datagrams[@]} malformed datagrams" 'status: NOERROR' example.test A
pass "dig @$server_address against the DNS example"
