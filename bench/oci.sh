#!/usr/bin/env bash
# podman with ingot-oci beside podman with runc: the time from `podman run -d -p` to the first
# answered request, for the same static HTTP server (examples/http_server) in the same image
# FROM scratch, pulled from a local registry, rows interleaved round by round in one run.
# Prints each row's median, min and max and the ratio of the medians (ingot-oci / runc).
# Usage: bench/oci.sh [build-dir]   (default: the repository's build/; build ingot-oci and
#   ingot-examples first)
# Environment: RUNS (5). Needs root, podman, runc, docker-registry and curl. ingot-oci boots
# on hvt where /dev/kvm works, else under QEMU (TCG): the row says which.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$root/build}" 2>/dev/null && pwd) || { echo "bench: no build directory ${1:-$root/build}" >&2; exit 1; }
ingot_oci=$build/bin/ingot-oci
server=$build/examples/http_server
runs=${RUNS:-5}

for file in "$ingot_oci" "$server"; do
    [[ -x $file ]] || { echo "bench: $file is missing: build ingot-oci and ingot-examples" >&2; exit 1; }
done
[[ $(id -u) == 0 ]] || { echo "bench: run as root (podman's -p as root, ingot-oci)" >&2; exit 1; }
for tool in podman runc docker-registry curl python3; do
    command -v $tool >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ingot-bench-oci.XXXXXX")
source "$root/tests/integration/local_registry.sh"
cleanup() {
    podman_here rm -af -t 0 >/dev/null 2>&1
    stop_registry
    rm -rf "$work"
}
trap cleanup EXIT
# Podman's default rlimits cannot be set in some sandboxes; these any host allows.
export CONTAINERS_CONF=$work/containers.conf
printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n' >"$CONTAINERS_CONF"
podman_here() {
    podman --root "$work/storage" --runroot "$work/runroot" --storage-driver vfs \
        --cgroup-manager cgroupfs --events-backend file "$@"
}
start_registry "$work/registry" >&2 || { echo "bench: docker-registry does not start" >&2; exit 1; }
mkdir -p "$work/context"
cp "$server" "$work/context/"
printf 'FROM scratch\nCOPY http_server /http_server\nENTRYPOINT ["/http_server", "80"]\n' >"$work/context/Containerfile"
image=$REGISTRY/ingot-bench-web
podman_here build -q -t "$image" "$work/context" >/dev/null && podman_here push -q --tls-verify=false "$image" ||
    { echo "bench: cannot build and push the image" >&2; exit 1; }

platform=hvt
[[ -c /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null || platform="qemu: no usable /dev/kvm"

now_ns() { date +%s%N; }
# One start: milliseconds from `podman run -d` to the first answered request, or nothing.
start_ms() {
    local runtime=$1 port start i
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    start=$(now_ns)
    podman_here run -d --runtime "$runtime" --name ingot-bench-web -p "$port:80" "$image" >/dev/null || return
    for ((i = 0; i < 1200; i++)); do
        if curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$port/"; then
            echo $((($(now_ns) - start) / 1000000))
            break
        fi
        sleep 0.05
    done
    podman_here rm -f -t 0 ingot-bench-web >/dev/null 2>&1
}

declare -A times
rows=("$ingot_oci" "$(command -v runc)")
for ((round = 0; round < runs; round++)); do
    for runtime in "${rows[@]}"; do
        ms=$(start_ms "$runtime")
        [[ -n $ms ]] && times[$runtime]+="$ms "
    done
done

# median min max of a list of numbers
stats() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)], a[1], a[NR]}'; }
printf '%-36s %10s %8s %8s %s\n' "podman run -d -p, to the first answer" median min max "(ms, $runs runs)"
for runtime in "${rows[@]}"; do
    read -r median min max <<<"$(stats "${times[$runtime]:-}")"
    label="runc"
    [[ $runtime == "$ingot_oci" ]] && label="ingot-oci ($platform)"
    printf '%-36s %10s %8s %8s\n' "$label" "${median:--}" "${min:--}" "${max:--}"
    [[ $runtime == "$ingot_oci" ]] && ingot_median=${median:-}
    [[ $runtime != "$ingot_oci" ]] && runc_median=${median:-}
done
if [[ -n ${ingot_median:-} && -n ${runc_median:-} ]]; then
    awk -v a="$ingot_median" -v b="$runc_median" 'BEGIN {printf "ratio ingot-oci / runc: %.2f\n", a / b}'
else
    echo "bench: a row could not be measured" >&2
    exit 1
fi
