#!/usr/bin/env bash
# One volume case on one platform, on a fresh host directory (removed afterwards):
#   volume_case.sh CASE INGOT PLATFORM VOLUME_IO
# CASE:
#   guest-writes   the guest creates, writes and fsyncs a file; the host reads it
#   host-writes    the host writes a file; the guest reads it
#   read-only      on a :ro volume every change is EROFS and the host's file is unchanged
#   kill           the guest appends fsync'd records; ingot is killed with SIGKILL mid-way;
#                  every record acknowledged before is in the host's file
# Prints what it checked; exits non-zero on the first mismatch.
set -u
case_name=$1 ingot=$2 platform=$3 program=$4
directory=$(mktemp -d /tmp/ingot-volume-XXXXXX)
trap 'rm -rf "$directory"' EXIT
# Started as root, the hvt monitor serves volumes as their directory's owner: not root.
if [ "$(id -u)" = 0 ]; then
  chown nobody: "$directory"
fi
run() {
  "$ingot" run --platform "$platform" "$@"
}
case $case_name in
guest-writes)
  run -v "$directory:/data" "$program" -- write /data || exit 1
  content=$(cat "$directory/from-guest.txt") || exit 1
  [ "$content" = "written by the guest" ] || { echo "host read: '$content'"; exit 1; }
  echo "host read: $content"
  ;;
host-writes)
  echo "written by the host" > "$directory/from-host.txt"
  run -v "$directory:/data" "$program" -- read /data/from-host.txt
  ;;
read-only)
  echo "kept" > "$directory/from-host.txt"
  run -v "$directory:/data:ro" "$program" -- readonly /data || exit 1
  [ "$(cat "$directory/from-host.txt")" = kept ] || { echo "the host's file changed"; exit 1; }
  [ "$(ls "$directory")" = from-host.txt ] || { echo "the guest created files"; exit 1; }
  echo "host unchanged"
  ;;
kill)
  output=$directory.out
  # Started directly, not through run(): $! must be ingot itself, the process killed.
  "$ingot" run --platform "$platform" -v "$directory:/data" "$program" -- append /data/log 1000000 \
    >"$output" 2>/dev/null &
  pid=$!
  for _ in $(seq 600); do
    [ "$(grep -c '^acked' "$output" 2>/dev/null)" -ge 20 ] && break
    sleep 0.1
  done
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  last=$(grep '^acked' "$output" | tail -1 | cut -d' ' -f2)
  rm -f "$output"
  [ -n "$last" ] || { echo "nothing was acknowledged"; exit 1; }
  for i in $(seq 0 "$last"); do
    grep -qx "record $i" "$directory/log" || { echo "acknowledged record $i is lost"; exit 1; }
  done
  echo "every acknowledged record survived"
  ;;
*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac
