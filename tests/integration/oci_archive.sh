#!/usr/bin/env bash
# OCI image archives: `ingot build --oci-archive`, read by skopeo and podman, pushed to and pulled
# from a local registry, and run again by `ingot run`; and the archives ingot refuses. One case a
# run, in a temporary directory removed at its end.
#   oci_archive.sh CASE INGOT PROGRAMS
# Prints "ok: CASE" and exits 0 when the case passed; "FAIL: why" and 1 when not; 77 when it
# cannot run here (with the reason).
set -u
case_name=$1 INGOT=$2 PROGRAMS=$3
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

fail() {
    echo "FAIL: $*"
    exit 1
}
skip() {
    echo "SKIPPED: $*"
    exit 77
}

[[ -x $PROGRAMS/hello ]] || skip "$PROGRAMS/hello is missing: build the test programs"
WORK=$(mktemp -d /tmp/ingot-ociarch-XXXXXX)
cleanup() {
    [[ $(type -t stop_registry) == function ]] && stop_registry
    # podman's storage holds read-only layers and mounts of its own: it removes them itself.
    [[ -d $WORK/podman ]] && podman_cmd system reset --force >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK" || fail "cannot enter $WORK"

build_web() {
    "$INGOT" build "$PROGRAMS/hello" --oci-archive web.tar --tag web -e GREETING=oci -- first ||
        fail "ingot build --oci-archive failed"
}

needs() {
    command -v "$1" >/dev/null || skip "$1 is missing (Debian package $2)"
}

# The platform that can boot here: hvt with /dev/kvm, else QEMU; empty when neither.
boot_platform() {
    if [[ -c /dev/kvm ]] && (exec 3<>/dev/kvm) 2>/dev/null; then
        echo hvt
    elif command -v "${INGOT_QEMU:-qemu-system-x86_64}" >/dev/null; then
        echo qemu
    fi
}

# `ingot run ARCHIVE` prints the hello program's output, with the image's argv and environment.
check_runs() {
    local platform output
    platform=$(boot_platform)
    [[ -n $platform ]] || skip "neither /dev/kvm nor qemu-system-x86_64 to boot $1 (the rest passed)"
    output=$("$INGOT" run --platform "$platform" "$1" 2>&1) || fail "ingot run $1: $output"
    grep -qx "hello from C" <<<"$output" || fail "ingot run $1 printed: $output"
    grep -qx "argv\[1\]=first" <<<"$output" || fail "the image's argv is lost: $output"
    grep -qx "GREETING=oci" <<<"$output" || fail "the image's environment is lost: $output"
}

# The layout as skopeo's oci-archive transport reads it, written the same way twice.
build() {
    build_web
    [[ $(tar tf web.tar | sort | tr '\n' ' ') =~ ^blobs/\ blobs/sha256/\ (blobs/sha256/[0-9a-f]{64}\ ){3}index.json\ oci-layout\ $ ]] ||
        fail "web.tar holds: $(tar tf web.tar)"
    cp web.tar first.tar
    sleep 1 # a timestamp taken from the clock would now differ
    build_web
    cmp -s web.tar first.tar || fail "two builds of the same input differ"
    SOURCE_DATE_EPOCH=1700000000 "$INGOT" build "$PROGRAMS/hello" --oci-archive dated.tar ||
        fail "a build with SOURCE_DATE_EPOCH failed"
    tar tvf dated.tar | grep -q "2023-11-14" || fail "SOURCE_DATE_EPOCH is not the mtime: $(tar tvf dated.tar)"
    # -o and --oci-archive together write the same image twice.
    "$INGOT" build "$PROGRAMS/hello" -o hello.img --oci-archive both.tar || fail "-o with --oci-archive"
    [[ -s hello.img && -s both.tar ]] || fail "-o with --oci-archive wrote $(ls)"
    "$INGOT" inspect web.tar >inspect.txt || fail "ingot inspect web.tar: $(cat inspect.txt)"
    grep -Eq '^archive +web.tar, OCI image tagged web, the image at /ingot/hello.img$' inspect.txt ||
        fail "inspect: $(cat inspect.txt)"
    grep -Eq '^argv +"hello" "first"$' inspect.txt || fail "inspect: $(cat inspect.txt)"
}

run_archive() {
    build_web
    check_runs web.tar
}

skopeo_inspect() {
    needs skopeo skopeo
    build_web
    local config
    config=$(skopeo inspect --config oci-archive:web.tar 2>&1) || fail "skopeo inspect: $config"
    python3 - "$config" <<'PY' || fail "skopeo's view of the config: $config"
import json, sys
config = json.loads(sys.argv[1])["config"]
assert config["Entrypoint"] == ["/ingot/hello.img"], config
assert config["Cmd"] == ["first"], config
assert "GREETING=oci" in config["Env"], config
PY
    skopeo inspect oci-archive:web.tar >/dev/null 2>&1 || fail "skopeo inspect (the manifest) failed"
    # Layers recompressed (zstd) or left uncompressed by skopeo are read as well.
    for compression in "--dest-compress-format zstd --dest-compress" --dest-decompress; do
        # shellcheck disable=SC2086 # two options in one word
        skopeo copy -q $compression oci-archive:web.tar oci-archive:copy.tar || fail "skopeo copy $compression"
        "$INGOT" inspect copy.tar | grep -q '^argv  *"hello" "first"$' || fail "ingot inspect after skopeo copy $compression"
        rm copy.tar
    done
    # A docker archive is named as one.
    skopeo copy -q oci-archive:web.tar docker-archive:docker.tar:web:1 || fail "skopeo copy to docker-archive"
    refused docker.tar "docker.tar: a docker archive, not an OCI archive: convert it with skopeo copy"
}

registry_round_trip() {
    needs skopeo skopeo
    needs docker-registry docker-registry
    needs python3 python3
    build_web
    # shellcheck source=local_registry.sh
    source "$HERE/local_registry.sh"
    start_registry "$WORK/registry" || fail "the local registry did not start"
    skopeo copy -q oci-archive:web.tar "docker://$REGISTRY/web:1" --dest-tls-verify=false ||
        fail "skopeo copy to the registry failed"
    skopeo copy -q "docker://$REGISTRY/web:1" oci-archive:back.tar --src-tls-verify=false ||
        fail "skopeo copy from the registry failed"
    "$INGOT" inspect back.tar >inspect.txt 2>&1 || fail "ingot inspect back.tar: $(cat inspect.txt)"
    grep -Eq '^archive +back.tar, OCI image.*, the image at /ingot/hello.img$' inspect.txt ||
        fail "inspect back.tar: $(cat inspect.txt)"
    check_runs back.tar
}

podman_cmd() {
    podman --root "$WORK/podman/root" --runroot "$WORK/podman/run" --storage-driver vfs \
        --cgroup-manager cgroupfs --events-backend file "$@"
}

podman_load() {
    needs podman podman
    build_web
    mkdir -p "$WORK/podman"
    local output
    output=$(podman_cmd load -i web.tar 2>&1) || fail "podman load: $output"
    output=$(podman_cmd image inspect --format '{{json .Config.Entrypoint}}' localhost/web 2>&1) ||
        fail "podman image inspect: $output"
    [[ $output == '["/ingot/hello.img"]' ]] || fail "podman sees the entrypoint as $output"
    # Without --tag the image is named after the program.
    "$INGOT" build "$PROGRAMS/hello" --oci-archive hello.tar || fail "a build without --tag failed"
    output=$(podman_cmd load -i hello.tar 2>&1) || fail "podman load: $output"
    grep -q "localhost/hello:latest" <<<"$output" || fail "podman loaded: $output"
}

# Each bad archive: one line on stderr, exit status 2, nothing written.
refused() {
    local what=$1 expected=$2 error status before
    before=$(ls -A | sort)
    error=$("$INGOT" run "$what" 2>&1 >/dev/null)
    status=$?
    [[ $status == 2 ]] || fail "ingot run $what exited $status: $error"
    [[ $(wc -l <<<"$error") == 1 && $error == *"$expected"* ]] || fail "ingot run $what said: $error"
    [[ $(ls -A | sort) == "$before" ]] || fail "ingot run $what left files behind"
}

bad_archives() {
    build_web
    mkdir docker && echo '[]' >docker/manifest.json && tar cf docker.tar -C docker manifest.json
    refused docker.tar "a docker archive, not an OCI archive"
    mkdir plain && echo hi >plain/hello.txt && tar cf plain.tar -C plain hello.txt
    refused plain.tar "a tar file without oci-layout"
    head -c 20000 web.tar >truncated.tar
    refused truncated.tar "truncated.tar:"
    # A blob changed after the archive was written.
    mkdir layout && tar xf web.tar -C layout
    for blob in layout/blobs/sha256/*; do
        [[ $(head -c 1 "$blob") == "{" ]] && grep -q '"Entrypoint"' "$blob" && sed -i 's/amd64/AMD64/' "$blob"
    done
    tar cf tampered.tar -C layout oci-layout index.json blobs
    refused tampered.tar "the config's blob does not match its digest"
    # A build refused: nothing written either.
    "$INGOT" build "$PROGRAMS/hello" --oci-archive tagged.tar --tag 'no spaces' 2>/dev/null &&
        fail "a bad --tag was taken"
    [[ -e tagged.tar ]] && fail "a refused build left tagged.tar"
}

case $case_name in
build | run_archive | skopeo_inspect | registry_round_trip | podman_load | bad_archives) "$case_name" ;;
*) fail "no case $case_name" ;;
esac
echo "ok: $case_name"
