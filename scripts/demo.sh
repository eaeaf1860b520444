#!/usr/bin/env bash
# Builds Ingot, then builds a static C++ program, seals it into an image and boots it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ingot="$root/build/bin/ingot"

echo
echo "== g++ -O2 -static -pthread examples/demo/demo.cpp -o demo"
g++ -O2 -static -pthread "$root/examples/demo/demo.cpp" -o "$work/demo"
echo "== ingot build demo -o demo.img --mem 64M --env GREETING=hello -- from an image"
"$ingot" build "$work/demo" -o "$work/demo.img" --mem 64M --env GREETING=hello -- from an image
echo "== ingot inspect demo.img"
"$ingot" inspect "$work/demo.img"
echo "== ingot run demo.img"
"$ingot" run "$work/demo.img"
echo "== ingot run demo.img -- with new arguments"
"$ingot" run "$work/demo.img" -- with new arguments

# The network: the HTTP example served from a unikernel through a published port, in a network
# namespace of its own so the demo leaves nothing behind on the host.
if [[ $(id -u) -eq 0 && -c /dev/net/tun ]] && command -v unshare curl >/dev/null; then
  echo "== ingot run build/examples/http_server -p 8080:80 -- 80   (then curl it)"
  unshare --net bash -c '
    ip link set lo up
    "$1" run "$2" -p 8080:80 -- 80 &
    for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:8080/ && break; sleep 0.1; done
    curl -sS http://127.0.0.1:8080/ | head -n 5; echo
    kill -TERM $!
    wait $! || true' demo "$ingot" "$root/build/examples/http_server"
else
  echo "== (the network demo needs root and /dev/net/tun: skipped)"
fi
