#!/usr/bin/env bash
# ingot-oci, the OCI runtime: alone on hand-made bundles, under podman (--runtime) and under
# containerd (ctr run --runc-binary), one case a run, each with its own state directories
# under a temporary directory removed at its end.
#   oci.sh CASE INGOT_OCI PROGRAMS [EXAMPLES]
# Prints "ok: CASE" and exits 0 when the case passed; "FAIL: why" and 1 when not; 77 with
# "SKIPPED: reason" when it cannot run here.
set -u
case_name=$1 INGOT_OCI=$2 PROGRAMS=$3 EXAMPLES=${4:-}
HERE=$(cd "$(dirname "$0")" && pwd)

fail() {
    echo "FAIL: $*"
    [[ -n ${LOG:-} && -s $LOG ]] && sed 's/^/log: /' "$LOG"
    exit 1
}
skip() {
    echo "SKIPPED: $*"
    exit 77
}

# A guest boots on hvt where /dev/kvm opens, else on QEMU.
guest_platform_or_skip() {
    # -c first: bash's <> would create a missing /dev/kvm as a file.
    if [[ -c /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null; then
        return
    fi
    command -v qemu-system-x86_64 >/dev/null ||
        skip "/dev/kvm cannot be opened and qemu-system-x86_64 is missing"
}

[[ $(id -u) == 0 ]] || skip "an OCI runtime runs as root here (it joins network namespaces)"
WORK=$(mktemp -d /tmp/ingot-oci-XXXXXX)
ROOT=$WORK/state
LOG=$WORK/runtime.log
CLEANUP=()
cleanup() {
    local step
    for step in "${CLEANUP[@]}"; do eval "$step" >/dev/null 2>&1; done
    for id in "$ROOT"/*; do
        [[ -d $id ]] && "$INGOT_OCI" --root "$ROOT" delete --force "$(basename "$id")" >/dev/null 2>&1
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

oci() { "$INGOT_OCI" --root "$ROOT" --log "$LOG" --log-format json "$@"; }

# Waits up to 30 s for a shell condition.
wait_for() {
    local i
    for ((i = 0; i < 300; i++)); do
        eval "$1" && return 0
        sleep 0.1
    done
    fail "timed out waiting for: $1"
}

state_field() { oci state "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)['$2'])"; }

# make_bundle DIR PROGRAM ARGS...: a bundle whose rootfs holds PROGRAM as /bin/NAME.
make_bundle() {
    local dir=$1 program=$2
    shift 2
    mkdir -p "$dir/rootfs/bin"
    cp "$program" "$dir/rootfs/bin/"
    python3 - "$dir/config.json" "$(basename "$program")" "$@" <<'PYTHON'
import json, sys
path, name, args = sys.argv[1], sys.argv[2], sys.argv[3:]
json.dump({"ociVersion": "1.0.2", "root": {"path": "rootfs"},
           "process": {"args": [name] + args, "env": ["PATH=/bin", "GREETING=howdy"], "cwd": "/"},
           "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]}},
          open(path, "w"))
PYTHON
}

# The runtime alone: create (created), start (running), the program's output and exit
# status through the init, stopped, delete; then kill SIGTERM reaching the program.
runtime_lifecycle() {
    guest_platform_or_skip
    for program in hello signals; do
        [[ -x $PROGRAMS/$program ]] || skip "$PROGRAMS/$program is missing: build ingot-test-programs"
    done
    make_bundle "$WORK/hello" "$PROGRAMS/hello" x y
    (
        cd "$WORK/hello" || exit 1
        oci create --pid-file "$WORK/hello.pid" c-hello >"$WORK/hello.out" 2>"$WORK/hello.err"
    ) || fail "create failed: $(cat "$WORK/hello.err")"
    pid=$(cat "$WORK/hello.pid")
    [[ $(state_field c-hello status) == created ]] || fail "after create: $(oci state c-hello)"
    [[ $(state_field c-hello pid) == "$pid" ]] || fail "state's pid is not the --pid-file's $pid"
    [[ -s $WORK/hello.out ]] && fail "the program ran before start: $(cat "$WORK/hello.out")"
    oci start c-hello || fail "start failed"
    wait_for '[[ $(state_field c-hello status) == stopped ]]'
    grep -qx "hello from C" "$WORK/hello.out" || fail "the init's stdout: $(cat "$WORK/hello.out")"
    grep -qx "argv\[2\]=y" "$WORK/hello.out" || fail "process.args: $(cat "$WORK/hello.out")"
    grep -qx "GREETING=howdy" "$WORK/hello.out" || fail "process.env: $(cat "$WORK/hello.out")"
    oci start c-hello 2>/dev/null && fail "a stopped container started again"
    oci kill c-hello TERM 2>/dev/null && fail "kill of a stopped container succeeded"
    oci delete c-hello || fail "delete failed"
    [[ -z $(ls "$ROOT") ]] || fail "delete left $(ls "$ROOT")"
    oci state c-hello 2>/dev/null && fail "state of a deleted container"

    # The exit status is the program's: the init's, as its caller sees it. Like conmon and
    # containerd's shim, the caller is a child subreaper (prctl(2)), so the init, orphaned when
    # create exits, is its to wait for.
    make_bundle "$WORK/exit" "$PROGRAMS/exit_paths" exit 3
    status=$(python3 - "$INGOT_OCI" "$ROOT" "$WORK/exit" <<'PYTHON'
import ctypes, os, subprocess, sys
runtime, root, bundle = sys.argv[1:]
PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
oci = [runtime, "--root", root]
subprocess.run(oci + ["create", "--bundle", bundle, "--pid-file", bundle + "/pid", "c-exit"],
               check=True, stdout=subprocess.DEVNULL)
pid = int(open(bundle + "/pid").read())
subprocess.run(oci + ["start", "c-exit"], check=True)
_, status = os.waitpid(pid, 0)
print(os.waitstatus_to_exitcode(status))
PYTHON
    ) || fail "create or start of c-exit failed"
    [[ $status == 3 ]] || fail "the init exited $status, not the program's 3"
    [[ $(state_field c-exit status) == stopped ]] || fail "after exit: $(oci state c-exit)"
    oci delete c-exit || fail "delete c-exit failed"

    make_bundle "$WORK/signals" "$PROGRAMS/signals" wait
    oci create --bundle "$WORK/signals" c-signals >"$WORK/signals.out" 2>&1 || fail "create c-signals failed"
    oci start c-signals || fail "start c-signals failed"
    [[ $(state_field c-signals status) == running ]] || fail "after start: $(oci state c-signals)"
    wait_for 'grep -qx waiting "$WORK/signals.out"'
    oci delete c-signals 2>/dev/null && fail "delete removed a running container"
    oci kill c-signals SIGTERM || fail "kill failed"
    wait_for '[[ $(state_field c-signals status) == stopped ]]'
    grep -qx "sigsuspend returned after signal 15" "$WORK/signals.out" ||
        fail "SIGTERM did not reach the program: $(cat "$WORK/signals.out")"
    oci delete c-signals || fail "delete c-signals failed"
    [[ -z $(ls "$ROOT") ]] || fail "state left behind: $(ls "$ROOT")"
}

# expect_refusal WHY REGEX ARGS...: one line on stderr matching REGEX, a non-zero status,
# nothing left in the state directory, and the message in the --log file as JSON.
expect_refusal() {
    local why=$1 regex=$2 error status
    shift 2
    : >"$LOG"
    error=$(oci "$@" 2>&1 >/dev/null)
    status=$?
    [[ $status != 0 ]] || fail "$why: accepted"
    [[ $(wc -l <<<"$error") == 1 ]] || fail "$why: more than one line: $error"
    [[ $error =~ $regex ]] || fail "$why: said '$error'"
    [[ -z $(ls -A "$ROOT" 2>/dev/null) ]] || fail "$why: left $(ls -A "$ROOT")"
    python3 -c 'import json, sys; line = json.loads(open(sys.argv[1]).readlines()[-1]); assert line["level"] == "error" and line["msg"]' "$LOG" ||
        fail "$why: the log holds no JSON error line: $(cat "$LOG")"
}

bad_bundles() {
    [[ -x $PROGRAMS/hello ]] || skip "$PROGRAMS/hello is missing: build ingot-test-programs"
    mkdir -p "$WORK/malformed/rootfs" "$WORK/no-rootfs"
    echo '{"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": [' >"$WORK/malformed/config.json"
    expect_refusal "malformed config.json" "^ingot-oci: error: '.*config.json': not valid JSON" \
        create --bundle "$WORK/malformed" c-bad
    expect_refusal "no config.json" "cannot open '.*/no-rootfs/config.json'" \
        create --bundle "$WORK/no-rootfs" c-bad
    make_bundle "$WORK/no-rootfs" "$PROGRAMS/hello"
    rm -rf "$WORK/no-rootfs/rootfs"
    expect_refusal "missing rootfs" "the bundle's root file system '.*/rootfs': No such file" \
        create --bundle "$WORK/no-rootfs" c-bad
    make_bundle "$WORK/script" "$PROGRAMS/hello"
    printf '#!/bin/sh\nexec hello\n' >"$WORK/script/rootfs/bin/entry.sh"
    chmod +x "$WORK/script/rootfs/bin/entry.sh"
    sed -i 's/"args": \["hello"/"args": ["entry.sh"/' "$WORK/script/config.json"
    expect_refusal "a script entrypoint" \
        "'entry.sh' is a script for '/bin/sh': it needs /bin/sh and fork/exec, which a unikernel does not have" \
        create --bundle "$WORK/script" c-bad
    expect_refusal "an unknown container" "container 'nope' does not exist" state nope
    expect_refusal "a bad id" "invalid container id" create --bundle "$WORK/script" "a/b"
    expect_refusal "exec" "exec: a unikernel runs one program" exec --tty c-any /bin/sh
    "$INGOT_OCI" --root "$ROOT" delete --force nope || fail "delete --force of nothing failed"
}

# An image FROM scratch with the test's programs, built by podman in storage of the case's
# own and pushed to a registry of its own: build_image NAME ENTRYPOINT-JSON FILES...
podman_here() {
    podman --root "$WORK/storage" --runroot "$WORK/runroot" --storage-driver vfs \
        --cgroup-manager cgroupfs --events-backend file "$@"
}
build_image() {
    local name=$1 entrypoint=$2 context=$WORK/context-$1
    shift 2
    mkdir -p "$context"
    cp "$@" "$context/"
    {
        echo "FROM scratch"
        for file in "$@"; do echo "COPY $(basename "$file") /$(basename "$file")"; done
        [[ -n $entrypoint ]] && echo "ENTRYPOINT $entrypoint"
    } >"$context/Containerfile"
    podman_here build -q -t "$REGISTRY/$name" "$context" >/dev/null 2>"$WORK/build.err" ||
        fail "podman build: $(cat "$WORK/build.err")"
    podman_here push -q --tls-verify=false "$REGISTRY/$name" 2>"$WORK/push.err" ||
        fail "podman push: $(cat "$WORK/push.err")"
}

needs_registry_and_podman() {
    guest_platform_or_skip
    for tool in podman docker-registry curl python3; do
        command -v $tool >/dev/null || skip "$tool is not installed"
    done
    # podman's default rlimits cannot be set in some sandboxes ("error setting rlimit type
    # 7"): the case's containers.conf gives ones any host allows.
    export CONTAINERS_CONF=$WORK/containers.conf
    printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' >"$CONTAINERS_CONF"
    source "$HERE/local_registry.sh"
    start_registry "$WORK/registry" >"$WORK/registry.out" || skip "docker-registry does not start: $(cat "$WORK/registry.out")"
    CLEANUP+=(stop_registry)
}

# podman run --runtime ingot-oci -p HOST:80 of an image pulled from the registry, served
# through podman's own port forwarding into the container's network namespace.
podman_publish() {
    [[ -x $EXAMPLES/http_server ]] || skip "$EXAMPLES/http_server is missing: build ingot-examples"
    needs_registry_and_podman
    build_image ingot-oci-web '["/http_server", "80"]' "$EXAMPLES/http_server"
    podman_here rmi -f "$REGISTRY/ingot-oci-web" >/dev/null 2>&1
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    CLEANUP+=("podman_here rm -f -t 0 ocirt-web")
    podman_here run -d --runtime "$INGOT_OCI" --tls-verify=false --name ocirt-web -p "$port:80" \
        "$REGISTRY/ingot-oci-web" >"$WORK/run.out" 2>&1 || fail "podman run: $(cat "$WORK/run.out")"
    wait_for 'curl -sS --max-time 2 -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null'
    curl -sS --max-time 10 "http://127.0.0.1:$port/" | grep -q "Hello from Ingot" ||
        fail "the published port did not serve the page"
    [[ $(podman_here inspect -f '{{.State.Status}}' ocirt-web) == running ]] || fail "podman inspect: not running"
    podman_here stop -t 5 ocirt-web >/dev/null || fail "podman stop failed"
    podman_here rm ocirt-web >/dev/null || fail "podman rm failed"
}

# containerd of the case's own: ctr pulls the image and runs it with ingot-oci as the runc
# binary of its runc shim; the output and the exit status come back through ctr.
containerd_run() {
    [[ -x $PROGRAMS/hello && -x $PROGRAMS/exit_paths ]] || skip "build ingot-test-programs"
    command -v containerd >/dev/null || skip "containerd is not installed"
    command -v containerd-shim-runc-v2 >/dev/null || skip "containerd-shim-runc-v2 is not installed"
    needs_registry_and_podman
    build_image ingot-oci-hello "" "$PROGRAMS/hello" "$PROGRAMS/exit_paths"
    address=$WORK/containerd.sock
    cat >"$WORK/containerd.toml" <<TOML
version = 2
root = "$WORK/containerd-root"
state = "$WORK/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$address"
TOML
    containerd --config "$WORK/containerd.toml" >"$WORK/containerd.log" 2>&1 &
    containerd_pid=$!
    CLEANUP+=("kill $containerd_pid")
    # The runc shim keeps runc's --root at /run/containerd/runc/NAMESPACE whatever the state.
    CLEANUP+=("rmdir /run/containerd/runc/ocirt")
    ctr() { command ctr --address "$address" --namespace ocirt "$@"; }
    wait_for 'ctr version >/dev/null 2>&1'
    ctr image pull --plain-http "$REGISTRY/ingot-oci-hello:latest" >"$WORK/pull.out" 2>&1 ||
        fail "ctr image pull: $(cat "$WORK/pull.out")"
    ctr run --rm --runc-binary "$INGOT_OCI" "$REGISTRY/ingot-oci-hello:latest" ocirt-hello \
        /hello x y >"$WORK/hello.out" 2>&1
    status=$?
    [[ $status == 0 ]] || fail "ctr run exited $status: $(cat "$WORK/hello.out")"
    grep -qx "hello from C" "$WORK/hello.out" || fail "ctr run's output: $(cat "$WORK/hello.out")"
    grep -qx "argv\[2\]=y" "$WORK/hello.out" || fail "ctr run's arguments: $(cat "$WORK/hello.out")"
    ctr run --rm --runc-binary "$INGOT_OCI" "$REGISTRY/ingot-oci-hello:latest" ocirt-exit \
        /exit_paths exit 3 >"$WORK/exit.out" 2>&1
    status=$?
    [[ $status == 3 ]] || fail "ctr run of exit 3 exited $status: $(cat "$WORK/exit.out")"
    grep -qx "buffered line before exit(3)" "$WORK/exit.out" || fail "ctr run's output: $(cat "$WORK/exit.out")"
    [[ -z $(ctr containers list -q) ]] || fail "ctr run --rm left $(ctr containers list -q)"
}

case $case_name in
runtime_lifecycle | bad_bundles | podman_publish | containerd_run) "$case_name" ;;
*) fail "unknown case $case_name" ;;
esac
echo "ok: $case_name"
