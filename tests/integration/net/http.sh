#!/usr/bin/env bash
# The HTTP example serves real clients: curl fetches the page, 404s, keep-alive, HEAD, a 10 MB
# body checked byte for byte, a bad request answered 400 while the server goes on serving.
# Test options: -- SERVER_ARGS... (e.g. --edge-triggered), passed to the server after its port.
NET_TEST_USAGE="[-- SERVER_ARGS...]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
require_tools curl:curl
server_args=()
[[ ${NET_ARGS[0]:-} == -- ]] && server_args=("${NET_ARGS[@]:1}")

topology_plain
start_server "$EXAMPLES/http_server" 80 "${server_args[@]}"
wait_for_tcp "$GUEST_IP" 80
url=http://$GUEST_IP

page=$(curl -sS --max-time 10 "$url/") || fail "curl $url/ failed"
grep -q "<h1>Hello from Ingot</h1>" <<<"$page" || fail "the page at / is not the example's: $page"
note "GET / : the page"

status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$url/no-such-page")
[[ $status == 404 ]] || fail "GET /no-such-page answered $status, not 404"
note "GET /no-such-page : 404"

# Two requests on one connection: curl says it reused it.
verbose=$(curl -sS --max-time 10 -v -o /dev/null -o /dev/null "$url/" "$url/stats" 2>&1)
grep -qiE 're-?using existing connection' <<<"$verbose" || fail "curl did not reuse the connection (keep-alive)"
note "keep-alive: two requests, one connection"

head=$(curl -sS --max-time 10 -I "$url/bytes/12345")
grep -qi '^content-length: 12345' <<<"$head" || fail "HEAD /bytes/12345 gave no Content-Length 12345: $head"
note "HEAD : headers only"

# A 10 MB body, against the pattern it must follow (byte i is 'a' + i mod 26).
size=10000000
curl -sS --max-time 60 -o "$WORK/body" "$url/bytes/$size" || fail "GET /bytes/$size failed"
got=$(wc -c <"$WORK/body")
[[ $got == "$size" ]] || fail "GET /bytes/$size gave $got bytes"
expected=$(yes abcdefghijklmnopqrstuvwxyz | tr -d '\n' | head -c "$size" | md5sum)
[[ $(md5sum <"$WORK/body") == "$expected" ]] || fail "the body of /bytes/$size differs from its pattern"
note "GET /bytes/$size : $size bytes, as expected"

# A malformed request gets 400 and a close; then the server still serves.
answer=$(timeout 10 bash -c "exec 3<>/dev/tcp/$GUEST_IP/80; printf 'NONSENSE\r\n\r\n' >&3; cat <&3" | head -n 1)
[[ $answer == "HTTP/1.1 400 Bad Request"* ]] || fail "a malformed request got '$answer', not 400"
answer=$(timeout 10 bash -c "exec 3<>/dev/tcp/$GUEST_IP/80; printf 'GET / HTTP/1.0\r\n\r\n' >&3; cat <&3" | head -n 1)
[[ $answer == "HTTP/1.1 200 OK"* ]] || fail "HTTP/1.0 without keep-alive got '$answer'"
curl -sS --max-time 10 -o /dev/null "$url/" || fail "the server stopped serving after a bad request"
note "bad request: 400 and close; HTTP/1.0: 200 and close; still serving"
pass "curl against the HTTP example${server_args[*]:+ (${server_args[*]})}"
