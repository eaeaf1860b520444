#!/usr/bin/env bash
# What a program sends just before it exits reaches its peer: the guest sends 64 datagrams to
# the host and exits at once, with its next hop's ARP answer still to come and QEMU's
# virtio-net still copying frames to the tap. On Linux the kernel delivers them after the
# process is gone; a unikernel's VM ends with the program, so Ingot's exit waits (at most a
# few seconds) for neighbour queues and the device to drain (net::finish_output).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"

topology_plain
require_files "$PROGRAMS/udp_echo"
"$PROGRAMS/udp_echo" count 9000 64 "$BOOT_SECONDS" >"$WORK/count.out" 2>&1 &
COUNTER_PID=$!
STARTED_PIDS+=("$COUNTER_PID")
for _ in $(seq 50); do
    grep -q "counting on UDP port 9000" "$WORK/count.out" && break
    sleep 0.1
done
grep -q "counting on UDP port 9000" "$WORK/count.out" || fail "the host's counter did not start"
start_server "$PROGRAMS/udp_echo" send "$HOST_IP" 9000 64 1000
wait_server_exit "$BOOT_SECONDS" || fail "the sender exited with status $?"
wait "$COUNTER_PID"
counted=$?
note "$(tail -1 "$WORK/count.out")"
((counted == 0)) || fail "datagrams sent just before the exit were lost"
pass "64 datagrams sent just before the program exited all arrived"
