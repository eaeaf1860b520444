#!/usr/bin/env bash
# The monitor's sandbox with -p, as root: once the guest serves, every thread of `ingot run`
# that ingot seals shows a seccomp filter and no capabilities in /proc, the hvt monitor runs as
# nobody and holds no /dev/kvm or VM descriptor, the published port still serves (the proxy
# accepts and connects inside its allowlist), and the tap ingot created vanishes when it ends.
# On qemu ingot's main thread takes its filter (the console relay's) only after starting QEMU,
# which inherits none but runs with no_new_privs; ingot stays root there (QEMU needs /dev/kvm).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
net_begin "$@"
[[ $MODE == native ]] && skip "the sandbox is ingot's: nothing to check natively"
require_tools curl:curl
topology_publish 8080 80
start_server "$EXAMPLES/http_server" 80
wait_until "curl http://127.0.0.1:8080/" curl -sS --max-time 2 -o /dev/null http://127.0.0.1:8080/

field() { awk -v name="$1:" '$1 == name { print $2 }' "$2"; }
threads=0 filtered=0
for task in /proc/"$SERVER_PID"/task/*; do
    status=$task/status
    # KVM's own worker thread in the process (kvm-nx-lpage-recovery) is the kernel's.
    [[ $(cat "$task/comm") == kvm-* ]] && continue
    threads=$((threads + 1))
    note "thread ${task##*/}: Seccomp $(field Seccomp "$status") NoNewPrivs $(field NoNewPrivs "$status") CapEff $(field CapEff "$status") Uid $(field Uid "$status")"
    [[ $(field NoNewPrivs "$status") == 1 ]] || fail "thread ${task##*/} lacks no_new_privs"
    if [[ $(field Seccomp "$status") == 2 ]]; then
        filtered=$((filtered + 1))
        [[ $(field CapEff "$status") == 0000000000000000 ]] ||
            fail "thread ${task##*/} kept capabilities $(field CapEff "$status")"
    fi
    if [[ $MODE == hvt && $(field Uid "$status") == 0 ]]; then
        fail "thread ${task##*/} still runs as root"
    fi
done
((threads == 2)) || fail "expected the monitor's and the proxy's thread, found $threads"
((filtered == threads)) || fail "$filtered of $threads threads have a seccomp filter"
if [[ $MODE == qemu ]]; then
    qemu=$(pgrep -P "$SERVER_PID" | head -n 1)
    [[ -n $qemu ]] || fail "no QEMU process under ingot"
    note "QEMU $qemu: Seccomp $(field Seccomp /proc/"$qemu"/status) NoNewPrivs $(field NoNewPrivs /proc/"$qemu"/status)"
    [[ $(field Seccomp /proc/"$qemu"/status) == 0 ]] || fail "QEMU inherited a seccomp filter"
    [[ $(field NoNewPrivs /proc/"$qemu"/status) == 1 ]] || fail "QEMU lacks no_new_privs"
fi
if [[ $MODE == hvt ]]; then
    descriptors=$(for fd in /proc/"$SERVER_PID"/fd/*; do readlink "$fd"; done)
    note "descriptors: $(tr '\n' ' ' <<<"$descriptors")"
    grep -q "^/dev/kvm$" <<<"$descriptors" && fail "the monitor keeps /dev/kvm open"
    grep -q "kvm-vm" <<<"$descriptors" && fail "the monitor keeps the VM's descriptor open"
    grep -q "kvm-vcpu" <<<"$descriptors" || fail "the monitor has no vCPU descriptor"
fi
page=$(curl -sS --max-time 10 http://127.0.0.1:8080/) || fail "curl after the checks failed"
grep -q "Hello from Ingot" <<<"$page" || fail "the published port did not serve the page: $page"
tap=$(ip -o link show | grep -o 'ingot[0-9]*' | head -n 1)
[[ -n $tap ]] || fail "no tap named ingot* while the guest runs"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
ip link show "$tap" >/dev/null 2>&1 && fail "tap $tap outlived ingot"
pass "sealed threads: $filtered of $threads; the port served; tap $tap removed at the end"
