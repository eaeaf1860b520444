#!/usr/bin/env bash
# Detached instances (ingot run -d, ps, logs, stop, kill, rm, inspect, --restart), one case a
# run, each in a state directory of its own (INGOT_STATE_DIR), so that no case touches
# /run/ingot or another case's instances; whatever a case leaves is removed at its end.
#   instances.sh CASE INGOT PROGRAMS [EXAMPLES]
# Prints "ok: CASE" and exits 0 when the case passed; "FAIL: why" and 1 when not; 77 when it
# cannot run here (with the reason).
set -u
case_name=$1 given_case=$1 INGOT=$2 PROGRAMS=$3 EXAMPLES=${4:-}

fail() {
    echo "FAIL: $*"
    exit 1
}

# A case named qemu_CASE runs CASE with --platform qemu (TCG where there is no KVM), any other
# on hvt, except the cases of either platform (kill_stops_restarts, plan_refused): on hvt where
# /dev/kvm can be used, else on QEMU.
kvm_usable() { [[ -e /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null; }
need_qemu() {
    command -v qemu-system-x86_64 >/dev/null ||
        { echo "SKIPPED: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86)"; exit 77; }
}
platform=()
case $case_name in
qemu_*)
    need_qemu
    platform=(--platform qemu)
    case_name=${case_name#qemu_}
    ;;
kill_stops_restarts | plan_refused)
    if ! kvm_usable; then
        need_qemu
        platform=(--platform qemu)
    fi
    ;;
*)
    [[ -e /dev/kvm ]] || { echo "SKIPPED: /dev/kvm does not exist on this host"; exit 77; }
    kvm_usable || { echo "SKIPPED: /dev/kvm cannot be opened read-write"; exit 77; }
    ;;
esac
command -v python3 >/dev/null || { echo "SKIPPED: python3 (reads inspect's JSON) is missing"; exit 77; }
for program in "$PROGRAMS/signals" "$PROGRAMS/exit_paths" "$PROGRAMS/stop_handling"; do
    [[ -x $program ]] || { echo "SKIPPED: $program is missing: build the test programs"; exit 77; }
done

INGOT_STATE_DIR=$(mktemp -d /tmp/ingot-instances-XXXXXX)
export INGOT_STATE_DIR
cleanup() {
    for id in "$INGOT_STATE_DIR"/instances/*; do
        [[ -d $id ]] && "$INGOT" rm -f "$(basename "$id")" >/dev/null 2>&1
    done
    rm -rf "$INGOT_STATE_DIR"
}
trap cleanup EXIT

# A field of inspect's JSON: field NAME PATH (a Python subscript, e.g. '["state"]["status"]').
field() {
    "$INGOT" inspect "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)[0]$2)"
}

# Waits up to 20 s for a shell condition.
wait_for() {
    local i
    for ((i = 0; i < 200; i++)); do
        eval "$1" && return 0
        sleep 0.1
    done
    fail "timed out waiting for: $1"
}

count() { find "$1" -mindepth 1 -maxdepth 1 | wc -l; }

lifecycle() {
    id=$("$INGOT" run -d "${platform[@]}" --name web "$PROGRAMS/signals" -- wait) || fail "run -d failed"
    [[ $id =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$id', not an id"
    "$INGOT" ps | grep -Eq "^web +${id:0:12} .* running " || fail "ps: $("$INGOT" ps)"
    wait_for '"$INGOT" logs web | grep -qx waiting'
    [[ $(field "${id:0:6}" '["state"]["running"]') == True ]] || fail "inspect by id prefix"
    vm=$(field web '["state"]["pid"]')
    "$INGOT" rm web 2>/dev/null && fail "rm removed a running instance"
    "$INGOT" stop web >/dev/null || fail "stop failed"
    # The program's SIGTERM handler ran and it exited 0; the VM's process is gone.
    [[ $(field web '["state"]["status"]') == "exited (0)" ]] || fail "after stop: $(field web '["state"]')"
    "$INGOT" logs web | grep -qx "sigsuspend returned after signal 15" || fail "logs after stop"
    [[ -d /proc/$vm ]] && fail "the VM's process $vm still runs"
    "$INGOT" ps | grep -q web && fail "ps lists an ended instance"
    "$INGOT" ps -a | grep -q "exited (0)" || fail "ps -a: $("$INGOT" ps -a)"
    "$INGOT" rm web >/dev/null || fail "rm failed"
    [[ $(count "$INGOT_STATE_DIR/instances") == 0 && $(count "$INGOT_STATE_DIR/names") == 0 ]] ||
        fail "rm left state behind"
}

duplicate_name() {
    "$INGOT" run -d "${platform[@]}" --name web "$PROGRAMS/signals" -- wait >/dev/null || fail "run -d failed"
    error=$("$INGOT" run -d "${platform[@]}" --name web "$PROGRAMS/signals" -- wait 2>&1 >/dev/null)
    status=$?
    [[ $status == 2 ]] || fail "a duplicate --name exited $status"
    [[ $(wc -l <<<"$error") == 1 && $error == "ingot: error: the name 'web' is already in use"* ]] ||
        fail "duplicate --name said: $error"
    [[ $(count "$INGOT_STATE_DIR/instances") == 1 ]] || fail "a duplicate left an instance"
    # A start error (here: no such image) leaves nothing either.
    "$INGOT" run -d "${platform[@]}" --name other /nonexistent/image 2>/dev/null && fail "run -d of nothing worked"
    [[ $(count "$INGOT_STATE_DIR/instances") == 1 && $(count "$INGOT_STATE_DIR/names") == 1 ]] ||
        fail "a failed start left state behind"
    for command in logs stop kill rm inspect; do
        error=$("$INGOT" "$command" nothere 2>&1 >/dev/null) && fail "$command of nothing worked"
        [[ $(wc -l <<<"$error") == 1 && $error == "ingot: error: no such instance: 'nothere'"* ]] ||
            fail "$command nothere said: $error"
    done
}

supervisor_lost() {
    "$INGOT" run -d "${platform[@]}" --name web "$PROGRAMS/signals" -- wait >/dev/null || fail "run -d failed"
    supervisor=$(field web '["state"]["supervisor_pid"]')
    vm=$(field web '["state"]["pid"]')
    kill -KILL "$supervisor"
    wait_for '! [[ -d /proc/$supervisor ]]'
    [[ $(field web '["state"]["status"]') == "exited (unknown: supervisor lost)" ]] ||
        fail "after kill -9 of the supervisor: $(field web '["state"]')"
    "$INGOT" ps | grep -q web && fail "ps lists a lost instance as running"
    "$INGOT" ps -a | grep -q "supervisor lost" || fail "ps -a: $("$INGOT" ps -a)"
    # The VM ends with its supervisor (PR_SET_PDEATHSIG, kept across the monitor's change of
    # user); rm cleans what is left.
    wait_for '! [[ -d /proc/$vm ]] || grep -q "^State:.*Z" /proc/$vm/status'
    "$INGOT" rm web >/dev/null || fail "rm of a lost instance failed"
    [[ $(count "$INGOT_STATE_DIR/instances") == 0 ]] || fail "rm left state behind"
}

kill_and_follow() {
    "$INGOT" run -d "${platform[@]}" --name web "$PROGRAMS/signals" -- wait >/dev/null || fail "run -d failed"
    wait_for '"$INGOT" logs web | grep -qx waiting'
    # logs -f prints what comes and ends when the instance ends.
    "$INGOT" logs -f --timestamps web >"$INGOT_STATE_DIR/followed" &
    follower=$!
    sleep 0.3
    "$INGOT" kill -s TERM web >/dev/null || fail "kill -s TERM failed"
    wait_for '! kill -0 $follower 2>/dev/null'
    grep -Eq "^[0-9-]{10}T[0-9:.]{18}Z sigsuspend returned after signal 15$" "$INGOT_STATE_DIR/followed" ||
        fail "logs -f --timestamps: $(cat "$INGOT_STATE_DIR/followed")"
    wait_for '[[ $(field web "[\"state\"][\"status\"]") == "exited (0)" ]]'
    "$INGOT" kill web 2>&1 | grep -q "is not running" || fail "kill of an ended instance"
    # A program that ignores SIGTERM: stop -t 1 kills it a second later.
    "$INGOT" run -d "${platform[@]}" --name spin "$PROGRAMS/stop_handling" -- spin >/dev/null || fail "run -d failed"
    wait_for '"$INGOT" logs spin | grep -qx waiting'
    start=$SECONDS
    "$INGOT" stop -t 1 spin >/dev/null || fail "stop -t 1 failed"
    ((SECONDS - start <= 5)) || fail "stop -t 1 took $((SECONDS - start)) s"
    [[ $(field spin '["state"]["status"]') == "exited (137, killed by SIGKILL)" ]] ||
        fail "after stop -t 1: $(field spin '["state"]')"
    "$INGOT" rm web spin >/dev/null || fail "rm of two failed"
}

restart_on_failure() {
    "$INGOT" run -d "${platform[@]}" --name failing --restart on-failure:2 "$PROGRAMS/exit_paths" exit 1 >/dev/null ||
        fail "run -d failed"
    wait_for '[[ $(field failing "[\"state\"][\"status\"]") == "exited (1)" ]]'
    sleep 1 # no third restart comes later
    [[ $(field failing '["state"]["restart_count"]') == 2 ]] ||
        fail "restarts: $(field failing '["state"]')"
    [[ $("$INGOT" logs failing | grep -c "^buffered line before exit(1)$") == 3 ]] ||
        fail "logs: $("$INGOT" logs failing)"
    "$INGOT" logs --tail 1 failing | grep -qx "buffered line before exit(1)" || fail "logs --tail 1"
    "$INGOT" ps -a --format json | python3 -c '
import json, sys
[instance] = json.load(sys.stdin)
assert instance["name"] == "failing" and instance["restart_count"] == 2, instance' ||
        fail "ps --format json"
}

publish() {
    [[ $(id -u) == 0 ]] || { echo "SKIPPED: -p without --net needs root (a tap)"; exit 77; }
    command -v curl >/dev/null || { echo "SKIPPED: curl is not installed"; exit 77; }
    [[ -x $EXAMPLES/http_server ]] || { echo "SKIPPED: build the target ingot-examples"; exit 77; }
    if [[ -z ${INSTANCES_IN_NAMESPACE:-} ]]; then
        unshare -n true 2>/dev/null || { echo "SKIPPED: unshare -n fails here"; exit 77; }
        trap - EXIT
        rm -rf "$INGOT_STATE_DIR"
        INSTANCES_IN_NAMESPACE=1 exec unshare -n -- "$BASH" "$0" "$given_case" "$INGOT" "$PROGRAMS" "$EXAMPLES"
    fi
    ip link set lo up
    "$INGOT" run -d "${platform[@]}" --name web -p 8080:80 "$EXAMPLES/http_server" -- 80 >/dev/null || fail "run -d failed"
    wait_for 'curl -sS --max-time 2 -o /dev/null http://127.0.0.1:8080/ 2>/dev/null'
    curl -sS --max-time 10 http://127.0.0.1:8080/ | grep -q "Hello from Ingot" ||
        fail "the published port did not serve the page"
    "$INGOT" ps | grep -q "8080:80" || fail "ps shows no port: $("$INGOT" ps)"
    "$INGOT" rm -f web >/dev/null || fail "rm -f failed"
    curl -sS --max-time 2 -o /dev/null http://127.0.0.1:8080/ 2>/dev/null &&
        fail "the port still answers after rm -f"
}

# docker-kill(1): after a fatal signal (KILL, TERM, INT, QUIT, ABRT) the restart policy does
# not apply; after another (HUP here, which ends the program) it does.
kill_stops_restarts() {
    "$INGOT" run -d "${platform[@]}" --name web --restart always "$PROGRAMS/signals" -- wait >/dev/null ||
        fail "run -d failed"
    wait_for '"$INGOT" logs web | grep -qx waiting'
    "$INGOT" kill -s HUP web >/dev/null || fail "kill -s HUP failed"
    wait_for '[[ $(field web "[\"state\"][\"restart_count\"]") == 1 ]]'
    wait_for '[[ $("$INGOT" logs web 2>/dev/null | grep -cx waiting) == 2 ]]'
    "$INGOT" kill web >/dev/null || fail "kill failed"
    wait_for '[[ $(field web "[\"state\"][\"status\"]") == "exited (137, killed by SIGKILL)" ]]'
    sleep 1 # no restart comes later
    [[ $(field web '["state"]["restart_count"]') == 1 && $(field web '["state"]["running"]') == False ]] ||
        fail "restarted after kill: $(field web '["state"]')"
    "$INGOT" ps | grep -q web && fail "ps lists a killed instance"
    "$INGOT" rm web >/dev/null || fail "rm failed"
}

# Each run starts the plan ingot run -d checked: an image replaced on disk since is refused at
# the next restart with launch_image's line, recorded as the instance's error.
plan_refused() {
    image=$INGOT_STATE_DIR/program.img
    "$INGOT" build "$PROGRAMS/signals" -o "$image" >/dev/null || fail "build failed"
    "$INGOT" run -d "${platform[@]}" --name web --restart always "$image" -- wait >/dev/null ||
        fail "run -d failed"
    [[ -s $INGOT_STATE_DIR/instances/$(field web '["id"]')/plan.json ]] || fail "no plan stored"
    wait_for '"$INGOT" logs web | grep -qx waiting'
    "$INGOT" build "$PROGRAMS/exit_paths" -o "$image.new" >/dev/null || fail "build of another failed"
    mv "$image.new" "$image"
    "$INGOT" kill -s HUP web >/dev/null || fail "kill -s HUP failed"
    wait_for '[[ $(field web "[\"state\"][\"status\"]") == exited* ]]'
    error=$(field web '["state"]["error"]')
    [[ $error == "ingot: error: the image '$image' changed since this launch was planned: plan it again" ]] ||
        fail "the refused restart recorded: $error"
    [[ $(field web '["state"]["restart_count"]') == 1 ]] || fail "restarts: $(field web '["state"]')"
    [[ $("$INGOT" logs web 2>/dev/null | grep -c .) == 1 ]] || fail "the replaced image ran: $("$INGOT" logs web)"
    "$INGOT" rm web >/dev/null || fail "rm failed"
}

case $case_name in
lifecycle | duplicate_name | supervisor_lost | kill_and_follow | restart_on_failure | publish | \
    kill_stops_restarts | plan_refused) "$case_name" ;;
*) fail "unknown case $case_name" ;;
esac
echo "ok: $case_name"
