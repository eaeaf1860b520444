#!/usr/bin/env bash
# Looks at a running `ingot run` from outside once the guest says it is waiting: what the
# kernel says of its sandbox (/proc/PID/status of every thread) and the descriptors it holds
# (/proc/PID/fd), then stops it with SIGTERM.
#   sandbox_status.sh COMMAND...    (COMMAND runs the signals program in its waiting mode)
# Prints, on stdout: the guest's first line; per thread "thread COMM: Seccomp: N NoNewPrivs: N
# CapEff: X CapPrm: X Uid: U" (KVM may add a worker thread of its own to the process, e.g.
# kvm-nx-lpage-recovery); per descriptor "fd N: TARGET" (pipes and sockets without their inode
# numbers), then "descriptors: COUNT"; last ingot's exit status as "status N".
set -u
coproc GUEST { exec "$@" 2>/dev/null; }
guest_pid=$GUEST_PID
exec {from_guest}<&"${GUEST[0]}"
if ! IFS= read -r -t 10 line <&"$from_guest"; then
    echo "STALL: the guest did not start waiting within 10s"
    kill -KILL "$guest_pid" 2>/dev/null
    exit 1
fi
echo "$line"
for task in /proc/"$guest_pid"/task/*; do
    fields=$(awk '{ value[$1] = $2 }
                  END { printf "Seccomp: %s NoNewPrivs: %s CapEff: %s CapPrm: %s Uid: %s",
                               value["Seccomp:"], value["NoNewPrivs:"], value["CapEff:"],
                               value["CapPrm:"], value["Uid:"] }' "$task/status")
    echo "thread $(cat "$task/comm"): $fields"
done
count=0
for fd in /proc/"$guest_pid"/fd/*; do
    target=$(readlink "$fd") || continue
    echo "fd ${fd##*/}: ${target%%:\[*}"
    count=$((count + 1))
done
echo "descriptors: $count"
kill -TERM "$guest_pid"
while IFS= read -r -t 10 line <&"$from_guest"; do :; done
wait "$guest_pid"
echo "status $?"
