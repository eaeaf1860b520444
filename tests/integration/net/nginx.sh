#!/usr/bin/env bash
# Debian's nginx-light, unmodified: an index page and a 1 MiB file served through -p, checked
# byte for byte, then keep-alive and a 404. Natively nginx runs in the guest namespace behind a
# socat proxy; in Ingot it is sealed with its configuration and site (--add) and published.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
net_begin "$@"
require_tools curl:curl
require_files /usr/sbin/nginx

site=$WORK/site
rm -rf "$site" && cp -r "$here/nginx" "$site"
head -c 1048576 /dev/urandom >"$site/html/big.bin"
flags='daemon off; master_process off;'

topology_publish 8080 80
if [[ $MODE == native ]]; then
    start_server /usr/sbin/nginx -p "$site" -c conf/nginx.conf -g "$flags"
else
    "$INGOT" build /usr/sbin/nginx -o "$WORK/nginx.img" --add "$site:/srv/site" \
        -- -p /srv/site -c conf/nginx.conf -g "$flags" || fail "ingot build of nginx failed"
    chmod +x "$WORK/nginx.img" # start_server runs what is executable
    start_server "$WORK/nginx.img"
fi
url=http://127.0.0.1:8080
# With -p the host's port accepts before the guest has booted: wait for an answer.
wait_until "nginx answers" curl -sf --max-time 5 -o /dev/null "$url/"

page=$(curl -sS --max-time 10 "$url/") || fail "curl $url/ failed"
grep -q "<h1>nginx in Ingot</h1>" <<<"$page" || fail "the index is not the site's: $page"
note "GET / : the index"

curl -sS --max-time 30 -o "$WORK/big.bin" "$url/big.bin" || fail "GET /big.bin failed"
cmp -s "$WORK/big.bin" "$site/html/big.bin" || fail "/big.bin differs from the file served"
note "GET /big.bin : 1 MiB, byte for byte"

verbose=$(curl -sS --max-time 10 -v -o /dev/null -o /dev/null "$url/" "$url/index.html" 2>&1)
grep -qiE 're-?using existing connection' <<<"$verbose" || fail "curl did not reuse the connection"
status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$url/no-such-page")
[[ $status == 404 ]] || fail "GET /no-such-page answered $status, not 404"
note "keep-alive, and 404 for a missing page"
grep -qE "not implemented|crashed" "$WORK/server.err" && fail "$(grep -E 'not implemented|crashed' "$WORK/server.err" | head -3)"
pass "Debian's nginx serves through -p"
