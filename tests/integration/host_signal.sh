#!/usr/bin/env bash
# Sends a signal to `ingot run` once the guest says it is waiting, and reports what happened.
#   host_signal.sh SIGNAL COMMAND...    (COMMAND runs the signals program in a waiting mode)
# Prints the guest's output on stdout, its stderr on stderr, and exits with ingot's status.
set -u
signal=$1
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
kill -s "$signal" "$guest_pid"
while IFS= read -r -t 10 line <&"$from_guest"; do
    echo "$line"
done
wait "$guest_pid"
