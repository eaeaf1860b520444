#!/usr/bin/env bash
# The HTTP example serves real clients: curl fetches the page, 404s, keep-alive, HEAD, a 10 MB
# body checked byte for byte, a bad request answered 400 while the server goes on serving.
# Test options: --ipv6: all of it over IPv6 to the guest's static address (--ip6; lib.sh's
# topology_plain_ipv6), which the example serves on the same [::] socket as IPv4.
# -- SERVER_ARGS... (e.g. --edge-triggered): passed to the server after its port.
NET_TEST_USAGE="[--ipv6] [-- SERVER_ARGS...]"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
require_tools curl:curl
ipv6=0
server_args=()
set -- "${NET_ARGS[@]}"
while (($#)); do
    case $1 in
    --ipv6) ipv6=1; shift ;;
    --) shift; server_args=("$@"); break ;;
    *) net_usage ;;
    esac
done

topology_plain
server_address=$GUEST_IP
url=http://$GUEST_IP
over=""
if ((ipv6)); then
    topology_plain_ipv6
    server_address=$GUEST_IP6
    url="http://[$GUEST_IP6]"
    over=" over IPv6"
fi
start_server "$EXAMPLES/http_server" 80 "${server_args[@]}"
wait_for_tcp "$server_address" 80

# -g: the brackets of an IPv6 URL are not a curl glob.
page=$(curl -g -sS --max-time 10 "$url/") || fail "curl $url/ failed"
grep -q "<h1>Hello from Ingot</h1>" <<<"$page" || fail "the page at / is not the example's: $page"
note "GET / : the page"

status=$(curl -g -sS --max-time 10 -o /dev/null -w '%{http_code}' "$url/no-such-page")
[[ $status == 404 ]] || fail "GET /no-such-page answered $status, not 404"
note "GET /no-such-page : 404"

# Two requests on one connection: curl says it reused it.
verbose=$(curl -g -sS --max-time 10 -v -o /dev/null -o /dev/null "$url/" "$url/stats" 2>&1)
grep -qiE 're-?using existing connection' <<<"$verbose" || fail "curl did not reuse the connection (keep-alive)"
note "keep-alive: two requests, one connection"

head=$(curl -g -sS --max-time 10 -I "$url/bytes/12345")
grep -qi '^content-length: 12345' <<<"$head" || fail "HEAD /bytes/12345 gave no Content-Length 12345: $head"
note "HEAD : headers only"

# A 10 MB body, against the pattern it must follow (byte i is 'a' + i mod 26).
size=10000000
curl -g -sS --max-time 60 -o "$WORK/body" "$url/bytes/$size" || fail "GET /bytes/$size failed"
got=$(wc -c <"$WORK/body")
[[ $got == "$size" ]] || fail "GET /bytes/$size gave $got bytes"
expected=$(yes abcdefghijklmnopqrstuvwxyz | tr -d '\n' | head -c "$size" | md5sum)
[[ $(md5sum <"$WORK/body") == "$expected" ]] || fail "the body of /bytes/$size differs from its pattern"
note "GET /bytes/$size : $size bytes, as expected"

# A malformed request gets 400 and a close; then the server still serves.
answer=$(timeout 10 bash -c "exec 3<>/dev/tcp/$server_address/80; printf 'NONSENSE\r\n\r\n' >&3; cat <&3" | head -n 1)
[[ $answer == "HTTP/1.1 400 Bad Request"* ]] || fail "a malformed request got '$answer', not 400"
answer=$(timeout 10 bash -c "exec 3<>/dev/tcp/$server_address/80; printf 'GET / HTTP/1.0\r\n\r\n' >&3; cat <&3" | head -n 1)
[[ $answer == "HTTP/1.1 200 OK"* ]] || fail "HTTP/1.0 without keep-alive got '$answer'"
curl -g -sS --max-time 10 -o /dev/null "$url/" || fail "the server stopped serving after a bad request"
note "bad request: 400 and close; HTTP/1.0: 200 and close; still serving"
pass "curl against the HTTP example$over${server_args[*]:+ (${server_args[*]})}"
