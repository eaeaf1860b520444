#!/usr/bin/env bash
# TCP Fast Open (RFC 7413) with Linux as the client: the guest's listener sets TCP_FASTOPEN;
# the host's first connection asks for a cookie, the next ones carry their request in the SYN,
# which the guest takes at once (the client's TCP_INFO says the SYN's data was acknowledged)
# and answers before the handshake ends. Natively the guest namespace's Linux serves, with its
# server side turned on (net.ipv4.tcp_fastopen=3: Debian's default, 1, is the client alone).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"

topology_plain
[[ $MODE == native ]] && in_guest sysctl -qw net.ipv4.tcp_fastopen=3
start_server "$PROGRAMS/tcp_fastopen" serve 7000 3
wait_until "the listener" grep -q "TCP_FASTOPEN 16" "$WORK/server.out"
out=$("$PROGRAMS/tcp_fastopen" request "$GUEST_IP" 7000 3) || fail "tcp_fastopen request: $out"
note "$out"
grep -q '^request 0: answered' <<<"$out" || fail "the first request was not answered"
for i in 1 2; do
    grep -q "^request $i: answered, SYN data acked\$" <<<"$out" ||
        fail "request $i did not have its SYN data taken"
done
wait_server_exit 60 || fail "the server exited with status $?"
pass "Fast Open: a cookie, then requests in the SYN answered before the handshake ended"
