#!/usr/bin/env bash
# Volume figures: fsync'd 4 KiB write latency and sequential MB/s, natively and in an Ingot
# guest (hvt, and qemu with INGOT_BENCH_QEMU=1) on the same host directory, in one run.
#   bench/volume.sh [build-dir] [directory]    (default build/ and a new directory in /var/tmp)
set -eu
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
program=$(mktemp /tmp/volume_bench-XXXXXX)
made=
if [ $# -ge 2 ]; then
  directory=$2
else
  directory=$(mktemp -d /var/tmp/ingot-volume-bench-XXXXXX)
  made=$directory
fi
trap 'rm -f "$program"; [ -n "$made" ] && rm -rf "$made"' EXIT
gcc -O2 -static "$here/volume/volume_bench.c" -o "$program"
# Started as root, the hvt monitor serves a volume as its directory's owner.
[ "$(id -u)" = 0 ] && chown nobody: "$directory"
run() {
  local where=$1
  shift
  case $where in
  native) "$program" "$@" ;;
  *) "$build/bin/ingot" run --platform "$where" -v "$directory:/volume" "$program" -- \
       "$1" /volume "${@:3}" ;;
  esac
}
platforms="native hvt"
[ "${INGOT_BENCH_QEMU:-0}" = 1 ] && platforms="$platforms qemu"
echo "directory: $directory ($(df -T "$directory" | awk 'NR==2 {print $2}'))"
for where in $platforms; do
  echo "== $where"
  run "$where" latency "$directory" 200
  run "$where" sequential "$directory" 64
done
