#!/usr/bin/env bash
# Sends signals to `ingot run` once the guest says it is waiting (its first line), half a
# second apart, and reports how long it took to end after the first.
#   stop_signals.sh SIGNAL[,SIGNAL...] COMMAND...
# Prints the guest's output on stdout, then "ended N s after the first signal" (whole seconds,
# rounded down); its stderr goes to stderr; exits with the command's status.
set -u
IFS=, read -r -a signals <<<"$1"
shift
coproc GUEST { exec "$@"; }
guest_pid=$GUEST_PID
# bash forgets the coproc's descriptors when it exits: keep our own copy of its output.
exec {from_guest}<&"${GUEST[0]}"
if ! IFS= read -r -t 10 line <&"$from_guest"; then
    echo "STALL: the guest did not start waiting within 10s"
    kill -KILL "$guest_pid" 2>/dev/null
    exit 1
fi
echo "$line"
first=$EPOCHREALTIME
for i in "${!signals[@]}"; do
    [ "$i" = 0 ] || sleep 0.5
    kill -s "${signals[$i]}" "$guest_pid" 2>/dev/null
done
while IFS= read -r -t 60 line <&"$from_guest"; do
    echo "$line"
done
wait "$guest_pid"
status=$?
elapsed=$(awk -v a="$first" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", b - a }')
echo "ended $elapsed s after the first signal"
exit "$status"
