# A container registry of the test's own: Debian's docker-registry listening on 127.0.0.1, with
# its storage in a directory the caller removes. Sourced by the integration scripts that push and
# pull images (skopeo, podman, ctr).
#   start_registry DIR    starts it, storage and log under DIR; sets REGISTRY=127.0.0.1:PORT and
#                         REGISTRY_PID; returns 1 (with the log on stdout) when it does not answer
#   stop_registry         stops it

start_registry() {
    local dir=$1 port i
    command -v docker-registry >/dev/null || return 1
    mkdir -p "$dir/data"
    # A free port: the kernel picks one for a socket bound to port 0.
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$dir/config.yml" <<CONFIG
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$port
CONFIG
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    REGISTRY_PID=$!
    REGISTRY=127.0.0.1:$port
    for ((i = 0; i < 100; i++)); do
        curl -sf "http://$REGISTRY/v2/" >/dev/null && return 0
        sleep 0.1
    done
    cat "$dir/log"
    stop_registry
    return 1
}

stop_registry() {
    [[ -n ${REGISTRY_PID:-} ]] && kill "$REGISTRY_PID" 2>/dev/null && wait "$REGISTRY_PID" 2>/dev/null
    REGISTRY_PID=
}
