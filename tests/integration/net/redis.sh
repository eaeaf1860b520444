#!/usr/bin/env bash
# Debian's redis-server, unmodified, keeps its data on a volume (-v): SET/GET/INCR through -p
# with redis-cli; then, with appendonly yes and appendfsync always, the server is killed with
# SIGKILL in the middle of a write loop (`ingot` itself in Ingot) and started again on the same
# directory: every write it acknowledged is there. Natively redis-server runs in the guest
# namespace behind a socat proxy, on the same directory layout.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
net_begin "$@"
require_tools redis-cli:redis-tools
require_files /usr/bin/redis-server
[[ $MODE == native ]] || require_ingot_option '(^|[ ,])-v[ ,]' -v

data=$WORK/data
mkdir -p "$data"
topology_publish 6379 6379
[[ $MODE == native ]] || GUEST_NET_ARGS+=(-v "$data:/data")
start_redis() {
    local flags=(--port 6379 --dir /data --appendonly yes --appendfsync always --save ''
                 --protected-mode no)
    [[ $MODE == native ]] && flags[3]=$data
    start_server /usr/bin/redis-server "${flags[@]}"
    # PONG, not just an answer: while redis loads its append-only file it answers every
    # command, PING included, with a LOADING error (and redis-cli still exits 0).
    wait_until "redis answers PING" bash -c '[[ $(redis-cli -p 6379 ping 2>/dev/null) == PONG ]]'
}
cli() { timeout 10 redis-cli -p 6379 "$@"; }

start_redis
[[ $(cli set greeting hello) == OK ]] || fail "SET was not acknowledged"
[[ $(cli get greeting) == hello ]] || fail "GET did not return what SET stored"
for _ in 1 2 3; do cli incr counter >/dev/null; done
[[ $(cli get counter) == 3 ]] || fail "INCR three times gave $(cli get counter)"
note "SET, GET, INCR through -p"

# Writes one key at a time and records each acknowledged one, until the server is killed.
acknowledged=$WORK/acknowledged
(for ((i = 1; ; ++i)); do
    [[ $(redis-cli -p 6379 set "key$i" "value$i" 2>/dev/null) == OK ]] || break
    echo "$i" >>"$acknowledged"
done) &
writer=$!
wait_until "20 writes are acknowledged" bash -c "[[ \$(wc -l <'$acknowledged' 2>/dev/null) -ge 20 ]]"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
wait "$writer" 2>/dev/null
count=$(wc -l <"$acknowledged")
note "killed with SIGKILL after $count acknowledged writes"
ls "$data" | grep -q appendonly || fail "no append-only file was written to the volume"

start_redis
[[ $(cli get greeting) == hello && $(cli get counter) == 3 ]] || fail "the first writes are gone"
missing=0
for ((i = 1; i <= count; ++i)); do
    [[ $(cli get "key$i") == "value$i" ]] || { missing=$i; break; }
done
((missing == 0)) || fail "acknowledged write key$missing is missing after the restart"
note "after the restart on the same volume: all $count acknowledged writes are there"
grep -qE "not implemented|crashed" "$WORK/server.err" && fail "$(grep -E 'not implemented|crashed' "$WORK/server.err" | head -3)"
pass "Debian's redis keeps every acknowledged write on a volume through SIGKILL"
